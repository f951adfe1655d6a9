// Effective dates in the planner: the intent rule (core/lifecycle_rule) at exact instants, and
// every row of README.md's truth table ("Effective dates") through make_plan, on the manual
// clock (planner_options::now).
#include <gtest/gtest.h>

#include "core/lifecycle_rule.hpp"
#include "core/zone_database.hpp"
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

using std::chrono::sys_seconds;

// t0 in whole seconds, as dates are.
const sys_seconds s0{std::chrono::floor<std::chrono::seconds>(t0)};

// Access starts on 2024-06-10 at 09:00 UTC: a week after t0 (2024-06-03 09:00).
const sys_seconds start_at{std::chrono::floor<std::chrono::seconds>(t0 + std::chrono::days{7})};

lifecycle_policy dates_on(std::chrono::milliseconds before = std::chrono::days{3},
                          provision_state state = provision_state::inactive) {
  lifecycle_policy p;
  p.enabled = true;
  p.provision_before_start = before;
  p.provision_state = state;
  return p;
}

desired_user with_dates(desired_user d, std::optional<sys_seconds> start,
                        std::optional<sys_seconds> end = {}) {
  d.set_window(start, end);
  return d;
}

// ------------------------------------------------------------------ the intent, at instants

TEST(lifecycle_intent, WithoutTheBlockTheStatusAloneDecides) {
  lifecycle_policy off;
  const desired_user d = with_dates(desired(someone("1")), start_at);
  EXPECT_EQ(intent_of(d, t0, off), hr_intent::active);
  person left = someone("2");
  left.active = false;
  EXPECT_EQ(intent_of(desired(left), t0, off), hr_intent::left);
}

TEST(lifecycle_intent, EmptyDatesLeaveItToTheStatus) {
  const auto p = dates_on();
  EXPECT_EQ(intent_of(desired(someone("1")), t0, p), hr_intent::active);
  person left = someone("2");
  left.active = false;
  EXPECT_EQ(intent_of(desired(left), t0, p), hr_intent::left);
}

TEST(lifecycle_intent, BeforeTheWindowInsideItAndFromTheStartOnTheBoundaries) {
  const auto p = dates_on(std::chrono::days{3});
  const desired_user d = with_dates(desired(someone("1")), start_at);
  const auto opens = start_at - std::chrono::days{3};
  EXPECT_EQ(intent_of(d, opens - std::chrono::seconds{1}, p), hr_intent::before_window);
  EXPECT_EQ(intent_of(d, opens, p), hr_intent::provisioning);
  EXPECT_EQ(intent_of(d, start_at - std::chrono::seconds{1}, p), hr_intent::provisioning);
  // A start exactly now has come.
  EXPECT_EQ(intent_of(d, start_at, p), hr_intent::active);
  // Part of a second before it has not: instants compare at whole seconds, floored.
  EXPECT_EQ(intent_of(d, start_at - std::chrono::milliseconds{1}, p), hr_intent::provisioning);
}

TEST(lifecycle_intent, TheEndWinsEvenWhileHrSaysActive) {
  const auto p = dates_on();
  const auto end = start_at + std::chrono::days{30};
  const desired_user d = with_dates(desired(someone("1")), start_at, end);
  EXPECT_EQ(intent_of(d, end - std::chrono::seconds{1}, p), hr_intent::active);
  EXPECT_EQ(intent_of(d, end, p), hr_intent::ended);
  EXPECT_EQ(intent_of(d, end + std::chrono::days{400}, p), hr_intent::ended);
}

TEST(lifecycle_intent, AnEarlyStatusFlipBeatsALaterEndDate) {
  person p = someone("1");
  p.active = false;
  const desired_user d = with_dates(desired(p), sys_seconds{}, start_at + std::chrono::days{30});
  EXPECT_EQ(intent_of(d, t0, dates_on()), hr_intent::left);
}

TEST(lifecycle_intent, PreHireMakesAnInactiveStatusAFutureHire) {
  person p = someone("1");
  p.active = false;
  desired_user d = with_dates(desired(p), start_at);
  d.pre_hire = true;
  EXPECT_EQ(intent_of(d, t0, dates_on()), hr_intent::before_window);
  EXPECT_EQ(intent_of(d, start_at - std::chrono::days{1}, dates_on()), hr_intent::provisioning);
  // Its start has come: active, whatever the status still says.
  EXPECT_EQ(intent_of(d, start_at, dates_on()), hr_intent::active);
  // Without a start date it waits for one.
  d.set_window(std::nullopt, std::nullopt);
  EXPECT_EQ(intent_of(d, t0, dates_on()), hr_intent::before_window);
}

TEST(lifecycle_intent, HowARowWithoutAnAccountIsCreated) {
  EXPECT_EQ(create_active(hr_intent::active, dates_on()), true);
  EXPECT_EQ(create_active(hr_intent::provisioning, dates_on()), false);
  EXPECT_EQ(create_active(hr_intent::provisioning, dates_on(std::chrono::days{3}, provision_state::active)),
            true);
  EXPECT_EQ(create_active(hr_intent::provisioning, dates_on(std::chrono::days{3}, provision_state::none)),
            std::nullopt);
  for (const auto i : {hr_intent::left, hr_intent::ended, hr_intent::before_window})
    EXPECT_EQ(create_active(i, dates_on()), std::nullopt) << enum_name(i);
}

TEST(lifecycle_intent, TheNextEventIsTheWindowThenTheStartThenTheEnd) {
  const auto p = dates_on(std::chrono::days{3});
  const auto end = start_at + std::chrono::days{30};
  const desired_user d = with_dates(desired(someone("1")), start_at, end);
  auto e = next_event(d, t0, p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at, start_at - std::chrono::days{3});
  EXPECT_EQ(e->becomes, hr_intent::provisioning);
  e = next_event(d, e->at, p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at, start_at);
  EXPECT_EQ(e->becomes, hr_intent::active);
  e = next_event(d, e->at, p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at, end);
  EXPECT_EQ(e->becomes, hr_intent::ended);
  EXPECT_FALSE(next_event(d, end, p));
  // With provision_state none, the window's opening sends nothing: the start is next.
  e = next_event(d, t0, dates_on(std::chrono::days{3}, provision_state::none));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at, start_at);
}

// ------------------------------------------------- dates in zones, judged on the manual clock

// The instants of `start` and `end` (dates) for a person in `zone`, as the mapper sets them.
desired_user dated_in(const char* zone, std::optional<date::year_month_day> start,
                      std::optional<date::year_month_day> end, day_times times = {}) {
  static zone_database zones;
  const auto z = zones.find(zone);
  EXPECT_TRUE(z.has_value());
  desired_user d = desired(someone("1"));
  std::optional<parsed_date> s;
  std::optional<parsed_date> e;
  if (start) s = parsed_date{*start, std::nullopt, date_format::iso_date};
  if (end) e = parsed_date{*end, std::nullopt, date_format::iso_date};
  const auto w = make_access_window(s, e, **z, times, std::nullopt);
  EXPECT_TRUE(w.has_value());
  d.set_window(w->start, w->end);
  return d;
}

time_point at_utc(date::sys_days day, std::chrono::hours h,
                  std::chrono::minutes m = std::chrono::minutes{0}) {
  return time_point{day} + h + m;
}

TEST(lifecycle_zones, ASydneyTerminationAt1700EndsAt1700SydneyTime) {
  using namespace date::literals;
  day_times t;
  t.end_time = std::chrono::hours{17};
  // 2025-01-31 17:00 AEDT (UTC+11) is 06:00 UTC.
  const auto d = dated_in("Australia/Sydney", std::nullopt, 2025_y / 1 / 31, t);
  EXPECT_EQ(
      intent_of(d, at_utc(date::sys_days{2025_y / 1 / 31}, std::chrono::hours{5}, std::chrono::minutes{59}),
                dates_on()),
      hr_intent::active);
  EXPECT_EQ(intent_of(d, at_utc(date::sys_days{2025_y / 1 / 31}, std::chrono::hours{6}), dates_on()),
            hr_intent::ended);
}

TEST(lifecycle_zones, KiritimatiStartsADayAheadOfPagoPago) {
  using namespace date::literals;
  // The same start date: 00:00 at UTC+14 is 10:00 UTC the day before; at UTC-11, 11:00 UTC.
  const auto kiritimati = dated_in("Pacific/Kiritimati", 2025_y / 7 / 1, std::nullopt);
  const auto pago_pago = dated_in("Pacific/Pago_Pago", 2025_y / 7 / 1, std::nullopt);
  const auto june_30_10 = at_utc(date::sys_days{2025_y / 6 / 30}, std::chrono::hours{10});
  EXPECT_EQ(intent_of(kiritimati, june_30_10, dates_on()), hr_intent::active);
  EXPECT_EQ(intent_of(pago_pago, june_30_10, dates_on()), hr_intent::provisioning);
  EXPECT_EQ(intent_of(pago_pago, at_utc(date::sys_days{2025_y / 7 / 1}, std::chrono::hours{11}), dates_on()),
            hr_intent::active);
}

TEST(lifecycle_zones, DstDaysInNewYorkAndLondonMoveTheInstantNotTheLocalTime) {
  using namespace date::literals;
  day_times t;
  t.start_time = std::chrono::hours{9};
  // 09:00 on the Monday after each spring change: EDT (UTC-4) and BST (UTC+1).
  const auto ny = dated_in("America/New_York", 2025_y / 3 / 10, std::nullopt, t);
  const auto london = dated_in("Europe/London", 2025_y / 3 / 31, std::nullopt, t);
  EXPECT_EQ(ny.starts_at(),
            std::chrono::sys_seconds{date::sys_days{2025_y / 3 / 10}} + std::chrono::hours{13});
  EXPECT_EQ(london.starts_at(),
            std::chrono::sys_seconds{date::sys_days{2025_y / 3 / 31}} + std::chrono::hours{8});
  EXPECT_EQ(intent_of(london, at_utc(date::sys_days{2025_y / 3 / 31}, std::chrono::hours{8}), dates_on()),
            hr_intent::active);
  EXPECT_EQ(
      intent_of(london,
                at_utc(date::sys_days{2025_y / 3 / 31}, std::chrono::hours{7}, std::chrono::minutes{59}),
                dates_on()),
      hr_intent::provisioning);
}

TEST(lifecycle_zones, SantiagosMissingMidnightAndALeapDay) {
  using namespace date::literals;
  // Chile moves to summer time at 00:00 on 2024-09-08: the day starts at 01:00 (UTC-3).
  const auto santiago = dated_in("America/Santiago", 2024_y / 9 / 8, std::nullopt);
  EXPECT_EQ(santiago.starts_at(),
            std::chrono::sys_seconds{date::sys_days{2024_y / 9 / 8}} + std::chrono::hours{4});
  EXPECT_EQ(intent_of(santiago, at_utc(date::sys_days{2024_y / 9 / 8}, std::chrono::hours{4}), dates_on()),
            hr_intent::active);
  // A last day of 2024-02-29 ends at the midnight that begins March 1.
  const auto leap = dated_in("UTC", std::nullopt, 2024_y / 2 / 29);
  EXPECT_EQ(
      intent_of(leap,
                at_utc(date::sys_days{2024_y / 2 / 29}, std::chrono::hours{23}, std::chrono::minutes{59}),
                dates_on()),
      hr_intent::active);
  EXPECT_EQ(intent_of(leap, at_utc(date::sys_days{2024_y / 3 / 1}, std::chrono::hours{0}), dates_on()),
            hr_intent::ended);
}

// ------------------------------------------------------------ the truth table, through the plan

// A world planning at `now` with effective dates on.
world dated_world(time_point now = t0, lifecycle_policy policy = dates_on()) {
  world w;
  w.options.now = now;
  w.options.lifecycle = policy;
  return w;
}

TEST(lifecycle_table, BeforeTheWindowNothingIsCreated) {
  world w = dated_world();
  w.hr.push_back(with_dates(desired(someone("1")), start_at));
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  ASSERT_EQ(p.skipped.size(), 1U);
  EXPECT_NE(p.skipped[0].reason.find("created from 2024-06-07T09:00:00Z"), std::string::npos)
      << p.skipped[0].reason;
  // And no lookup is read for it in an incremental cycle.
  EXPECT_TRUE(w.reads().reads.empty());
}

TEST(lifecycle_table, InsideTheWindowTheAccountIsCreatedInactiveWithTheLicenseActionOnly) {
  world w = dated_world(start_at - std::chrono::days{1});
  w.hr.push_back(with_dates(desired(someone("1")), start_at));
  const plan p = w.run();
  const auto* c = find_entry(p, operation_kind::create, "1");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->desired_active);
  EXPECT_EQ(c->body.at("active"), false);
  EXPECT_NE(c->reason.find("created inactive ahead of the start"), std::string::npos);
  ASSERT_EQ(c->follow_ups.size(), 1U);
  EXPECT_EQ(c->follow_ups[0].kind, manual_action_kind::assign_license);
}

TEST(lifecycle_table, InsideTheWindowProvisionStateActiveCreatesActiveAndNoneWaits) {
  world w =
      dated_world(start_at - std::chrono::days{1}, dates_on(std::chrono::days{3}, provision_state::active));
  w.hr.push_back(with_dates(desired(someone("1")), start_at));
  const plan c_plan = w.run();
  const auto* c = find_entry(c_plan, operation_kind::create, "1");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->desired_active);
  EXPECT_EQ(c->follow_ups.size(), 2U);

  w.options.lifecycle.provision_state = provision_state::none;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  ASSERT_EQ(p.skipped.size(), 1U);
  EXPECT_NE(p.skipped[0].reason.find("provision_state: none"), std::string::npos);
}

TEST(lifecycle_table, AtTheStartAnAccountMadeEarlyIsActivatedAndShownInTheDirectory) {
  world w = dated_world(start_at);
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), start_at));
  w.add_remote(a, "a1", false, start_at - std::chrono::minutes{1});
  w.add_link(a, "a1", false);
  const plan p = w.run();
  const auto* r = find_entry(p, operation_kind::reactivate, "1");
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->reason.find("start date HR set has come"), std::string::npos);
  ASSERT_EQ(r->follow_ups.size(), 1U);
  EXPECT_EQ(r->follow_ups[0].kind, manual_action_kind::show_in_directory);
  // An incremental cycle reads it first: the link says inactive, HR now wants it active.
  world incremental = w;
  incremental.remote_objects.clear();
  incremental.fetched.clear();
  incremental.options.remote_user_estimate = 10'000;  // a listing would cost many pages
  const auto reads = incremental.reads();
  ASSERT_EQ(reads.reads.size(), 1U);
  EXPECT_EQ(reads.reads[0].reason, "The start date HR set has come.");
}

TEST(lifecycle_table, BeforeTheStartAnAccountMadeEarlyStaysInactive) {
  world w = dated_world(start_at - std::chrono::days{1});
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), start_at));
  w.add_remote(a, "a1", false);
  w.add_link(a, "a1", false);
  const plan p = w.run();
  EXPECT_TRUE(p.operations.empty());
  EXPECT_TRUE(p.manual_actions.empty());  // no "deactivated by an admin" action
  // Incremental: nothing to read, the link is as HR wants for now.
  world incremental = w;
  incremental.remote_objects.clear();
  incremental.fetched.clear();
  EXPECT_TRUE(incremental.reads().reads.empty());
}

TEST(lifecycle_table, AFutureStartNeverDeactivatesAnActiveAccount) {
  // A contractor becoming an employee, or a corrected hire date.
  for (const time_point now : {t0, time_point(start_at - std::chrono::days{1})}) {
    world w = dated_world(now);
    const person a = someone("1");
    w.hr.push_back(with_dates(desired(a), start_at));
    w.add_remote(a, "a1", true);
    w.add_link(a, "a1", true);
    const plan p = w.run();
    EXPECT_TRUE(p.operations.empty());
    EXPECT_TRUE(p.held.empty());
  }
}

TEST(lifecycle_table, FromTheEndTheAccountIsDeactivatedWhileHrStillSaysActive) {
  const auto end = start_at + std::chrono::days{30};
  world w = dated_world(end);
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), start_at, end));
  w.add_remote(a, "a1", true, end - std::chrono::minutes{1});
  w.add_link(a, "a1", true);
  const plan p = w.run();
  const auto* d = find_entry(p, operation_kind::deactivate, "1");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->reason.find("end date HR set for this person has come"), std::string::npos);
  // It is a leaver: the leaver pass reads it first.
  const auto first = leaver_reads(w.mapping(), w.state, w.options);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_NE(first[0].reason.find("end date"), std::string::npos);
}

TEST(lifecycle_table, ATerminationEnteredAfterItsEndDatePassedIsAppliedAtOnce) {
  const sys_seconds end = s0 - std::chrono::days{10};
  world w = dated_world(t0);
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), std::nullopt, end));
  w.add_remote(a, "a1", true);
  w.add_link(a, "a1", true);
  EXPECT_NE(find_entry(w.run(), operation_kind::deactivate, "1"), nullptr);
}

TEST(lifecycle_table, AnEarlyStatusFlipDeactivatesBeforeTheEndDate) {
  world w = dated_world(t0);
  person a = someone("1");
  w.add_remote(a, "a1", true);
  w.add_link(a, "a1", true);
  a.active = false;
  w.hr.push_back(with_dates(desired(a), std::nullopt, start_at));
  const plan d_plan = w.run();
  const auto* d = find_entry(d_plan, operation_kind::deactivate, "1");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->reason.find("active condition"), std::string::npos) << d->reason;
}

TEST(lifecycle_table, ANewRowWhoseStartAndEndHavePassedIsNeverCreated) {
  world w = dated_world(t0);
  w.hr.push_back(with_dates(desired(someone("1")), s0 - std::chrono::days{60}, s0 - std::chrono::days{30}));
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  EXPECT_EQ(p.unmatched_inactive, 1U);
}

TEST(lifecycle_table, ARehireWithANewStartDateIsActivatedAtThatStart) {
  const person a = someone("1");
  // eightsync deactivated them at their last end; HR now shows a new start.
  for (const auto& [now, activated] :
       {std::pair{start_at - std::chrono::days{5}, false}, std::pair{start_at, true}}) {
    world w = dated_world(now);
    w.hr.push_back(with_dates(desired(a), start_at));
    w.add_remote(a, "a1", false, now - std::chrono::minutes{1});
    w.add_link(a, "a1", false);
    const plan p = w.run();
    EXPECT_EQ(find_entry(p, operation_kind::reactivate, "1") != nullptr, activated);
    EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  }
}

TEST(lifecycle_table, AStartDateThatMovesMovesTheActivation) {
  const person a = someone("1");
  world w = dated_world(start_at);
  w.add_remote(a, "a1", false, start_at - std::chrono::minutes{1});
  w.add_link(a, "a1", false);
  // Moved a week later: still waiting, inactive.
  w.hr.push_back(with_dates(desired(a), start_at + std::chrono::days{7}));
  EXPECT_TRUE(w.run().operations.empty());
  // Moved earlier, to yesterday: activated now.
  w.hr.back() = with_dates(desired(a), start_at - std::chrono::days{1});
  EXPECT_NE(find_entry(w.run(), operation_kind::reactivate, "1"), nullptr);
}

TEST(lifecycle_table, AHireCancelledBeforeTheStartLeavesTheInactiveAccountInactive) {
  const person a = someone("1");
  // The row disappears: 8x8 shows the account inactive, so there is nothing to deactivate.
  world gone = dated_world(start_at - std::chrono::days{1});
  gone.add_remote(a, "a1", false, start_at - std::chrono::days{1} - std::chrono::minutes{1});
  gone.add_link(a, "a1", false);
  gone.state.created_before_start = {"1"};  // eightsync made it inactive ahead of the start
  const plan p = gone.run();
  EXPECT_TRUE(p.operations.empty());
  ASSERT_EQ(actions(p, manual_action_kind::cancelled_hire).size(), 1U);
  EXPECT_NE(actions(p, manual_action_kind::cancelled_hire)[0]->text.find("8x8 cannot delete users"),
            std::string::npos);
  // The row turns inactive: the same.
  world inactive = gone;
  person left = a;
  left.active = false;
  inactive.hr.push_back(with_dates(desired(left), start_at));
  const plan q = inactive.run();
  EXPECT_TRUE(q.operations.empty());
  EXPECT_EQ(actions(q, manual_action_kind::cancelled_hire).size(), 1U);
  // A leaver eightsync deactivated after they worked here is no cancelled hire.
  world former = gone;
  former.state.created_before_start.clear();
  EXPECT_TRUE(actions(former.run(), manual_action_kind::cancelled_hire).empty());
}

TEST(lifecycle_table, PreHireRowsAreProvisionedBeforeTheirStart) {
  world w = dated_world(start_at - std::chrono::days{1});
  person a = someone("1");
  a.active = false;  // "Pending": the active condition says no
  desired_user d = with_dates(desired(a), start_at);
  d.pre_hire = true;
  w.hr.push_back(d);
  const plan c_plan = w.run();
  const auto* c = find_entry(c_plan, operation_kind::create, "1");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->desired_active);
}

TEST(lifecycle_table, DatesNeverOverrideProtect) {
  const sys_seconds end = s0 - std::chrono::days{1};
  world w = dated_world(t0);
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), std::nullopt, end));
  w.add_remote(a, "a1", true);
  w.add_link(a, "a1", true);
  w.options.protect = protect_list({a.un()});
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  EXPECT_TRUE(leaver_reads(w.mapping(), w.state, w.options).empty());
}

TEST(lifecycle_table, DatesNeverOverrideTheSafetyLimits) {
  const sys_seconds end = s0 - std::chrono::days{1};
  world w = dated_world(t0);
  w.options.safety.max_deactivations = 2;
  for (int i = 0; i < 3; ++i) {
    const person a = someone("k" + std::to_string(i));
    w.hr.push_back(with_dates(desired(a), std::nullopt, end));
    w.add_remote(a, "a" + std::to_string(i), true);
    w.add_link(a, "a" + std::to_string(i), true);
  }
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 3U);
}

TEST(lifecycle_table, MassActivationsAreHeldBySafetyMaxReactivations) {
  world w = dated_world(start_at);
  w.options.safety.max_reactivations = 10;
  for (int i = 0; i < 11; ++i) {
    const person a = someone("k" + std::to_string(i));
    w.hr.push_back(with_dates(desired(a), start_at));
    w.add_remote(a, "a" + std::to_string(i), false, start_at - std::chrono::minutes{1});
    w.add_link(a, "a" + std::to_string(i), false);
  }
  plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::reactivate), 0U);
  EXPECT_EQ(count(p, operation_kind::reactivate, true), 11U);
  ASSERT_EQ(p.holds.size(), 1U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_reactivations);
  // At the limit, they go.
  w.options.safety.max_reactivations = 11;
  p = w.run();
  EXPECT_EQ(count(p, operation_kind::reactivate), 11U);
}

TEST(lifecycle_table, OperationsApprovedAheadAreNeitherCountedNorHeldByTheLimits) {
  // An end-of-month batch: three terminations, over safety.max_deactivations (1).
  const sys_seconds end = s0 - std::chrono::hours{1};
  world w = dated_world(t0);
  w.options.safety.max_deactivations = 1;
  for (int i = 0; i < 3; ++i) {
    const person a = someone("k" + std::to_string(i));
    w.hr.push_back(with_dates(desired(a), std::nullopt, end));
    w.add_remote(a, "a" + std::to_string(i), true);
    w.add_link(a, "a" + std::to_string(i), true);
  }
  EXPECT_EQ(count(w.run(), operation_kind::deactivate, true), 3U);
  // Two approved ahead (`approve --upcoming`): the third alone is within the limit.
  w.state.upcoming_approved = {{"k0", operation_kind::deactivate, end},
                               {"k1", operation_kind::deactivate, end}};
  plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 3U);
  EXPECT_TRUE(p.holds.empty());
  // Approved for another instant (HR moved the date since): not approved.
  w.state.upcoming_approved = {{"k0", operation_kind::deactivate, end - std::chrono::hours{24}},
                               {"k1", operation_kind::reactivate, end}};
  p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 3U);
  // A source hold still holds an approved operation.
  w.state.upcoming_approved = {{"k0", operation_kind::deactivate, end},
                               {"k1", operation_kind::deactivate, end},
                               {"k2", operation_kind::deactivate, end}};
  w.options.safety.max_source_shrink_percent = 10;
  w.state.last_good = last_good_cycle{100, 3, t0 - std::chrono::hours{1}};
  p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
}

TEST(lifecycle_table, AnAccountCreatedInactiveThat8x8ShowsActiveBeforeTheStartIsCorrectedNotCounted) {
  // The PATCH after the 201 failed: the link says active, as 8x8 does.
  world w = dated_world(start_at - std::chrono::days{1});
  w.options.safety.max_deactivations = 0;
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), start_at));
  w.add_remote(a, "a1", true, start_at - std::chrono::days{1} - std::chrono::minutes{1});
  w.add_link(a, "a1", true);
  w.state.created_before_start = {"1"};
  const plan p = w.run();
  const auto* fix = find_entry(p, operation_kind::deactivate, "1");
  ASSERT_NE(fix, nullptr) << "not held by max_deactivations 0: not a leaver";
  EXPECT_EQ(fix->reason.rfind(active_correction_reason, 0), 0U) << fix->reason;
  EXPECT_TRUE(fix->follow_ups.empty());
  EXPECT_TRUE(p.holds.empty());
  EXPECT_EQ(count(p, operation_kind::update), 0U);
  // An account that was active before (a contractor becoming an employee) is kept active.
  w.state.created_before_start.clear();
  EXPECT_TRUE(w.run().operations.empty());
}

TEST(lifecycle_table, AnAccountAnAdminDeactivatedIsNotReactivatedByAStartDate) {
  world w = dated_world(start_at);
  const person a = someone("1");
  w.hr.push_back(with_dates(desired(a), start_at));
  w.add_remote(a, "a1", false, start_at - std::chrono::minutes{1});
  w.add_link(a, "a1", true);  // eightsync left it active: an admin deactivated it
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::reactivate), 0U);
  EXPECT_EQ(actions(p, manual_action_kind::admin_deactivated).size(), 1U);
}

TEST(lifecycle_table, AQuarantinedRowNeverTurnsIntoADeactivation) {
  world w = dated_world(t0);
  const person a = someone("1");
  w.add_remote(a, "a1", true);
  w.add_link(a, "a1", true);
  quarantined_row q;
  q.key = "1";
  q.reason = quarantine_reason::invalid_date;
  q.detail = "lifecycle.end_date \"{end}\": expected a date as YYYY-MM-DD, found \"soon\"";
  w.quarantined.push_back(q);
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  EXPECT_TRUE(leaver_reads(w.mapping(), w.state, w.options).empty());
}

}  // namespace
}  // namespace eightsync::core::planner_test
