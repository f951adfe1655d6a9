// Effective dates: reading HR's date values with the configured formats and null dates, and the
// UTC instants access starts and ends in a person's zone, across DST days, at fixed instants
// (no wall clock).
#include <gtest/gtest.h>

#include "core/effective_date.hpp"
#include "core/zone_database.hpp"

namespace eightsync::core {
namespace {

using namespace date::literals;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_seconds;

date_read_options formats_of(std::vector<date_format> formats, std::vector<std::string> null_dates = {}) {
  date_read_options o;
  o.formats = std::move(formats);
  o.null_dates = std::move(null_dates);
  return o;
}

// The date `text` reads as under `options`; fails the test when it does not read as a date.
parsed_date date_of(std::string_view text, const date_read_options& options) {
  auto r = read_date(text, options);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  if (!r || !*r) {
    ADD_FAILURE() << "no date in \"" << text << "\"";
    return {};
  }
  return **r;
}

// A zone from the system tz database.
const date::time_zone& zone_named(std::string_view name) {
  static zone_database db;
  auto z = db.find(name);
  if (!z) throw std::runtime_error(z.error());
  return **z;
}

sys_seconds utc(std::string_view iso) {
  auto r = read_date(iso, formats_of({date_format::iso_date_time}));
  if (!r || !*r || !(*r)->instant) throw std::runtime_error("bad instant in test: " + std::string(iso));
  return *(*r)->instant;
}

parsed_date day(date::year_month_day d) {
  return parsed_date{d, std::nullopt, date_format::iso_date};
}

TEST(effective_date, EachFormatReadsItsSpelling) {
  const auto all = formats_of({date_format::iso_date, date_format::dotted_date, date_format::iso_date_time});
  EXPECT_EQ(date_of("2025-03-07", all).day, 2025_y / 3 / 7);
  EXPECT_EQ(date_of("2025-03-07", all).format, date_format::iso_date);
  EXPECT_EQ(date_of("07.03.2025", all).day, 2025_y / 3 / 7);
  EXPECT_EQ(date_of("7.3.2025", all).format, date_format::dotted_date);
  EXPECT_EQ(date_of("03/07/2025", formats_of({date_format::us_date})).day, 2025_y / 3 / 7);
  EXPECT_EQ(date_of("3/7/2025", formats_of({date_format::us_date})).day, 2025_y / 3 / 7);
  EXPECT_EQ(date_of("07/03/2025", formats_of({date_format::day_first_date})).day, 2025_y / 3 / 7);
  const auto dt = date_of("2025-03-07T09:30:00+01:00", all);
  EXPECT_EQ(dt.format, date_format::iso_date_time);
  ASSERT_TRUE(dt.instant.has_value());
  EXPECT_EQ(format_utc(*dt.instant), "2025-03-07T08:30:00Z");
  EXPECT_EQ(format_utc(*date_of("2025-03-07T09:30Z", all).instant), "2025-03-07T09:30:00Z");
  EXPECT_EQ(format_utc(*date_of("2025-03-07T09:30:15.250-0500", all).instant), "2025-03-07T14:30:15Z");
  EXPECT_EQ(format_utc(*date_of("2025-03-07T23:30:00-05", all).instant), "2025-03-08T04:30:00Z");
}

TEST(effective_date, FormatsAreTriedInTheConfiguredOrder) {
  const auto r = date_of(" 2025-03-07 ", formats_of({date_format::dotted_date, date_format::iso_date}));
  EXPECT_EQ(r.format, date_format::iso_date);
  EXPECT_FALSE(r.instant.has_value());
}

TEST(effective_date, ALeapDayReadsOnlyInALeapYear) {
  const auto iso = formats_of({date_format::iso_date, date_format::dotted_date});
  EXPECT_EQ(date_of("2024-02-29", iso).day, 2024_y / 2 / 29);
  EXPECT_EQ(date_of("29.02.2024", iso).day, 2024_y / 2 / 29);
  const auto r = read_date("2023-02-29", iso);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(),
            "expected a date as YYYY-MM-DD or DD.MM.YYYY, found \"2023-02-29\", which is not a day of the "
            "calendar");
}

TEST(effective_date, AnUnreadableValueIsASentenceNamingIt) {
  const auto r = read_date(
      "next Monday", formats_of({date_format::iso_date, date_format::us_date, date_format::iso_date_time}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "expected a date as YYYY-MM-DD, MM/DD/YYYY or ISO8601, found \"next Monday\"");
  EXPECT_FALSE(read_date("2025-3-7", formats_of({date_format::iso_date})).has_value());
  EXPECT_FALSE(read_date("13/01/2025", formats_of({date_format::us_date})).has_value());
  // A date-time without an offset is no instant: it is refused, not read in some zone.
  EXPECT_FALSE(read_date("2025-03-07T09:30:00", formats_of({date_format::iso_date_time})).has_value());
  EXPECT_FALSE(read_date("2025-03-07T24:00:00Z", formats_of({date_format::iso_date_time})).has_value());
  EXPECT_FALSE(read_date("2025-03-07T09:00:00+19:00", formats_of({date_format::iso_date_time})).has_value());
}

TEST(effective_date, BlankValuesAndNullDatesAreNoDate) {
  const auto o =
      formats_of({date_format::iso_date, date_format::day_first_date}, {"9999-12-31", "00/00/0000"});
  for (std::string_view v : {"", "  ", "9999-12-31", "00/00/0000", " 00/00/0000 "}) {
    const auto r = read_date(v, o);
    ASSERT_TRUE(r.has_value()) << v;
    EXPECT_FALSE(r->has_value()) << v;
  }
  EXPECT_TRUE(read_date("9999-12-30", o)->has_value());
}

TEST(effective_date, FormatNamesRoundTrip) {
  for (const date_format f : all_date_formats)
    EXPECT_EQ(date_format_from_name(date_format_name(f)), f);
  EXPECT_EQ(date_format_name(date_format::day_first_date), "DD/MM/YYYY");
  EXPECT_FALSE(date_format_from_name("yyyy-mm-dd").has_value());
}

TEST(effective_date, BothSlashedOrdersAreAmbiguous) {
  const std::vector<date_format> both{date_format::iso_date, date_format::day_first_date,
                                      date_format::us_date};
  ASSERT_TRUE(date_formats_problem(both).has_value());
  EXPECT_EQ(date_formats_problem(both)->substr(0, 32), "both MM/DD/YYYY and DD/MM/YYYY, ");
  const std::vector<date_format> twice{date_format::iso_date, date_format::iso_date};
  EXPECT_EQ(date_formats_problem(twice), "YYYY-MM-DD twice");
  const std::vector<date_format> fine{date_format::us_date, date_format::dotted_date,
                                      date_format::iso_date_time};
  EXPECT_FALSE(date_formats_problem(fine).has_value());
}

TEST(effective_date, StartIsTheStartTimeInThePersonsZone) {
  day_times t;
  t.start_time = hours{9};
  // London in winter is UTC, in summer UTC+1.
  EXPECT_EQ(access_start(day(2025_y / 1 / 6), zone_named("Europe/London"), t), utc("2025-01-06T09:00:00Z"));
  EXPECT_EQ(access_start(day(2025_y / 6 / 2), zone_named("Europe/London"), t), utc("2025-06-02T08:00:00Z"));
  // Kolkata is UTC+5:30 all year.
  EXPECT_EQ(access_start(day(2025_y / 1 / 6), zone_named("Asia/Kolkata"), day_times{}),
            utc("2025-01-05T18:30:00Z"));
}

TEST(effective_date, ALocalTimeSkippedBySpringForwardTakesTheFirstInstantAfterIt) {
  day_times t;
  t.start_time = hours{2} + minutes{30};
  // New York, 2025-03-09: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 does not exist.
  EXPECT_EQ(access_start(day(2025_y / 3 / 9), zone_named("America/New_York"), t),
            utc("2025-03-09T07:00:00Z"));
  // London, 2025-03-30: 01:00 GMT jumps to 02:00 BST (01:00 UTC); 01:30 does not exist.
  t.start_time = hours{1} + minutes{30};
  EXPECT_EQ(access_start(day(2025_y / 3 / 30), zone_named("Europe/London"), t), utc("2025-03-30T01:00:00Z"));
}

TEST(effective_date, AnAmbiguousLocalTimeTakesTheFirstOfItsTwoInstants) {
  day_times t;
  t.start_time = hours{1} + minutes{30};
  // New York, 2025-11-02: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
  EXPECT_EQ(access_start(day(2025_y / 11 / 2), zone_named("America/New_York"), t),
            utc("2025-11-02T05:30:00Z"));
  // London, 2025-10-26: 01:30 happens at 00:30 UTC (BST) and at 01:30 UTC (GMT).
  EXPECT_EQ(access_start(day(2025_y / 10 / 26), zone_named("Europe/London"), t), utc("2025-10-26T00:30:00Z"));
}

TEST(effective_date, AMissingMidnightStartsAtTheFirstInstantAfterIt) {
  // Santiago, 2024-09-08: 00:00 -04 jumps to 01:00 -03 (04:00 UTC).
  EXPECT_EQ(access_start(day(2024_y / 9 / 8), zone_named("America/Santiago"), day_times{}),
            utc("2024-09-08T04:00:00Z"));
  // An end on the 7th ends at that same missing midnight.
  EXPECT_EQ(access_end(day(2024_y / 9 / 7), zone_named("America/Santiago"), day_times{}),
            utc("2024-09-08T04:00:00Z"));
}

TEST(effective_date, AccessEndsAtTheNextLocalMidnightAfterTheEndDate) {
  // Sydney in February is UTC+11: the midnight after the 28th is 13:00 UTC on the 28th.
  EXPECT_EQ(access_end(day(2025_y / 2 / 28), zone_named("Australia/Sydney"), day_times{}),
            utc("2025-02-28T13:00:00Z"));
  // A leap year's end of February: the midnight after the 29th (New York, UTC-5).
  EXPECT_EQ(access_end(day(2024_y / 2 / 29), zone_named("America/New_York"), day_times{}),
            utc("2024-03-01T05:00:00Z"));
  // Kiritimati (UTC+14) and Pago Pago (UTC-11): the same date ends 25 hours apart.
  EXPECT_EQ(access_end(day(2025_y / 6 / 30), zone_named("Pacific/Kiritimati"), day_times{}),
            utc("2025-06-30T10:00:00Z"));
  EXPECT_EQ(access_end(day(2025_y / 6 / 30), zone_named("Pacific/Pago_Pago"), day_times{}),
            utc("2025-07-01T11:00:00Z"));
}

TEST(effective_date, AnEndTimeEndsAccessOnTheEndDateItself) {
  day_times t;
  t.end_time = hours{17};
  // Sydney on 2025-04-30 is UTC+10 (summer time ended on 6 April).
  EXPECT_EQ(access_end(day(2025_y / 4 / 30), zone_named("Australia/Sydney"), t), utc("2025-04-30T07:00:00Z"));
  EXPECT_EQ(access_end(day(2025_y / 1 / 31), zone_named("Australia/Sydney"), t), utc("2025-01-31T06:00:00Z"));
}

TEST(effective_date, ADateTimeWithAnOffsetIgnoresTheZone) {
  const auto o = formats_of({date_format::iso_date_time});
  const auto d = date_of("2025-03-09T02:30:00-05:00", o);
  day_times t;
  t.start_time = hours{9};
  t.end_time = hours{17};
  EXPECT_EQ(access_start(d, zone_named("Australia/Sydney"), t), utc("2025-03-09T07:30:00Z"));
  EXPECT_EQ(access_end(d, zone_named("Asia/Kolkata"), t), utc("2025-03-09T07:30:00Z"));
}

TEST(effective_date, TheWindowHoldsBothInstants) {
  day_times t;
  t.start_time = hours{9};
  const auto w = make_access_window(day(2025_y / 3 / 3), day(2025_y / 3 / 31), zone_named("Europe/London"), t,
                                    utc("2025-02-01T00:00:00Z"));
  ASSERT_TRUE(w.has_value()) << w.error().message;
  EXPECT_EQ(w->start, utc("2025-03-03T09:00:00Z"));
  EXPECT_EQ(w->end, utc("2025-03-31T23:00:00Z"));
  EXPECT_TRUE(w->warnings.empty());
  const auto none = make_access_window(std::nullopt, std::nullopt, zone_named("Europe/London"), t,
                                       utc("2025-02-01T00:00:00Z"));
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->start.has_value());
  EXPECT_FALSE(none->end.has_value());
}

TEST(effective_date, AStartExactlyAtItsInstantIsStillAStartAndEndsAfterIt) {
  // A one-day job starting at 00:00 ends at the next midnight: valid.
  const auto w = make_access_window(day(2025_y / 3 / 3), day(2025_y / 3 / 3), zone_named("UTC"), day_times{},
                                    utc("2025-03-03T00:00:00Z"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w->end - *w->start, hours{24});
}

TEST(effective_date, AnEndBeforeTheStartIsAnInvalidDateRange) {
  const auto w = make_access_window(day(2025_y / 3 / 10), day(2025_y / 3 / 8), zone_named("UTC"), day_times{},
                                    utc("2025-02-01T00:00:00Z"));
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().problem, date_problem::invalid_date_range);
  EXPECT_EQ(
      w.error().message,
      "expected an end after the start, found access ending at 2025-03-09T00:00:00Z (end date 2025-03-08) "
      "and starting at 2025-03-10T00:00:00Z (start date 2025-03-10), more than lifecycle.rehire_gap apart");
  // An end time before the start time on the same day is one too.
  day_times t;
  t.start_time = hours{9};
  t.end_time = hours{8};
  EXPECT_FALSE(make_access_window(day(2025_y / 3 / 10), day(2025_y / 3 / 10), zone_named("UTC"), t,
                                  utc("2025-02-01T00:00:00Z"))
                   .has_value());
}

TEST(effective_date, ADateMoreThanFiveYearsAwayIsAWarning) {
  const auto now = utc("2025-01-01T00:00:00Z");
  const auto w =
      make_access_window(day(2019_y / 6 / 1), day(2031_y / 1 / 1), zone_named("UTC"), day_times{}, now);
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->warnings.size(), 2U);
  EXPECT_EQ(w->warnings[0], "start date 2019-06-01 is more than 5 years from now");
  EXPECT_EQ(w->warnings[1], "end date 2031-01-01 is more than 5 years from now");
  const auto near =
      make_access_window(day(2029_y / 12 / 1), std::nullopt, zone_named("UTC"), day_times{}, now);
  ASSERT_TRUE(near.has_value());
  EXPECT_TRUE(near->warnings.empty());
}

TEST(zone_database, AnUnknownZoneIsASentence) {
  zone_database db;
  for (std::string_view name :
       {"Mars/Olympus_Mons", "Europe", "", "../../etc/passwd", "/etc/passwd", "Europe//London",
        "europe/london", "Europe/London/", "zone.tab", "leapseconds", "posix/Europe/London"}) {
    const auto z = db.find(name);
    ASSERT_FALSE(z.has_value()) << name;
    EXPECT_EQ(z.error(),
              "expected an IANA time zone such as Europe/London, found \"" + std::string(name) + "\"");
  }
}

TEST(zone_database, FindsZonesAndLinksAndKeepsThem) {
  zone_database db;
  const auto london = db.find("Europe/London");
  ASSERT_TRUE(london.has_value());
  EXPECT_EQ((*london)->name(), "Europe/London");
  EXPECT_EQ(*db.find("Europe/London"), *london);
  EXPECT_TRUE(db.find("Etc/GMT+5").has_value());
  EXPECT_TRUE(db.find("US/Eastern").has_value());  // a link, in Debian's tzdata
}

TEST(zone_database, ReloadReadsZonesAgainAndKeepsEarlierPointersValid) {
  zone_database db;
  const date::time_zone* before = *db.find("Australia/Sydney");
  db.reload();
  EXPECT_EQ(db.generation(), 1U);
  const date::time_zone* after = *db.find("Australia/Sydney");
  EXPECT_NE(before, after);
  // The old zone still answers (the service may hold it for the cycle under way).
  EXPECT_EQ(before->get_info(utc("2025-01-01T00:00:00Z")).offset,
            after->get_info(utc("2025-01-01T00:00:00Z")).offset);
}

}  // namespace
}  // namespace eightsync::core
