#include "core/effective_date.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace eightsync::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::array<std::string_view, all_date_formats.size()> format_names{
    "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "ISO8601"};

// A cursor over the value being read.
struct scanner {
  std::string_view s;
  std::size_t at = 0;

  bool done() const noexcept { return at == s.size(); }
  bool take(char c) noexcept {
    if (at < s.size() && s[at] == c) {
      ++at;
      return true;
    }
    return false;
  }
  // A number of min_digits..max_digits decimal digits.
  std::optional<int> number(std::size_t min_digits, std::size_t max_digits) noexcept {
    int v = 0;
    std::size_t n = 0;
    while (at < s.size() && n < max_digits && s[at] >= '0' && s[at] <= '9') {
      v = v * 10 + (s[at] - '0');
      ++at;
      ++n;
    }
    if (n < min_digits) return std::nullopt;
    return v;
  }
};

// The three numbers of a date, in the format's order.
struct date_fields {
  int year = 0;
  int month = 0;
  int day = 0;
};

// Reads "A<sep>B<sep>YYYY" (A and B of one or two digits) or "YYYY-MM-DD", as `f` orders them.
std::optional<date_fields> scan_date(scanner& in, date_format f) {
  date_fields out;
  if (f == date_format::iso_date || f == date_format::iso_date_time) {
    auto y = in.number(4, 4);
    if (!y || !in.take('-')) return std::nullopt;
    auto m = in.number(2, 2);
    if (!m || !in.take('-')) return std::nullopt;
    auto d = in.number(2, 2);
    if (!d) return std::nullopt;
    return date_fields{*y, *m, *d};
  }
  const char sep = f == date_format::dotted_date ? '.' : '/';
  auto a = in.number(1, 2);
  if (!a || !in.take(sep)) return std::nullopt;
  auto b = in.number(1, 2);
  if (!b || !in.take(sep)) return std::nullopt;
  auto y = in.number(4, 4);
  if (!y) return std::nullopt;
  out.year = *y;
  out.month = f == date_format::us_date ? *a : *b;
  out.day = f == date_format::us_date ? *b : *a;
  return out;
}

// "THH:MM[:SS[.fff]]" then "Z", "±HH", "±HH:MM" or "±HHMM": the time since midnight minus the
// offset, i.e. what to add to the day's UTC midnight.
std::optional<seconds> scan_time_and_offset(scanner& in) {
  if (!in.take('T') && !in.take('t') && !in.take(' ')) return std::nullopt;
  auto h = in.number(2, 2);
  if (!h || *h > 23 || !in.take(':')) return std::nullopt;
  auto m = in.number(2, 2);
  if (!m || *m > 59) return std::nullopt;
  int sec = 0;
  if (in.take(':')) {
    auto s = in.number(2, 2);
    if (!s || *s > 59) return std::nullopt;
    sec = *s;
    if (in.take('.') || in.take(',')) {
      if (!in.number(1, 9)) return std::nullopt;  // fractions of a second are dropped
    }
  }
  const seconds local = hours{*h} + minutes{*m} + seconds{sec};
  if (in.take('Z') || in.take('z')) return local;
  int sign = 0;
  if (in.take('+')) {
    sign = 1;
  } else if (in.take('-')) {
    sign = -1;
  } else {
    return std::nullopt;  // a date-time without an offset is not an instant
  }
  auto oh = in.number(2, 2);
  if (!oh || *oh > 18) return std::nullopt;
  int om = 0;
  if (!in.done()) {
    in.take(':');
    auto mm = in.number(2, 2);
    if (!mm || *mm > 59) return std::nullopt;
    om = *mm;
  }
  return local - sign * (hours{*oh} + minutes{om});
}

// What one format made of the value.
enum class attempt : std::uint8_t { no_match, not_a_day, read };

attempt read_as(std::string_view text, date_format f, parsed_date& out) {
  scanner in{text};
  auto fields = scan_date(in, f);
  if (!fields) return attempt::no_match;
  std::optional<seconds> since_midnight_utc;
  if (f == date_format::iso_date_time) {
    since_midnight_utc = scan_time_and_offset(in);
    if (!since_midnight_utc) return attempt::no_match;
  }
  if (!in.done()) return attempt::no_match;
  const date::year_month_day day{date::year{fields->year}, date::month{static_cast<unsigned>(fields->month)},
                                 date::day{static_cast<unsigned>(fields->day)}};
  if (!day.ok()) return attempt::not_a_day;
  out.day = day;
  out.format = f;
  out.instant.reset();
  if (since_midnight_utc) out.instant = sys_seconds{date::sys_days{day}} + *since_midnight_utc;
  return attempt::read;
}

std::string format_list(std::span<const date_format> formats) {
  std::string out;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (i > 0) out += i + 1 == formats.size() ? " or " : ", ";
    out += date_format_name(formats[i]);
  }
  return out;
}

std::string day_text(const date::year_month_day& d) {
  return date::format("%F", date::sys_days{d});
}

// A warning when `t` (the instant of `what`'s date `d`) is far from `now`.
void warn_if_far(std::string_view what, const parsed_date& d, sys_seconds t, sys_seconds now,
                 std::vector<std::string>& warnings) {
  const auto limit = std::chrono::duration_cast<seconds>(far_date_warning_after);
  if (t - now > limit || now - t > limit) {
    warnings.push_back(std::string(what) + " " + day_text(d.day) + " is more than " +
                       std::to_string(far_date_warning_after.count()) + " years from now");
  }
}

}  // namespace

std::string_view date_format_name(date_format f) noexcept {
  return format_names[static_cast<std::size_t>(f)];
}

std::optional<date_format> date_format_from_name(std::string_view name) noexcept {
  for (const date_format f : all_date_formats) {
    if (date_format_name(f) == name) return f;
  }
  return std::nullopt;
}

std::optional<std::string> date_formats_problem(std::span<const date_format> formats) {
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (std::find(formats.begin(), formats.begin() + static_cast<std::ptrdiff_t>(i), formats[i]) !=
        formats.begin() + static_cast<std::ptrdiff_t>(i)) {
      return std::string(date_format_name(formats[i])) + " twice";
    }
  }
  const bool month_first = std::find(formats.begin(), formats.end(), date_format::us_date) != formats.end();
  const bool day_first =
      std::find(formats.begin(), formats.end(), date_format::day_first_date) != formats.end();
  if (month_first && day_first) {
    return std::string(
        "both MM/DD/YYYY and DD/MM/YYYY, which read a date such as 03/04/2025 two ways; keep the "
        "one your HR system writes");
  }
  return std::nullopt;
}

expected<std::optional<parsed_date>, std::string> read_date(std::string_view text,
                                                            const date_read_options& options) {
  const std::string_view value = trim(text);
  if (value.empty()) return std::optional<parsed_date>{};
  for (const auto& null_date : options.null_dates) {
    if (trim(null_date) == value) return std::optional<parsed_date>{};
  }
  bool shaped = false;
  for (const date_format f : options.formats) {
    parsed_date out;
    const attempt a = read_as(value, f, out);
    if (a == attempt::read) return std::optional<parsed_date>{out};
    shaped = shaped || a == attempt::not_a_day;
  }
  std::string message =
      "expected a date as " + format_list(options.formats) + ", found \"" + std::string(text) + "\"";
  if (shaped) message += ", which is not a day of the calendar";
  return unexpected<std::string>{std::move(message)};
}

sys_seconds local_to_utc(date::local_seconds t, const date::time_zone& zone) {
  const date::local_info info = zone.get_info(t);
  switch (info.result) {
    case date::local_info::nonexistent:
      // The clocks jumped over `t`: the first instant after it is the jump itself.
      return info.second.begin;
    case date::local_info::ambiguous:
    case date::local_info::unique:
      break;
  }
  return sys_seconds{t.time_since_epoch() - info.first.offset};
}

sys_seconds access_start(const parsed_date& start, const date::time_zone& zone, const day_times& times) {
  if (start.instant) return *start.instant;
  return local_to_utc(date::local_days{start.day} + times.start_time, zone);
}

sys_seconds access_end(const parsed_date& end, const date::time_zone& zone, const day_times& times) {
  if (end.instant) return *end.instant;
  if (times.end_time) return local_to_utc(date::local_days{end.day} + *times.end_time, zone);
  return local_to_utc(date::local_days{end.day} + date::days{1}, zone);
}

expected<access_window, date_error> make_access_window(const std::optional<parsed_date>& start,
                                                       const std::optional<parsed_date>& end,
                                                       const date::time_zone& zone, const day_times& times,
                                                       std::optional<sys_seconds> now, seconds rehire_gap) {
  access_window w;
  if (start) {
    w.start = access_start(*start, zone, times);
    if (now) warn_if_far("start date", *start, *w.start, *now, w.warnings);
  }
  if (end) {
    w.end = access_end(*end, zone, times);
    if (now) warn_if_far("end date", *end, *w.end, *now, w.warnings);
  }
  if (w.start && w.end && *w.end <= *w.start && *w.start - *w.end <= rehire_gap) {
    w.earlier_end = w.end;
    w.end.reset();
    return w;
  }
  if (w.start && w.end && *w.end <= *w.start) {
    return unexpected<date_error>{
        date_error{date_problem::invalid_date_range,
                   "expected an end after the start, found access ending at " + format_utc(*w.end) +
                       " (end date " + day_text(end->day) + ") and starting at " + format_utc(*w.start) +
                       " (start date " + day_text(start->day) + "), more than lifecycle.rehire_gap apart"}};
  }
  return w;
}

std::string format_utc(sys_seconds t) {
  return date::format("%FT%TZ", t);
}

}  // namespace eightsync::core
