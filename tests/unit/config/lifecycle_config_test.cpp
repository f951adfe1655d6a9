// The `lifecycle:` block: absent means status alone decides; each key read with its default from
// the defaults table; each bad value an error with its position (exact messages).
#include <gtest/gtest.h>

#include "config/config_defaults.hpp"
#include "config/config_loader.hpp"
#include "unit/config/config_test_support.hpp"

namespace eightsync::config {
namespace {

using namespace std::chrono_literals;
using testing::error_of;
using testing::errors_of;
using testing::load;
using testing::minimal;

TEST(lifecycle_config, absent_means_no_lifecycle) {
  const auto cfg = load(minimal());
  EXPECT_FALSE(cfg.lifecycle.has_value());
  EXPECT_EQ(cfg.mapping.lifecycle_template_for(core::lifecycle_template::start_date), nullptr);
  EXPECT_EQ(cfg.mapping.pre_hire(), nullptr);
}

TEST(lifecycle_config, an_empty_block_takes_every_default) {
  const auto cfg = load(minimal("lifecycle: {}\n"));
  ASSERT_TRUE(cfg.lifecycle.has_value());
  const auto& lc = *cfg.lifecycle;
  EXPECT_TRUE(std::equal(lc.date_formats.begin(), lc.date_formats.end(),
                         defaults::lifecycle_date_formats.begin(), defaults::lifecycle_date_formats.end()));
  EXPECT_TRUE(lc.null_dates.empty());
  EXPECT_EQ(lc.default_time_zone, defaults::lifecycle_default_time_zone);
  EXPECT_EQ(lc.start_time, defaults::lifecycle_start_time);
  EXPECT_FALSE(lc.end_time.has_value());
  EXPECT_EQ(lc.provision_before_start, defaults::lifecycle_provision_before_start);
  EXPECT_EQ(lc.provision_state, defaults::lifecycle_provision_state);
  EXPECT_EQ(lc.rehire_gap, defaults::lifecycle_rehire_gap);
}

TEST(lifecycle_config, every_key_set) {
  const auto cfg = load(minimal(R"(lifecycle:
  start_date: "{hire_date}"
  end_date: "{termination_date|trim}"
  date_formats: [DD.MM.YYYY, YYYY-MM-DD, ISO8601, MM/DD/YYYY]
  null_dates: [9999-12-31, 00/00/0000]
  time_zone: "{time_zone}"
  default_time_zone: Australia/Sydney
  start_time: "09:00"
  end_time: "17:30"
  provision_before_start: 14d
  provision_state: none
  pre_hire: "{status} in [Pending, Pre-hire]"
  rehire_gap: 30d
)"));
  ASSERT_TRUE(cfg.lifecycle.has_value());
  const auto& lc = *cfg.lifecycle;
  EXPECT_EQ(lc.date_formats,
            (std::vector<core::date_format>{core::date_format::dotted_date, core::date_format::iso_date,
                                            core::date_format::iso_date_time, core::date_format::us_date}));
  EXPECT_EQ(lc.null_dates, (std::vector<std::string>{"9999-12-31", "00/00/0000"}));
  EXPECT_EQ(lc.default_time_zone, "Australia/Sydney");
  EXPECT_EQ(lc.start_time, 9h);
  EXPECT_EQ(lc.end_time, 17h + 30min);
  EXPECT_EQ(lc.provision_before_start, std::chrono::days{14});
  EXPECT_EQ(lc.provision_state, core::provision_state::none);
  EXPECT_EQ(lc.rehire_gap, std::chrono::days{30});
  ASSERT_NE(cfg.mapping.lifecycle_template_for(core::lifecycle_template::start_date), nullptr);
  EXPECT_EQ(cfg.mapping.lifecycle_template_for(core::lifecycle_template::start_date)->text(), "{hire_date}");
  EXPECT_EQ(cfg.mapping.lifecycle_template_for(core::lifecycle_template::end_date)->text(),
            "{termination_date|trim}");
  EXPECT_EQ(cfg.mapping.lifecycle_template_for(core::lifecycle_template::time_zone)->text(), "{time_zone}");
  ASSERT_NE(cfg.mapping.pre_hire(), nullptr);
  EXPECT_EQ(cfg.mapping.pre_hire()->text(), "{status} in [Pending, Pre-hire]");
  // Their columns join the mapping's, so the export's header must have them.
  const auto& cols = cfg.mapping.columns();
  for (std::string_view c : {"hire_date", "termination_date", "time_zone", "status"})
    EXPECT_NE(std::find(cols.begin(), cols.end(), c), cols.end()) << c;
  // What core reads dates with.
  const auto d = core::read_date("31.01.2025", lc.read_options());
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->has_value());
  EXPECT_EQ((*d)->format, core::date_format::dotted_date);
  EXPECT_EQ(lc.times().end_time, 17h + 30min);
}

TEST(lifecycle_config, templates_may_use_maps) {
  const auto cfg = load(minimal(R"(maps:
  office_zone: {London: Europe/London, _default: UTC}
lifecycle:
  time_zone: "{office|map:office_zone}"
)"));
  ASSERT_NE(cfg.mapping.lifecycle_template_for(core::lifecycle_template::time_zone), nullptr);
}

TEST(lifecycle_errors, both_slashed_orders_are_ambiguous) {
  EXPECT_EQ(
      error_of(minimal(R"(lifecycle:
  date_formats: [YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY]
)")),
      "cfg.yaml:12:42: lifecycle.date_formats[2]: expected date formats that read each date one way, found "
      "both MM/DD/YYYY and DD/MM/YYYY, which read a date such as 03/04/2025 two ways; keep the one your HR "
      "system writes");
}

TEST(lifecycle_errors, unknown_date_format_with_did_you_mean) {
  EXPECT_EQ(error_of(minimal(R"(lifecycle:
  date_formats:
    - YYYY-MM-DD
    - DD.MM.YYY
)")),
            "cfg.yaml:14:7: lifecycle.date_formats[1]: expected a date format (YYYY-MM-DD, MM/DD/YYYY, "
            "DD/MM/YYYY, DD.MM.YYYY or ISO8601), found \"DD.MM.YYY\"; did you mean \"DD.MM.YYYY\"?");
}

TEST(lifecycle_errors, a_date_format_twice_and_an_empty_list) {
  EXPECT_EQ(
      error_of(minimal("lifecycle:\n  date_formats: [ISO8601, ISO8601]\n")),
      "cfg.yaml:12:27: lifecycle.date_formats[1]: expected each date format once, found \"ISO8601\" again");
  EXPECT_EQ(error_of(minimal("lifecycle:\n  date_formats: []\n")),
            "cfg.yaml:12:17: lifecycle.date_formats: expected a list of date formats such as [YYYY-MM-DD, "
            "DD.MM.YYYY], found an empty list");
}

TEST(lifecycle_errors, unknown_key_with_did_you_mean) {
  EXPECT_EQ(
      error_of(minimal("lifecycle:\n  start_dat: \"{hire_date}\"\n")),
      "cfg.yaml:12:3: lifecycle.start_dat: expected a key of lifecycle (start_date, end_date, date_formats, "
      "null_dates, time_zone, default_time_zone, start_time, end_time, provision_before_start, "
      "provision_state, pre_hire or rehire_gap), found unknown key \"start_dat\"; did you mean "
      "\"start_date\"?");
}

TEST(lifecycle_errors, unknown_default_time_zone) {
  EXPECT_EQ(
      error_of(minimal("lifecycle:\n  default_time_zone: Europe/Londn\n")),
      "cfg.yaml:12:22: lifecycle.default_time_zone: expected an IANA time zone such as Europe/London, found "
      "\"Europe/Londn\"");
}

TEST(lifecycle_errors, bad_times_of_day) {
  const auto errors = errors_of(minimal("lifecycle:\n  start_time: \"24:00\"\n  end_time: 5pm\n"));
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(
      errors[0],
      "cfg.yaml:12:15: lifecycle.start_time: expected a local time of day such as 09:00 or 17:30, found "
      "\"24:00\"");
  EXPECT_EQ(errors[1],
            "cfg.yaml:13:13: lifecycle.end_time: expected a local time of day such as 09:00 or 17:30, found "
            "\"5pm\"");
}

TEST(lifecycle_errors, bad_durations_and_provision_state) {
  const auto errors = errors_of(
      minimal("lifecycle:\n  provision_before_start: 7\n  provision_state: inactiv\n  rehire_gap: -1d\n"));
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_EQ(
      errors[0],
      "cfg.yaml:12:27: lifecycle.provision_before_start: expected a duration such as 30s, 15m or 24h (0s for "
      "none), found \"7\"");
  EXPECT_EQ(
      errors[1],
      "cfg.yaml:13:20: lifecycle.provision_state: expected inactive, active or none, found \"inactiv\"; did "
      "you mean \"inactive\"?");
  EXPECT_EQ(
      errors[2],
      "cfg.yaml:14:15: lifecycle.rehire_gap: expected a duration such as 30s, 15m or 24h (0s for none), "
      "found \"-1d\"");
}

TEST(lifecycle_errors, templates_and_conditions_are_checked_where_they_go_wrong) {
  const auto errors = errors_of(minimal(R"(lifecycle:
  start_date: "{hire_date|lowr}"
  end_date: "2025-12-31"
  pre_hire: "{status} === Pending"
)"));
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_EQ(errors[0].substr(0, 46), "cfg.yaml:12:27: lifecycle.start_date: expected");
  EXPECT_EQ(errors[1],
            "cfg.yaml:13:13: lifecycle.end_date: expected a template such as \"{termination_date}\", found "
            "\"2025-12-31\", which names no column");
  EXPECT_EQ(errors[2].substr(0, 34), "cfg.yaml:14:25: lifecycle.pre_hire");
}

TEST(lifecycle_errors, an_unquoted_template_gets_the_quote_hint) {
  EXPECT_EQ(
      error_of(minimal("lifecycle:\n  time_zone: [a]\n")),
      "cfg.yaml:12:14: lifecycle.time_zone: expected a template such as \"{time_zone}\", found a list; put "
      "templates and conditions in quotes");
}

TEST(lifecycle_errors, blank_null_dates) {
  EXPECT_EQ(
      error_of(minimal("lifecycle:\n  null_dates: [9999-12-31, \" \"]\n")),
      "cfg.yaml:12:28: lifecycle.null_dates[1]: expected a value meaning no date, such as 9999-12-31, found "
      "\" \" (a blank date is no date anyway)");
}

}  // namespace
}  // namespace eightsync::config
