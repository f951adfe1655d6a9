// The mapper reads each row's effective dates (the `lifecycle:` block): start and end instants
// in the person's zone, pre_hire, and the rows it quarantines (invalid_date, invalid_time_zone,
// invalid_date_range), each naming the template, the value and the line.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/user_mapper.hpp"

namespace eightsync::core {
namespace {

using std::chrono::sys_seconds;

const std::vector<std::string> dated_header{"id", "first", "last", "email", "status", "hire", "leave", "tz"};

mapping_rules dated_rules() {
  mapping_rules r;
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{email}"));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::family_name, "{last}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{email}"));
  EXPECT_FALSE(r.set_active("{status} == Active"));
  EXPECT_FALSE(r.set_lifecycle_template(lifecycle_template::start_date, "{hire}"));
  EXPECT_FALSE(r.set_lifecycle_template(lifecycle_template::end_date, "{leave}"));
  EXPECT_FALSE(r.set_lifecycle_template(lifecycle_template::time_zone, "{tz}"));
  EXPECT_FALSE(r.set_pre_hire("{status} in [Pending, Pre-hire]"));
  return r;
}

// id, first, last, email, status, hire, leave, tz
std::vector<std::string> row_of(std::string id, std::string hire, std::string leave = "", std::string tz = "",
                                std::string status = "Active") {
  return {id,
          "First",
          "Last",
          "p" + id + "@example.com",
          std::move(status),
          std::move(hire),
          std::move(leave),
          std::move(tz)};
}

struct mapped {
  zone_database zones;
  lifecycle_reading reading;
  mapping_result result;
};

std::unique_ptr<mapped> map_dated(std::vector<std::vector<std::string>> rows, date_read_options dates = {},
                                  std::chrono::seconds rehire_gap = std::chrono::seconds{0},
                                  std::optional<sys_seconds> warn_at = std::nullopt) {
  auto out = std::make_unique<mapped>();
  out->reading.warn_at = warn_at;
  out->reading.dates = dates.formats.empty() ? date_read_options{} : std::move(dates);
  out->reading.default_time_zone = "Europe/London";
  out->reading.rehire_gap = rehire_gap;
  out->reading.zones = &out->zones;
  const mapping_rules rules = dated_rules();
  user_mapper m(rules, "id");
  m.set_lifecycle(&out->reading);
  m.on_header(dated_header);
  EXPECT_FALSE(m.header_error());
  std::size_t record = 0;
  for (auto& r : rows) {
    ++record;
    m.on_row(source_row{record + 1, record, std::move(r)});
  }
  out->result = m.finish();
  return out;
}

sys_seconds utc_at(const std::string& text) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d-%u-%uT%u:%u:%uZ", &y, &mo, &d, &h, &mi, &se), 6) << text;
  return sys_seconds{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{se};
}

TEST(user_mapper_lifecycle, EachUserKeepsTheZoneItsDatesWereReadIn) {
  const auto m =
      map_dated({row_of("1", "2025-03-03", "", "Australia/Sydney"), row_of("2", "2025-03-03", "", ""),
                 row_of("3", "2025-03-04", "", "Australia/Sydney"), row_of("4", "", "", "Asia/Tokyo")});
  ASSERT_EQ(m->result.users.size(), 4U);
  // Each zone once, in the order rows named it.
  ASSERT_EQ(m->result.zones.size(), 2U);
  EXPECT_EQ(m->result.zone_of(m->result.users[0])->name(), "Australia/Sydney");
  EXPECT_EQ(m->result.zone_of(m->result.users[1])->name(), "Europe/London");
  EXPECT_EQ(m->result.users[2].zone, m->result.users[0].zone);
  // No dates: no zone was needed, none is kept.
  EXPECT_EQ(m->result.users[3].zone, 0U);
  EXPECT_EQ(m->result.zone_of(m->result.users[3]), nullptr);
}

TEST(user_mapper_lifecycle, DatesFarFromTheMomentGiveWarningsByKeyOnlyWhenAsked) {
  std::vector<std::vector<std::string>> rows{row_of("1", "2025-03-03", "2045-01-01"),
                                             row_of("2", "2025-03-03")};
  const auto warned = map_dated(rows, {}, std::chrono::seconds{0}, utc_at("2025-03-01T00:00:00Z"));
  ASSERT_EQ(warned->result.date_warnings.size(), 1U);
  EXPECT_EQ(warned->result.date_warnings[0].key, "1");
  EXPECT_EQ(warned->result.date_warnings[0].message, "end date 2045-01-01 is more than 5 years from now");
  EXPECT_TRUE(map_dated(rows)->result.date_warnings.empty());
}

TEST(user_mapper_lifecycle, DatesBecomeInstantsInThePersonsZone) {
  const auto m = map_dated({row_of("1", "2025-03-03", "2025-06-30", "Australia/Sydney"),
                            row_of("2", "2025-03-03", "", ""),  // the default zone, Europe/London
                            row_of("3", "2025-03-03T09:00:00+01:00", "", "Pacific/Kiritimati")},
                           date_read_options{{date_format::iso_date, date_format::iso_date_time}, {}});
  ASSERT_EQ(m->result.users.size(), 3U)
      << (m->result.quarantined.empty() ? "" : m->result.quarantined[0].detail);
  const auto& sydney = m->result.users[0];
  EXPECT_EQ(sydney.starts_at(), utc_at("2025-03-02T13:00:00Z"));  // AEDT, UTC+11
  EXPECT_EQ(sydney.ends_at(), utc_at("2025-06-30T14:00:00Z"));    // midnight after June 30, AEST
  EXPECT_EQ(m->result.users[1].starts_at(), utc_at("2025-03-03T00:00:00Z"));
  EXPECT_FALSE(m->result.users[1].ends_at());
  // An explicit offset ignores the person's zone.
  EXPECT_EQ(m->result.users[2].starts_at(), utc_at("2025-03-03T08:00:00Z"));
}

TEST(user_mapper_lifecycle, BlankAndNullDatesLeaveItToTheStatus) {
  const auto m = map_dated({row_of("1", "", ""), row_of("2", "9999-12-31", "", "Not/AZone")},
                           date_read_options{{date_format::iso_date}, {"9999-12-31"}});
  ASSERT_EQ(m->result.users.size(), 2U);
  for (const auto& u : m->result.users) {
    EXPECT_FALSE(u.starts_at());
    EXPECT_FALSE(u.ends_at());
  }
  EXPECT_TRUE(m->result.quarantined.empty()) << "no date: the zone is not needed";
}

TEST(user_mapper_lifecycle, AnUnreadableDateIsQuarantinedNamingTheTemplateTheValueAndTheLine) {
  const auto m = map_dated({row_of("1", "2025-02-31"), row_of("2", "2025-03-03", "next week")});
  EXPECT_TRUE(m->result.users.empty());
  ASSERT_EQ(m->result.quarantined.size(), 2U);
  const auto& q = m->result.quarantined[0];
  EXPECT_EQ(q.reason, quarantine_reason::invalid_date);
  EXPECT_EQ(q.key, "1");
  EXPECT_EQ(q.line, 2U);
  EXPECT_NE(q.detail.find("lifecycle.start_date \"{hire}\""), std::string::npos) << q.detail;
  EXPECT_NE(q.detail.find("\"2025-02-31\""), std::string::npos) << q.detail;
  EXPECT_NE(m->result.quarantined[1].detail.find("lifecycle.end_date \"{leave}\""), std::string::npos);
  EXPECT_NE(m->result.quarantined[1].detail.find("\"next week\""), std::string::npos);
}

TEST(user_mapper_lifecycle, AnUnknownZoneIsInvalidTimeZone) {
  const auto m = map_dated(
      {row_of("1", "2025-03-03", "", "Mars/Olympus_Mons"), row_of("2", "2025-03-03", "", "../etc")});
  ASSERT_EQ(m->result.quarantined.size(), 2U);
  for (const auto& q : m->result.quarantined) {
    EXPECT_EQ(q.reason, quarantine_reason::invalid_time_zone);
    EXPECT_NE(q.detail.find("lifecycle.time_zone \"{tz}\""), std::string::npos) << q.detail;
  }
  EXPECT_NE(m->result.quarantined[0].detail.find("Mars/Olympus_Mons"), std::string::npos);
}

TEST(user_mapper_lifecycle, AnEndBeforeTheStartIsInvalidDateRangeUnlessItIsARehire) {
  const auto m = map_dated({row_of("1", "2025-03-10", "2025-02-01"),
                            // Back to back: the old end's midnight is the new start.
                            row_of("2", "2025-03-10", "2025-03-09")});
  ASSERT_EQ(m->result.quarantined.size(), 1U);
  EXPECT_EQ(m->result.quarantined[0].reason, quarantine_reason::invalid_date_range);
  EXPECT_EQ(m->result.quarantined[0].key, "1");
  ASSERT_EQ(m->result.users.size(), 1U);
  EXPECT_EQ(m->result.users[0].starts_at(), utc_at("2025-03-10T00:00:00Z"));
  EXPECT_FALSE(m->result.users[0].ends_at()) << "the earlier employment's end is history";
  // A gap within lifecycle.rehire_gap is a rehire too.
  const auto gap = map_dated({row_of("1", "2025-03-10", "2025-02-01")}, {}, std::chrono::days{40});
  EXPECT_EQ(gap->result.users.size(), 1U);
}

TEST(user_mapper_lifecycle, PreHireIsRead) {
  const auto m = map_dated({row_of("1", "2025-03-03", "", "", "Pending"), row_of("2", "2025-03-03")});
  ASSERT_EQ(m->result.users.size(), 2U);
  EXPECT_TRUE(m->result.users[0].pre_hire);
  EXPECT_FALSE(m->result.users[0].active);
  EXPECT_FALSE(m->result.users[1].pre_hire);
}

}  // namespace
}  // namespace eightsync::core
