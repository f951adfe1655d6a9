// `plan --horizon`'s section (daemon/lifecycle_text): phrased with state.db's links, in the
// person's zone and UTC, HR's text escaped, and the line said without a `lifecycle:` block.
#include "daemon/lifecycle_text.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <boost/json/serialize.hpp>

#include "core/zone_database.hpp"

namespace eightsync::daemon {
namespace {

using std::chrono::days;
using std::chrono::hours;

// 2030-01-07T14:00:00Z: 08:00 in Chicago.
const std::chrono::sys_seconds start{date::sys_days{date::year{2030} / 1 / 7} + hours{14}};

core::lifecycle_policy week_ahead() {
  core::lifecycle_policy p;
  p.enabled = true;
  p.provision_before_start = days{7};
  return p;
}

struct chicago_hire {
  core::zone_database zones;
  core::mapping_result mapped;

  explicit chicago_hire(std::string key) {
    core::desired_user u;
    u.key = std::move(key);
    u.set(core::attribute::user_name, "noor.haddad@example.com");
    u.set_window(start, std::nullopt);
    mapped.zones.push_back(*zones.find("America/Chicago"));
    u.zone = 1;
    mapped.users.push_back(std::move(u));
  }
};

std::string text_of(const horizon_report& r) {
  std::ostringstream out;
  print_horizon_text(out, r);
  return out.str();
}

TEST(lifecycle_text, EventsInTheZoneAndUtcPhrasedWithoutALink) {
  chicago_hire hr("00131");
  const auto from = date::sys_days{date::year{2029} / 12 / 28};
  const auto r = upcoming_in(hr.mapped, from, days{14}, week_ahead(), {});
  EXPECT_EQ(
      text_of(r),
      "Lifecycle events in the next 14d (after 2029-12-28T00:00:00Z, until 2030-01-11T00:00:00Z): 2\n"
      "  2029-12-31 08:00 CST  2029-12-31T14:00:00Z  HR key 00131  noor.haddad@example.com  account "
      "created inactive\n"
      "  2030-01-07 08:00 CST  2030-01-07T14:00:00Z  HR key 00131  noor.haddad@example.com  activated\n");
  EXPECT_EQ(
      boost::json::serialize(horizon_json(r)),
      R"({"enabled":true,"horizon_seconds":1209600,"from":"2029-12-28T00:00:00Z",)"
      R"("until":"2030-01-11T00:00:00Z","events":[{"at":"2029-12-31T14:00:00Z",)"
      R"("local":"2029-12-31 08:00 CST","zone":"America/Chicago","hr_key":"00131",)"
      R"("user_name":"noor.haddad@example.com","becomes":"provisioning","what":"account created inactive"},)"
      R"({"at":"2030-01-07T14:00:00Z","local":"2030-01-07 08:00 CST","zone":"America/Chicago",)"
      R"("hr_key":"00131","user_name":"noor.haddad@example.com","becomes":"active","what":"activated"}]})");
}

TEST(lifecycle_text, ALinkedAccountIsKeptAtTheWindow) {
  chicago_hire hr("00131");
  core::user_link link;
  link.hr_key = "00131";
  const std::vector<core::user_link> links{link};
  const auto r =
      upcoming_in(hr.mapped, date::sys_days{date::year{2029} / 12 / 28}, days{14}, week_ahead(), links);
  ASSERT_EQ(r.what.size(), 2U);
  EXPECT_EQ(r.what[0], "provisioning window opens; the linked account is kept as it is");
  EXPECT_EQ(r.what[1], "activated");
}

TEST(lifecycle_text, NothingDueAndNoBlockAreSaid) {
  chicago_hire hr("00131");
  const auto after = upcoming_in(hr.mapped, start, days{14}, week_ahead(), {});
  EXPECT_EQ(text_of(after),
            "Lifecycle events in the next 14d (after 2030-01-07T14:00:00Z, until 2030-01-21T14:00:00Z): 0\n"
            "  none: no provisioning window opens, nobody starts and nobody's end comes\n");
  const auto off = upcoming_in(hr.mapped, start, days{14}, core::lifecycle_policy{}, {});
  EXPECT_EQ(text_of(off),
            "Lifecycle events in the next 14d: none, the config has no `lifecycle:` block (HR's status alone "
            "decides)\n");
  EXPECT_EQ(boost::json::serialize(horizon_json(off)), R"({"enabled":false,"horizon_seconds":1209600})");
}

TEST(lifecycle_text, HrTextIsEscapedForTheTerminal) {
  chicago_hire hr("00\x1b[2J31");
  const auto r = upcoming_in(hr.mapped, date::sys_days{date::year{2030} / 1 / 1}, days{14}, week_ahead(), {});
  const std::string text = text_of(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("HR key 00"), std::string::npos) << text;
}

}  // namespace
}  // namespace eightsync::daemon
