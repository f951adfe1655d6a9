#pragma once
#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_names.hpp"
#include "core/expected.hpp"

// Effective dates (issue 18): what HR's date columns mean, as UTC instants. Pure: the clock is a
// parameter, and the only I/O is the tz database behind the date::time_zone passed in (see
// core/zone_database.hpp).
// - date_format: one accepted spelling of a date (lifecycle.date_formats);
// - date_read_options and read_date: one HR value to a parsed_date, none (blank or one of
//   lifecycle.null_dates) or an error sentence naming the value;
// - day_times, access_start and access_end: the instants access starts and ends for a person's
//   start and end dates in their zone (lifecycle.start_time and end_time);
// - access_window and make_access_window: both, checked (an end before the start is
//   invalid_date_range) and with warnings for dates more than 5 years away;
// - provision_state: how an account made before its start date is created.
namespace eightsync::core {

/// lifecycle.provision_state: how an account created inside the provisioning window, before
/// its start, is created.
/// - inactive: created with active false, activated at the start
/// - active: created active at once
/// - none: not created before the start
BOOST_DEFINE_FIXED_ENUM_CLASS(provision_state, std::uint8_t, inactive, active, none)

/// An accepted spelling of a date, by its config name:
/// - iso_date `YYYY-MM-DD`, us_date `MM/DD/YYYY`, day_first_date `DD/MM/YYYY`, dotted_date
///   `DD.MM.YYYY` (day and month may have one digit in the last three);
/// - iso_date_time `ISO8601`: a date-time with an explicit offset, `2025-03-01T09:00:00+01:00`,
///   `…Z`, `…+0100` (seconds and fractions optional). It is an exact instant, whatever the
///   person's zone.
enum class date_format : std::uint8_t { iso_date, us_date, day_first_date, dotted_date, iso_date_time };

/// Every format, in documentation order.
inline constexpr std::array<date_format, 5> all_date_formats{
    date_format::iso_date, date_format::us_date, date_format::day_first_date, date_format::dotted_date,
    date_format::iso_date_time};

/// The config name of `f` ("YYYY-MM-DD", …). Never throws.
std::string_view date_format_name(date_format f) noexcept;

/// The format whose config name is `name`, exactly; nullopt for any other text. Never throws.
std::optional<date_format> date_format_from_name(std::string_view name) noexcept;

/// Why `formats` cannot be used as lifecycle.date_formats, as the "found …" part of a config
/// error: both MM/DD/YYYY and DD/MM/YYYY (03/04/2025 would be read either way), or a format
/// listed twice. nullopt when usable. Throws only std::bad_alloc.
std::optional<std::string> date_formats_problem(std::span<const date_format> formats);

/// How HR's date values are read: the formats, tried in order, and the values meaning "no date".
struct date_read_options {
  std::vector<date_format> formats{date_format::iso_date};  ///< at least one, unambiguous
  std::vector<std::string> null_dates;                      ///< compared with the trimmed value, exactly
};

/// A date read from HR: a calendar day, and for a date-time with an offset the exact instant.
struct parsed_date {
  date::year_month_day day;                         ///< the day as written
  std::optional<std::chrono::sys_seconds> instant;  ///< set for iso_date_time only
  date_format format = date_format::iso_date;       ///< the format that matched

  /// Member-wise equality.
  friend bool operator==(const parsed_date&, const parsed_date&) = default;
};

/// Reads one HR value: nullopt when it is blank or one of `options.null_dates`; the date and
/// the first format (in `options.formats` order) that reads it; or an error sentence naming the
/// value, `expected a date as YYYY-MM-DD or DD.MM.YYYY, found "31.02.2025", which is not a day
/// of the calendar`. Surrounding whitespace is ignored. Throws only std::bad_alloc.
expected<std::optional<parsed_date>, std::string> read_date(std::string_view text,
                                                            const date_read_options& options);

/// The instant of local time `t` in `zone`. A local time that does not exist (skipped by a
/// move to summer time) gives the first instant after it, the transition; one that occurs twice
/// gives the first. Throws whatever the tz database throws reading the zone's file.
std::chrono::sys_seconds local_to_utc(date::local_seconds t, const date::time_zone& zone);

/// lifecycle.start_time and lifecycle.end_time: local times of day.
struct day_times {
  std::chrono::minutes start_time{0};            ///< access starts at this time on the start date
  std::optional<std::chrono::minutes> end_time;  ///< access ends at this time on the end date;
                                                 ///< nullopt: at the next local midnight after it
};

/// When access starts for start date `start` in `zone`: its instant for an iso_date_time,
/// otherwise the start date at times.start_time, local (see local_to_utc). Throws as local_to_utc.
std::chrono::sys_seconds access_start(const parsed_date& start, const date::time_zone& zone,
                                      const day_times& times);

/// When access ends for end date `end` in `zone`: its instant for an iso_date_time, otherwise
/// the end date at times.end_time, or the next local midnight after the end date when no
/// end_time is set (see local_to_utc). Throws as local_to_utc.
std::chrono::sys_seconds access_end(const parsed_date& end, const date::time_zone& zone,
                                    const day_times& times);

/// How far from now a date may be before it is worth a warning.
inline constexpr date::years far_date_warning_after{5};

/// One person's access window, from their dates.
struct access_window {
  std::optional<std::chrono::sys_seconds> start;  ///< when access starts; nullopt: no start date
  std::optional<std::chrono::sys_seconds> end;    ///< when access ends; nullopt: no end date
  std::vector<std::string> warnings;              ///< e.g. a date more than 5 years from now
  /// A rehire: the end of an earlier employment, at most lifecycle.rehire_gap before `start`.
  /// Access is kept across the gap, and `end` is then unset.
  std::optional<std::chrono::sys_seconds> earlier_end;
};

/// Why a person's dates cannot be used (the quarantine reason names these).
enum class date_problem : std::uint8_t {
  invalid_date,        ///< a value no configured format reads
  invalid_time_zone,   ///< the person's zone is not in the tz database
  invalid_date_range,  ///< access would end before (or when) it starts
};

/// A date_problem with the sentence saying what is wrong.
struct date_error {
  date_problem problem = date_problem::invalid_date;
  std::string message;
};

/// The window for `start` and `end` (either may be absent) in `zone`, at `now`: a warning for
/// each date more than far_date_warning_after before or after `now` (none without `now`). When access would
/// end at or before its start: a rehire (the end of an earlier employment, access kept across the gap) when
/// the start comes at most `rehire_gap` after the end, otherwise invalid_date_range. With the default times,
/// an end date the day before the start date is a gap of 0. Throws as local_to_utc, and std::bad_alloc.
expected<access_window, date_error> make_access_window(
    const std::optional<parsed_date>& start, const std::optional<parsed_date>& end,
    const date::time_zone& zone, const day_times& times, std::optional<std::chrono::sys_seconds> now,
    std::chrono::seconds rehire_gap = std::chrono::seconds{0});

/// `t` as "2025-03-09T07:00:00Z", for messages and logs. Throws only std::bad_alloc.
std::string format_utc(std::chrono::sys_seconds t);

}  // namespace eightsync::core
