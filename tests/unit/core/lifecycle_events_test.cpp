// Seeing what is coming: the lifecycle events of a mapped export inside a horizon
// (core/lifecycle_events), on fixed instants, in zones with summer time (America/New_York,
// Australia/Sydney) and at both ends of the day line (Pacific/Kiritimati, Pacific/Pago_Pago).
#include <gtest/gtest.h>

#include <cstdio>

#include "core/lifecycle_events.hpp"
#include "core/zone_database.hpp"

namespace eightsync::core {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

sys_seconds utc_at(const std::string& text) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d-%u-%uT%u:%u:%uZ", &y, &mo, &d, &h, &mi, &se), 6) << text;
  return sys_seconds{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + hours{h} +
         std::chrono::minutes{mi} + seconds{se};
}

std::optional<parsed_date> day_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto read = read_date(text, date_read_options{});
  EXPECT_TRUE(read && *read) << text;
  return read ? *read : std::nullopt;
}

lifecycle_policy policy(std::chrono::milliseconds before = days{7},
                        provision_state state = provision_state::inactive) {
  lifecycle_policy p;
  p.enabled = true;
  p.provision_before_start = before;
  p.provision_state = state;
  return p;
}

// An export mapped by hand: each person's dates read in their zone as the mapper does, access
// starting at 08:00 local and ending at the midnight after the end date.
class export_of {
 public:
  export_of& add(const std::string& key, const std::string& zone_name, const std::string& start,
                 const std::string& end = "") {
    desired_user u;
    u.key = key;
    u.set(attribute::user_name, key + "@example.com");
    const auto* zone = *zones_.find(zone_name);
    day_times times;
    times.start_time = hours{8};
    const auto window = make_access_window(day_of(start), day_of(end), *zone, times, std::nullopt);
    EXPECT_TRUE(window);
    u.set_window(window->start, window->end);
    mapped_.zones.push_back(zone);
    u.zone = static_cast<std::uint16_t>(mapped_.zones.size());
    mapped_.users.push_back(std::move(u));
    std::sort(mapped_.users.begin(), mapped_.users.end(),
              [](const desired_user& a, const desired_user& b) { return a.key < b.key; });
    return *this;
  }
  const mapping_result& mapped() const { return mapped_; }

 private:
  zone_database zones_;
  mapping_result mapped_;
};

// "KEY becomes@instant", for whole-list comparisons.
std::vector<std::string> listed(const std::vector<upcoming_event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e.key + " " + std::string(enum_name(e.becomes)) + "@" + format_utc(e.at));
  return out;
}

TEST(lifecycle_events, NewYorkWindowAndStartAcrossTheMoveToSummerTime) {
  // Summer time starts on 2025-03-09: the window opens 7 × 24 h before an 08:00 EDT start,
  // which is 07:00 EST.
  export_of hr;
  hr.add("00131", "America/New_York", "2025-03-10");
  const auto events = upcoming_events(hr.mapped(), utc_at("2025-03-01T00:00:00Z"), days{14}, policy());
  EXPECT_EQ(listed(events), (std::vector<std::string>{"00131 provisioning@2025-03-03T12:00:00Z",
                                                      "00131 active@2025-03-10T12:00:00Z"}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(format_local(events[0].at, events[0].zone), "2025-03-03 07:00 EST");
  EXPECT_EQ(format_local(events[1].at, events[1].zone), "2025-03-10 08:00 EDT");
  EXPECT_EQ(events[1].user_name, "00131@example.com");
}

TEST(lifecycle_events, SydneyEndAtTheMidnightAfterSummerTimeEnds) {
  // Summer time ends in Sydney at 03:00 on 2025-04-06: the midnight after that day is AEST.
  export_of hr;
  hr.add("7", "Australia/Sydney", "2020-01-06", "2025-04-06");
  const auto events = upcoming_events(hr.mapped(), utc_at("2025-04-01T00:00:00Z"), days{14}, policy());
  EXPECT_EQ(listed(events), (std::vector<std::string>{"7 ended@2025-04-06T14:00:00Z"}));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(format_local(events[0].at, events[0].zone), "2025-04-07 00:00 AEST");
}

TEST(lifecycle_events, AcrossTheDayLineTheEarlierInstantComesFirst) {
  // Kiritimati (UTC+14) starts on 1 January at 18:00 UTC on 31 December; Pago Pago (UTC-11)
  // starts on 31 December at 19:00 UTC: the later local date comes first.
  export_of hr;
  hr.add("a", "Pacific/Pago_Pago", "2024-12-31").add("b", "Pacific/Kiritimati", "2025-01-01");
  const auto events =
      upcoming_events(hr.mapped(), utc_at("2024-12-31T00:00:00Z"), days{1}, policy(seconds{0}));
  EXPECT_EQ(listed(events),
            (std::vector<std::string>{"b active@2024-12-31T18:00:00Z", "a active@2024-12-31T19:00:00Z"}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(format_local(events[0].at, events[0].zone), "2025-01-01 08:00 +14");
  EXPECT_EQ(format_local(events[1].at, events[1].zone), "2024-12-31 08:00 SST");
}

TEST(lifecycle_events, TheHorizonHoldsItsEndButNotItsStart) {
  export_of hr;
  hr.add("1", "UTC", "2025-03-10");
  const auto start = utc_at("2025-03-10T08:00:00Z");
  const auto p = policy(seconds{0});
  // An event exactly at the moment has come: a cycle then acts on it.
  EXPECT_TRUE(upcoming_events(hr.mapped(), start, days{14}, p).empty());
  EXPECT_EQ(upcoming_events(hr.mapped(), start - seconds{1}, days{14}, p).size(), 1U);
  EXPECT_EQ(upcoming_events(hr.mapped(), start - days{1}, days{1}, p).size(), 1U);
  EXPECT_TRUE(upcoming_events(hr.mapped(), start - days{1} - seconds{1}, days{1}, p).empty());
}

TEST(lifecycle_events, EveryEventOfAPersonInsideTheHorizon) {
  export_of hr;
  hr.add("1", "UTC", "2025-03-10", "2025-03-12");
  const auto events = upcoming_events(hr.mapped(), utc_at("2025-03-01T00:00:00Z"), days{14}, policy());
  EXPECT_EQ(listed(events),
            (std::vector<std::string>{"1 provisioning@2025-03-03T08:00:00Z", "1 active@2025-03-10T08:00:00Z",
                                      "1 ended@2025-03-13T00:00:00Z"}));
  // A shorter horizon stops the walk at its end.
  EXPECT_EQ(upcoming_events(hr.mapped(), utc_at("2025-03-01T00:00:00Z"), days{5}, policy()).size(), 1U);
}

TEST(lifecycle_events, AWindowOfNoWidthIsTheStartAlone) {
  export_of hr;
  hr.add("1", "UTC", "2025-03-10");
  const auto events =
      upcoming_events(hr.mapped(), utc_at("2025-03-01T00:00:00Z"), days{14}, policy(seconds{0}));
  EXPECT_EQ(listed(events), (std::vector<std::string>{"1 active@2025-03-10T08:00:00Z"}));
}

TEST(lifecycle_events, ProvisionStateNoneHasNoWindowEvent) {
  export_of hr;
  hr.add("1", "UTC", "2025-03-10");
  const auto events = upcoming_events(hr.mapped(), utc_at("2025-03-01T00:00:00Z"), days{14},
                                      policy(days{7}, provision_state::none));
  EXPECT_EQ(listed(events), (std::vector<std::string>{"1 active@2025-03-10T08:00:00Z"}));
}

TEST(lifecycle_events, SameInstantSortsByKeyAndWithoutTheBlockThereAreNone) {
  export_of hr;
  hr.add("b", "UTC", "2025-03-10").add("a", "UTC", "2025-03-10").add("c", "UTC", "");
  const auto from = utc_at("2025-03-09T00:00:00Z");
  EXPECT_EQ(listed(upcoming_events(hr.mapped(), from, days{2}, policy(seconds{0}))),
            (std::vector<std::string>{"a active@2025-03-10T08:00:00Z", "b active@2025-03-10T08:00:00Z"}));
  EXPECT_TRUE(upcoming_events(hr.mapped(), from, days{2}, lifecycle_policy{}).empty());
  EXPECT_FALSE(first_upcoming_event(hr.mapped(), from, lifecycle_policy{}));
}

TEST(lifecycle_events, TheFirstEventIsTheEarliestWhateverTheHorizon) {
  export_of hr;
  hr.add("a", "UTC", "2031-05-01").add("b", "Europe/Berlin", "2030-01-07").add("c", "UTC", "2020-01-01");
  const auto first = first_upcoming_event(hr.mapped(), utc_at("2029-12-28T00:00:00Z"), policy());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->key, "b");
  EXPECT_EQ(first->becomes, hr_intent::provisioning);
  EXPECT_EQ(format_utc(first->at), "2029-12-31T07:00:00Z");
  EXPECT_EQ(format_local(first->at, first->zone), "2029-12-31 08:00 CET");
  // After the last event nobody has one.
  EXPECT_FALSE(first_upcoming_event(hr.mapped(), utc_at("2031-06-01T00:00:00Z"), policy()));
}

TEST(lifecycle_events, PhrasesSayWhatEightsyncDoes) {
  upcoming_event window{utc_at("2025-03-03T08:00:00Z"), hr_intent::provisioning, "1", "u", nullptr};
  upcoming_event start = window;
  start.becomes = hr_intent::active;
  upcoming_event end = window;
  end.becomes = hr_intent::ended;
  const auto inactive = policy();
  EXPECT_EQ(event_phrase(window, inactive, false), "account created inactive");
  EXPECT_EQ(event_phrase(window, inactive, std::nullopt), "account created inactive");
  EXPECT_EQ(event_phrase(window, policy(days{7}, provision_state::active), false), "account created active");
  EXPECT_EQ(event_phrase(window, inactive, true),
            "provisioning window opens; the linked account is kept as it is");
  EXPECT_EQ(event_phrase(start, inactive, std::nullopt), "starts");
  EXPECT_EQ(event_phrase(start, inactive, true), "activated");
  EXPECT_EQ(event_phrase(start, inactive, false), "activated");  // the window created it inactive
  EXPECT_EQ(event_phrase(start, policy(seconds{0}), false), "created active");
  EXPECT_EQ(event_phrase(start, policy(days{7}, provision_state::none), false), "created active");
  EXPECT_EQ(event_phrase(start, policy(days{7}, provision_state::active), false),
            "starts (created active when the window opened)");
  EXPECT_EQ(event_phrase(end, inactive, true), "deactivated");
}

TEST(lifecycle_events, LocalTimeWithoutAZoneIsUtcAndSecondsShowWhenSet) {
  EXPECT_EQ(format_local(utc_at("2030-01-07T14:00:00Z"), nullptr), "2030-01-07 14:00 UTC");
  zone_database zones;
  EXPECT_EQ(format_local(utc_at("2030-01-07T14:00:30Z"), *zones.find("America/Chicago")),
            "2030-01-07 08:00:30 CST");
}

}  // namespace
}  // namespace eightsync::core
