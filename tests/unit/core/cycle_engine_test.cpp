// cycle_engine: one whole cycle (read → plan → apply) through the scripted 8x8, with the manual
// clock: the cycle's outcome, its audit row (requests planned and sent, the export's facts), the
// release of approved held operations, and what a cycle records of 8x8.
#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/cycle_engine.hpp"
#include "core/state_error.hpp"
#include "unit/core/engine_test_support.hpp"

namespace eightsync::core::engine_test {
namespace {

using strings = std::vector<std::string>;

class engine : public engine_fixture {
 protected:
  std::vector<person> hr_;
  cycle_settings settings_ = [] {
    cycle_settings s;
    s.planner = relaxed_options();
    s.source_path = "/srv/hr.csv";
    return s;
  }();
  std::string hr_error_;                            // non-empty: the export is rejected with this
  std::optional<clock::time_point> hr_changed_at_;  // when the export last changed, if known

  hr_reader reader() {
    return [this]() -> expected<hr_input, std::string> {
      if (!hr_error_.empty()) return unexpected<std::string>{hr_error_};
      world w;
      for (const auto& p : hr_)
        w.add_hr(p);
      return hr_input{w.mapping(), "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                      hr_.size(), hr_changed_at_};
    };
  }

  cycle_result run(bool full = false, const std::atomic<bool>* stop = nullptr) {
    cycle_engine e(store_, audit_, clock_, log_);
    return run_awaitable(e.run(port_, reader(), settings_, cycle_trigger::cli, full, stop));
  }

  audit_cycle_row row(const cycle_result& r) { return *audit_.cycle(r.cycle_id); }
};

// ---- the outcome and the audit row ------------------------------------------------------------

TEST_F(engine, AFirstCycleListsCreatesAndEndsOkAsAGoodCycle) {
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder")};
  const auto r = run();

  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "POST u100@example.com", "POST u101@example.com"}));
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  const auto c = row(r);
  EXPECT_EQ(c.outcome, cycle_outcome::ok);
  EXPECT_EQ(c.kind, cycle_kind::full) << "no links yet: a full listing";
  EXPECT_EQ(c.requests_planned, 3U);
  EXPECT_EQ(c.requests_sent, 3U);
  EXPECT_EQ(c.rows_read, 2U);
  EXPECT_EQ(c.rows_in_scope, 2U);
  EXPECT_EQ(c.source_sha256, "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8");
  EXPECT_EQ(c.ended_at, t0);
  const auto good = store_.read_last_good_cycle();
  ASSERT_TRUE(good) << "an ok cycle is the shrink baseline";
  EXPECT_EQ(good->source_rows, 2U);
  EXPECT_EQ(good->managed_users, 2U);
  EXPECT_EQ(store_.last_full_listing(), t0) << "a complete listing is recorded";
}

// A listing that stops part way is no full reconcile: the last complete one keeps its time, so
// the schedule (full_reconcile_due) still asks for one.
TEST_F(engine, AListingThatStopsPartWayIsNotRecordedComplete) {
  settings_.planner.page_size = 1;
  synced(someone("200", "Bob", "Builder"), "x200");
  synced(someone("201", "Cy", "Builder"), "x201");
  hr_ = {someone("200", "Bob", "Builder"), someone("201", "Cy", "Builder")};
  run(true);
  ASSERT_EQ(store_.last_full_listing(), t0);
  clock_.advance(std::chrono::hours(25));
  port_.script(port_call::list_page, {});
  port_.script(port_call::list_page, {.outcome = scim_outcome::server});
  const auto r = run(true);
  EXPECT_EQ(row(r).kind, cycle_kind::full);
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  EXPECT_EQ(store_.last_full_listing(), t0) << "not moved by a listing that stopped";
  EXPECT_TRUE(full_reconcile_due(store_.last_full_listing(), clock_.now(), std::chrono::hours(24)));
}

TEST_F(engine, RequestsSentAreThePortsCountRetriesIncluded) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  port_.script(port_call::create, {.attempts = 3});
  const auto first = run();
  EXPECT_EQ(row(first).requests_planned, 2U);
  EXPECT_EQ(row(first).requests_sent, 4U) << "one page and a POST sent three times";
  EXPECT_EQ(row(first).cost.retried, 2U);
  EXPECT_EQ(first.requests.sent, 4U);

  // The same port serves a second cycle: only that cycle's requests are its.
  hr_.push_back(someone("101", "Bob", "Builder"));
  const auto second = run(true);
  EXPECT_EQ(row(second).requests_sent, 2U) << "one page and one POST";
  EXPECT_EQ(row(second).cost.retried, 0U);
}

TEST_F(engine, AFailedWriteMakesTheCyclePartialAndNotAGoodCycle) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  hr_[0].site = "";  // a 400 to a site no user carries would be blamed on the site
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "bad email"});
  const auto r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  EXPECT_EQ(r.exec.failed, 1U);
  EXPECT_FALSE(store_.read_last_good_cycle());
}

// A user already failing (reported when it first failed, listed by `status`) does not make every
// later cycle partial: backing off, or failing again, the cycle is ok and the shrink baseline
// moves. A new failure beside it still makes the cycle partial. After
// failing.manual_action_after failing cycles in a row, one keeps_failing action names the user.
TEST_F(engine, AUserAlreadyFailingLeavesLaterCyclesOk) {
  settings_.failing_action_after = 2;
  hr_ = {someone("100", "Ada", "Lovelace")};
  hr_[0].site = "";  // a 400 to a site no user carries would be blamed on the site
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "bad email"});
  auto r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial) << "a new failure";
  EXPECT_FALSE(store_.read_last_good_cycle());

  clock_.advance(std::chrono::minutes(1));
  r = run();  // the user backs off for this cycle
  EXPECT_EQ(port_.requests().back(), "LIST 1") << "no POST while backing off";
  EXPECT_EQ(r.exec.still_failing, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  ASSERT_TRUE(store_.read_last_good_cycle()) << "the shrink baseline moves";
  EXPECT_EQ(store_.read_last_good_cycle()->completed_at, clock_.now());
  EXPECT_TRUE(open_actions(manual_action_kind::keeps_failing).empty()) << "one failing cycle so far";

  // Tried again, failing again: still ok, and the second failing cycle raises the action.
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "bad email"});
  r = run();
  EXPECT_EQ(port_.requests().back(), "POST u100@example.com");
  EXPECT_EQ(r.exec.failed, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  const auto actions = open_actions(manual_action_kind::keeps_failing);
  ASSERT_EQ(actions.size(), 1U);
  EXPECT_EQ(actions[0].action.dedupe_key, "keeps_failing:100");
  EXPECT_NE(actions[0].action.text.find(
                "failed in 2 cycles in a row; the last error: invalid (HTTP 400): bad email"),
            std::string::npos)
      << actions[0].action.text;

  // A second person failing for the first time makes the cycle partial again.
  hr_.push_back(someone("101", "Bob", "Builder"));
  hr_[1].site = "";
  port_.script(port_call::create, {.outcome = scim_outcome::invalid});
  r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
}

// ---- a site 8x8 does not define ------------------------------------------------------------------

// How many of the port's requests so far are `request`.
std::size_t sent(const scripted_port& port, const std::string& request) {
  return static_cast<std::size_t>(std::count(port.requests().begin(), port.requests().end(), request));
}

// A 400 to a create with a site no 8x8 user carries blames the site: one unknown_site action naming
// the site, where HR's value came from and who waits; the others with that site are not sent; nobody
// backs off. Later cycles wait (no POST, no lookup) until a full reconcile probes once more, or the
// action is resolved.
TEST_F(engine, ARefusedUnknownSiteIsOneActionAndItsPeopleWaitWithoutBackingOff) {
  auto zed = someone("900", "Zed", "Known");  // in 8x8, not in HR: shows "London HQ" is a real site
  port_.add(scim_object(zed, "z900"));
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder"),
         someone("102", "Cy", "Twombly")};
  hr_[0].site = hr_[1].site = "Nowhere";
  settings_.planner.map_entries = {{"office_site", "Nowhere Office", "Nowhere"},
                                   {"office_site", "London", "London HQ"}};
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "Invalid site"});
  auto r = run();

  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "POST u100@example.com", "POST u102@example.com"}))
      << "one POST for the refused site, not one per person";
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  EXPECT_EQ(r.exec.waiting_for_site, 2U);
  EXPECT_EQ(r.exec.failed, 0U);
  EXPECT_NE(r.end.error.find("2 writes wait for a site 8x8 refused"), std::string::npos) << r.end.error;
  auto actions = open_actions(manual_action_kind::unknown_site);
  ASSERT_EQ(actions.size(), 1U);
  EXPECT_EQ(actions[0].action.dedupe_key, "unknown_site:Nowhere");
  EXPECT_EQ(
      actions[0].action.text,
      "8x8 refused site \"Nowhere\" (400): it is not a site defined in Admin Console, or not spelt exactly "
      "as "
      "there. It comes from HR value \"Nowhere Office\" (maps.office_site). 2 people wait for it (HR keys "
      "100, 101). Define the site in Admin Console, or correct the map or the HR value. eightsync tries this "
      "site once more at the next full reconcile or when this action is resolved, and a changed site value "
      "at once.");
  EXPECT_FALSE(backs_off("100", r.cycle_id));
  EXPECT_FALSE(backs_off("101", r.cycle_id));
  EXPECT_EQ(store_.known_sites(), (strings{"London HQ"}));

  // An incremental cycle: they wait, without a POST or even a lookup.
  port_.clear_requests();
  r = run();
  EXPECT_EQ(sent(port_, "POST u100@example.com") + sent(port_, "FIND u100@example.com"), 0U);
  EXPECT_EQ(sent(port_, "POST u101@example.com") + sent(port_, "FIND u101@example.com"), 0U);

  // A full reconcile tries the site once more: one POST, refused again, the other not sent.
  port_.clear_requests();
  port_.script(port_call::create, {.outcome = scim_outcome::invalid});
  r = run(true);
  EXPECT_EQ(sent(port_, "POST u100@example.com"), 1U);
  EXPECT_EQ(sent(port_, "POST u101@example.com"), 0U);
  EXPECT_EQ(open_actions(manual_action_kind::unknown_site).size(), 1U) << "the same action, not a second";

  // The admin defines the site and resolves the action: the next cycle creates both.
  const std::vector<std::int64_t> ids{actions[0].id};
  EXPECT_EQ(audit_.resolve_manual_actions(ids, "admin", "defined the site"), 1U);
  port_.clear_requests();
  r = run();
  EXPECT_EQ(sent(port_, "POST u100@example.com"), 1U);
  EXPECT_EQ(sent(port_, "POST u101@example.com"), 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(store_.known_sites(), (strings{"London HQ", "Nowhere"})) << "accepted in a write: known";
}

// The map (or HR) now gives another site value: a new try at once, in an incremental cycle.
TEST_F(engine, AChangedSiteValueIsTriedAtOnce) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  hr_[0].site = "Nowhere";
  port_.script(port_call::create, {.outcome = scim_outcome::invalid});
  run();
  ASSERT_EQ(open_actions(manual_action_kind::unknown_site).size(), 1U);
  hr_[0].site = "Somewhere";
  port_.clear_requests();
  const auto r = run();
  EXPECT_EQ(sent(port_, "POST u100@example.com"), 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(store_.known_sites(), (strings{"Somewhere"}));
}

// A 400 to a write whose site 8x8 already shows on a user is not the site's fault: the user's
// failure, as any other refusal.
TEST_F(engine, A400ForAKnownSiteIsTheUsersFailure) {
  port_.add(scim_object(someone("900", "Zed", "Known"), "z900"));
  hr_ = {someone("100", "Ada", "Lovelace")};
  port_.script(port_call::create, {.outcome = scim_outcome::invalid});
  const auto r = run();
  EXPECT_EQ(r.exec.failed, 1U);
  EXPECT_EQ(r.exec.waiting_for_site, 0U);
  EXPECT_TRUE(open_actions(manual_action_kind::unknown_site).empty());
  EXPECT_TRUE(backs_off("100", r.cycle_id));
}

TEST_F(engine, AFailedReadMakesTheCyclePartial) {
  // Three links on pages of one: a GET for the one changed user costs less than the listing.
  settings_.planner.page_size = 1;
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  for (const auto* key : {"201", "202"}) {
    synced(someone(key, "Same", key), std::string("x") + key);
    hr_.push_back(someone(key, "Same", key));
  }
  bob.title = "Site Manager";
  hr_.push_back(bob);
  port_.script(port_call::get, {.outcome = scim_outcome::server});
  const auto r = run();
  EXPECT_EQ(port_.requests(), strings{"GET x200"}) << "incremental: one GET, no write without it";
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  EXPECT_EQ(r.read_failures, 1U);
  EXPECT_EQ(row(r).kind, cycle_kind::incremental);
}

TEST_F(engine, A401WhileListingEndsTheCycleAuthFailedWithNothingWritten) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  port_.script(port_call::list_page, {.outcome = scim_outcome::auth_failed});
  const auto r = run();
  EXPECT_EQ(port_.requests(), strings{"LIST 1"});
  EXPECT_EQ(r.end.outcome, cycle_outcome::auth_failed);
  EXPECT_NE(r.end.error.find("while reading; nothing was written"), std::string::npos);
  EXPECT_EQ(row(r).requests_sent, 1U);
}

TEST_F(engine, A401WhileWritingEndsTheCycleAuthFailed) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  port_.script(port_call::create, {.outcome = scim_outcome::auth_failed});
  const auto r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::auth_failed);
  EXPECT_NE(r.end.error.find("while writing u100@example.com"), std::string::npos);
}

TEST_F(engine, A401SettlingAnEarlierIntentStopsBeforeReadingHr) {
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "100";
  i.user_name = "u100@example.com";
  audit_.record_intent(begin_cycle(), i);
  audit_.mark_interrupted_cycles();
  port_.script(port_call::find, {.outcome = scim_outcome::auth_failed});
  hr_error_ = "must not be read";
  const auto r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::auth_failed);
  EXPECT_FALSE(r.planned);
  EXPECT_EQ(port_.requests(), strings{"FIND u100@example.com"});
}

TEST_F(engine, ForbiddenWritesForTwoUsersEndTheCycleWriteForbidden) {
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder"), someone("102", "Cy", "Cy")};
  port_.script(port_call::create, {.outcome = scim_outcome::write_forbidden});
  port_.script(port_call::create, {.outcome = scim_outcome::write_forbidden});
  const auto r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::write_forbidden);
  EXPECT_EQ(port_.requests().size(), 3U) << "one page and two POSTs; the third is not sent";
}

TEST_F(engine, ARejectedExportEndsTheCycleSourceRejectedAndSendsNothing) {
  hr_error_ = "/srv/hr.csv: no key column employee_id";
  const auto r = run();
  EXPECT_EQ(r.end.outcome, cycle_outcome::source_rejected);
  EXPECT_EQ(r.end.error, hr_error_);
  EXPECT_TRUE(port_.requests().empty());
  EXPECT_EQ(row(r).error, hr_error_);
}

TEST_F(engine, AStopBeforeTheWritesEndsTheCycleInterrupted) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  std::atomic<bool> stop{false};
  port_.before_each([&](const std::string&) { stop = true; });  // SIGTERM during the listing
  const auto r = run(false, &stop);
  EXPECT_EQ(port_.requests(), strings{"LIST 1"}) << "the page in flight finishes; no POST starts";
  EXPECT_EQ(r.end.outcome, cycle_outcome::interrupted);
  EXPECT_FALSE(store_.read_last_good_cycle());
}

TEST_F(engine, AStopForAReasonOtherThanASignalRecordsThatReason) {
  // `sync` stops its cycle when a request would wait longer than --max-wait: the audit row says so.
  hr_ = {someone("100", "Ada", "Lovelace")};
  std::atomic<bool> stop{false};
  port_.before_each([&](const std::string&) { stop = true; });
  settings_.stop_reason = [] { return std::string("8x8 asked eightsync to pause until later"); };
  const auto r = run(false, &stop);
  EXPECT_EQ(r.end.outcome, cycle_outcome::interrupted);
  EXPECT_EQ(r.end.error, "8x8 asked eightsync to pause until later");
  EXPECT_EQ(row(r).error, "8x8 asked eightsync to pause until later");
}

TEST_F(engine, AnOperationOverALimitHoldsTheCycle) {
  settings_.planner.safety.max_creates = 1;
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder")};
  const auto r = run();
  EXPECT_EQ(port_.requests(), strings{"LIST 1"});
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
  EXPECT_EQ(r.held, 2U);
  EXPECT_NE(r.end.error.find("eightsync approve " + std::to_string(r.cycle_id)), std::string::npos);
  EXPECT_EQ(audit_.held(r.cycle_id).size(), 2U);
  EXPECT_EQ(row(r).requests_planned, 1U) << "held writes are not planned to be sent";
}

TEST_F(engine, AnUnstartedCycleIsRecordedWithItsReason) {
  cycle_engine e(store_, audit_, clock_, log_);
  const auto r = e.record_unstarted(settings_, cycle_trigger::schedule, true, cycle_outcome::auth_failed,
                                    "no token in /etc/eightsync/token");
  const auto c = row(r);
  EXPECT_EQ(c.outcome, cycle_outcome::auth_failed);
  EXPECT_EQ(c.error, "no token in /etc/eightsync/token");
  EXPECT_EQ(c.kind, cycle_kind::full);
  EXPECT_EQ(c.trigger, cycle_trigger::schedule);
  EXPECT_TRUE(port_.requests().empty());
}

TEST_F(engine, OldCyclesArePrunedByTheRetention) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  const auto first = run();
  clock_.advance(std::chrono::hours{24 * 10});
  settings_.audit_retention = std::chrono::hours{24 * 5};
  run();
  EXPECT_FALSE(audit_.cycle(first.cycle_id)) << "ended more than 5 days ago";
}

// ---- follow-ups are raised with the outcome that makes them due ------------------------------

// A full disk while the create's outcome is recorded: the POST was applied, the outcome is not.
// The next cycle settles the intent by lookup, and the license reminder must come with it.
TEST_F(engine, ACreateSettledAtTheNextStartRaisesItsFollowUps) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  store_.database().exec(
      "CREATE TEMP TRIGGER disk_full BEFORE UPDATE OF outcome ON operations "
      "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
  EXPECT_THROW(run(), state_error);
  ASSERT_EQ(port_.size(), 1U) << "8x8 holds the user";
  ASSERT_EQ(audit_.unresolved_intents().size(), 1U);
  store_.database().exec("DROP TRIGGER disk_full");
  port_.clear_requests();

  const auto r = run();
  EXPECT_EQ(port_.requests(), (strings{"FIND u100@example.com", "LIST 1"}))
      << "settled by lookup, never resent";
  EXPECT_EQ(store_.find_link("100")->scim_id, "u1");
  const auto license = open_actions(manual_action_kind::assign_license);
  ASSERT_EQ(license.size(), 1U) << "a new hire in 8x8 has a license reminder";
  EXPECT_EQ(license[0].action.scim_id, "u1");
  EXPECT_EQ(open_actions(manual_action_kind::show_in_directory).size(), 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
}

// The follow-ups are written in the outcome's transaction: when they cannot be, the outcome is
// not either, and the next start settles the write and raises them then.
TEST_F(engine, FollowUpsAndTheOutcomeCommitTogether) {
  hr_ = {someone("100", "Ada", "Lovelace")};
  store_.database().exec(
      "CREATE TEMP TRIGGER disk_full BEFORE INSERT ON manual_actions "
      "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
  EXPECT_THROW(run(), state_error);
  EXPECT_EQ(audit_.unresolved_intents().size(), 1U) << "no outcome without its follow-ups";
  EXPECT_FALSE(store_.find_link("100"));
  store_.database().exec("DROP TRIGGER disk_full");

  run();
  EXPECT_EQ(open_actions(manual_action_kind::assign_license).size(), 1U);
  EXPECT_EQ(store_.find_link("100")->scim_id, "u1");
  EXPECT_EQ(port_.size(), 1U);
}

// A deactivation settled at the next start raises its reclaim reminder too.
TEST_F(engine, ADeactivationSettledAtTheNextStartRaisesItsReclaimAction) {
  auto cy = someone("300", "Cy", "Twombly");
  synced(cy, "x300");
  cy.active = false;
  hr_ = {cy};
  store_.database().exec(
      "CREATE TEMP TRIGGER disk_full BEFORE UPDATE OF outcome ON operations "
      "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
  EXPECT_THROW(run(true), state_error);
  store_.database().exec("DROP TRIGGER disk_full");
  run(true);
  EXPECT_EQ(open_actions(manual_action_kind::reclaim_license_and_number).size(), 1U);
}

// ---- approvals ----------------------------------------------------------------------------------

TEST_F(engine, ApprovedHeldOperationsRunInTheNextCycleAndCountAsPlanned) {
  settings_.planner.safety.max_creates = 1;
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder")};
  const auto held = run();
  ASSERT_EQ(held.end.outcome, cycle_outcome::held);
  ASSERT_EQ(audit_.record_approval(held.cycle_id, approval_scope::all, "tester"),
            audit_approval_result::recorded);
  port_.clear_requests();

  const auto r = run();
  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "POST u100@example.com", "POST u101@example.com"}));
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(r.held, 0U);
  EXPECT_EQ(row(r).requests_planned, 3U) << "the approved POSTs are planned requests";
  EXPECT_EQ(row(r).requests_sent, 3U);
  EXPECT_TRUE(audit_.pending_approvals().empty()) << "the approval is used up";
}

TEST_F(engine, AnApprovalReleasesOnlyWhatTheCycleStillPlans) {
  settings_.planner.safety.max_creates = 1;
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder")};
  const auto held = run();
  ASSERT_EQ(audit_.record_approval(held.cycle_id, approval_scope::creates, "tester"),
            audit_approval_result::recorded);
  hr_.pop_back();  // Bob left the export before the approval was applied
  settings_.planner.safety.max_creates = 0;
  port_.clear_requests();

  const auto r = run();
  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "POST u100@example.com"}));
  EXPECT_TRUE(audit_.pending_approvals().empty());
}

TEST_F(engine, AnApprovalOfDeactivationsReleasesNoCreate) {
  settings_.planner.safety.max_creates = 1;
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder")};
  const auto held = run();
  const auto res = audit_.record_approval(held.cycle_id, approval_scope::deactivations, "tester");
  EXPECT_EQ(res, audit_approval_result::nothing_held) << "nothing of that scope was held";
  port_.clear_requests();
  const auto r = run();
  EXPECT_EQ(port_.requests(), strings{"LIST 1"});
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
}

TEST_F(engine, ReleasedOperationsRunInPlanOrderLeaversFirst) {
  settings_.planner.safety.max_deactivations = 0;
  auto cy = someone("300", "Cy", "Twombly");
  synced(cy, "x300");
  cy.active = false;
  hr_ = {cy};
  const auto held = run(true);
  ASSERT_EQ(held.held, 1U) << "the deactivation";
  ASSERT_EQ(audit_.record_approval(held.cycle_id, approval_scope::deactivations, "tester"),
            audit_approval_result::recorded);
  port_.clear_requests();

  hr_.push_back(someone("100", "Ada", "Lovelace"));  // a create, planned and not held
  const auto r = run(true);
  EXPECT_EQ(port_.requests(),
            (strings{"GET x300", "PATCH x300 active=false", "LIST 1", "POST u100@example.com"}))
      << "the approved deactivation goes first, in the leaver pass, before the listing";
  EXPECT_TRUE(audit_.pending_approvals().empty()) << "the approval is used up";
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_TRUE(audit_.held(r.cycle_id).empty());
}

TEST_F(engine, AnApprovedShrunkExportsLeaversGoFirstAndTheCycleEndsOk) {
  for (int i = 0; i < 10; ++i) {
    auto p = someone(std::to_string(100 + i));
    synced(p, "x" + p.key);
    hr_.push_back(p);
  }
  ASSERT_EQ(run(true).end.outcome, cycle_outcome::ok);  // the shrink baseline: 10 rows
  settings_.planner.safety.max_source_shrink_percent = 10;
  hr_.resize(6);  // 4 people gone at once: held
  const auto held = run(true);
  ASSERT_EQ(held.end.outcome, cycle_outcome::held);
  ASSERT_EQ(held.held, 4U);
  ASSERT_EQ(audit_.record_approval(held.cycle_id, approval_scope::deactivations, "tester"),
            audit_approval_result::recorded);
  port_.clear_requests();

  const auto r = run(true);
  EXPECT_EQ(port_.requests().front(), "GET x106") << "the approved deactivations go first";
  EXPECT_EQ(port_.requests().back(), "LIST 1");
  EXPECT_EQ(r.exec.ok, 4U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok)
      << "the shrink trips again, but the operator accepted it and nothing is left to hold: " << r.end.error;
  EXPECT_EQ(store_.read_last_good_cycle()->source_rows, 6U) << "the baseline moves";
}

// ---- leavers first: their GET and PATCH before the listing, creates and updates --------------

class leavers_first : public engine {
 protected:
  person kept_ = someone("100", "Ada", "Lovelace");
  person other_ = someone("101", "Bob", "Builder");
  person flip_ = someone("200", "Cy", "Twombly");  // HR marks them as left
  person gone_ = someone("300", "Di", "Mare");     // their key left the export

  void SetUp() override {
    for (auto* p : {&kept_, &other_, &flip_, &gone_})
      synced(*p, "x" + p->key);
    flip_.active = false;
    hr_ = {kept_, other_, flip_};
  }
};

TEST_F(leavers_first, InAFullReconcileGoBeforeTheListingCreatesAndUpdates) {
  settings_.planner.page_size = 2;
  hr_[0].title = "Director";                      // an update
  hr_.push_back(someone("400", "Eve", "Stone"));  // a create
  const auto r = run(true);
  EXPECT_EQ(port_.requests(),
            (strings{"GET x200", "PATCH x200 active=false", "GET x300", "PATCH x300 active=false", "LIST 1",
                     "LIST 3", "POST u400@example.com", "PUT x100"}))
      << "each leaver: one GET, then its PATCH, before anything else";
  EXPECT_FALSE(port_.user("x200")->at("active").as_bool());
  EXPECT_FALSE(port_.user("x300")->at("active").as_bool());
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(r.end.requests_planned, r.end.requests_sent) << "the pass's requests are planned too";
  EXPECT_EQ(ops(r.cycle_id, audit_operation_kind::deactivate).size(), 2U) << "one audit row each";
}

TEST_F(leavers_first, InAnIncrementalCycleGoBeforeOtherUsersReads) {
  hr_[0].title = "Director";
  const auto r = run(false);
  ASSERT_GE(port_.requests().size(), 4U);
  EXPECT_EQ((strings{port_.requests().begin(), port_.requests().begin() + 4}),
            (strings{"GET x200", "PATCH x200 active=false", "GET x300", "PATCH x300 active=false"}));
  EXPECT_EQ(port_.requests().back(), "PUT x100");
  EXPECT_EQ(std::count(port_.requests().begin(), port_.requests().end(), "GET x200"), 1)
      << "the full plan does not read a leaver the pass deactivated again";
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
}

TEST_F(leavers_first, AReKeyedPersonIsReadButNotDeactivated) {
  auto rekeyed = gone_;
  rekeyed.user_name = gone_.un();
  rekeyed.key = "301";  // HR gave Di a new key; the row still carries her userName and email
  hr_ = {kept_, other_, flip_, rekeyed};
  run(true);
  EXPECT_EQ((strings{port_.requests().begin(), port_.requests().begin() + 3}),
            (strings{"GET x200", "PATCH x200 active=false", "LIST 1"}))
      << "state.db's userName for x300 is the new row's: not even read";
  EXPECT_EQ(std::count(port_.requests().begin(), port_.requests().end(), "PATCH x300 active=false"), 0)
      << "a new key matches the missing person: the full plan decides";
  EXPECT_TRUE(port_.user("x300")->at("active").as_bool());
}

TEST_F(leavers_first, ATruncatedExportSendsNoRequestBeforeTheListing) {
  for (int i = 0; i < 8; ++i) {
    auto p = someone(std::to_string(500 + i));
    synced(p, "x" + p.key);
    hr_.push_back(p);
  }
  hr_.push_back(gone_);
  hr_[2].active = true;  // a first good cycle with everyone
  ASSERT_EQ(run(true).end.outcome, cycle_outcome::ok);
  port_.clear_requests();
  settings_.planner.safety.max_source_shrink_percent = 20;
  hr_ = {kept_, other_, flip_};  // 3 of 12 rows: the export was cut short
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1"})) << "no GET, no PATCH: the shrink holds everything";
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
}

TEST_F(leavers_first, OverTheDeactivationLimitNoneIsReadAndAllAreHeld) {
  settings_.planner.safety.max_deactivations = 1;
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1"}));
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
  EXPECT_EQ(audit_.held(r.cycle_id).size(), 2U);
}

TEST_F(leavers_first, WhatThePassSentCountsTowardTheCyclesLimits) {
  settings_.planner.safety.max_deactivations = 1;
  audit_.record_user_failure("300", begin_cycle(), "boom");  // 300 backs off: the pass leaves it
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"GET x200", "PATCH x200 active=false", "LIST 1"}));
  const auto held = audit_.held(r.cycle_id);
  ASSERT_EQ(held.size(), 1U) << "1 sent + 300's = 2, over safety.max_deactivations (1)";
  EXPECT_EQ(held[0].hr_key, "300");
  EXPECT_THAT(held[0].hold.text, ::testing::HasSubstr("1 of them already sent this cycle"));
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
}

TEST_F(leavers_first, AnAdminsDeactivationSeenByTheGetSendsNoPatch) {
  (*port_.edit("x200"))["active"] = false;
  run(true);
  EXPECT_EQ(port_.requests(), (strings{"GET x200", "GET x300", "PATCH x300 active=false", "LIST 1"}));
}

TEST_F(leavers_first, AFailedGetLeavesTheLeaverToTheFullPlan) {
  port_.script(port_call::get, {.outcome = scim_outcome::server});
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"GET x200", "GET x300", "PATCH x300 active=false", "LIST 1",
                                       "PATCH x200 active=false"}));
  EXPECT_FALSE(port_.user("x200")->at("active").as_bool());
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
}

TEST_F(leavers_first, AProtectedLeaverIsNeverRead) {
  settings_.planner.protect = protect_list({"u200@example.com"});
  protect_ = settings_.planner.protect;
  run(true);
  EXPECT_EQ(port_.requests(), (strings{"GET x300", "PATCH x300 active=false", "LIST 1"}));
  EXPECT_TRUE(port_.user("x200")->at("active").as_bool());
}

// ---- a PUT whose copy grew stale while it waited its turn (invariant 2 at 8x8's pace) ---------

// Three linked users whose title HR changes. Each request takes the manual clock 7 minutes on, as
// 8x8's pace would: listed from t0 (a copy counts from when its request started), the first two
// PUTs go while their copy is at most 14 minutes old; the third's copy is 21 minutes old at its
// turn, over max_snapshot_age (15 minutes).
class stale_put : public engine {
 protected:
  person a_ = someone("100", "Ada", "Lovelace");
  person b_ = someone("101", "Bob", "Builder");
  person c_ = someone("102", "Cy", "Twombly");
  /// Runs at the request `line` (after the clock moved): an admin's edit, a protect entry …
  std::function<void(const std::string& line)> during_;

  void SetUp() override {
    synced(a_, "x100");
    synced(b_, "x101");
    synced(c_, "x102");
    for (auto* p : {&a_, &b_, &c_})
      p->title = "Director";
    hr_ = {a_, b_, c_};
    settings_.planner.max_snapshot_age = std::chrono::minutes(15);
    port_.before_each([this](const std::string& line) {
      clock_.advance(std::chrono::minutes(7));
      if (during_) during_(line);
    });
  }

  /// 8x8's copy of `id`, to change as an admin would while the second PUT is in flight.
  void while_second_put(std::function<void(json::object&)> edit) {
    during_ = [this, edit](const std::string& line) {
      if (line == "PUT x101") edit(*port_.edit("x102"));
    };
  }
};

TEST_F(stale_put, IsFetchedAgainAndKeepsAnAdminsEditOfAnAttributeTheMappingDoesNotOwn) {
  while_second_put([](json::object& u) { u["locale"] = "fr-FR"; });
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "PUT x100", "PUT x101", "GET x102", "PUT x102"}))
      << "only the PUT whose copy is older than max_snapshot_age is fetched again: no GET before every PUT";
  EXPECT_EQ(port_.user("x102")->at("locale"), "fr-FR") << "the admin's edit survives the PUT";
  EXPECT_EQ(port_.user("x102")->at("title"), "Director") << "and HR's change is made";
  EXPECT_EQ(r.exec.refetched, 1U);
  EXPECT_EQ(r.exec.deferred, 0U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);

  const auto looks = ops(r.cycle_id, audit_operation_kind::lookup);
  ASSERT_EQ(looks.size(), 1U) << "the audit shows the refetch";
  EXPECT_EQ(looks[0].intent.hr_key, "102");
  EXPECT_EQ(looks[0].intent.method, "GET");
  EXPECT_EQ(looks[0].intent.path, "/Users/x102");
  ASSERT_EQ(looks[0].intent.diffs.size(), 1U) << "what was planned";
  EXPECT_EQ(looks[0].intent.diffs[0].attr, attribute::title);
  EXPECT_THAT(looks[0].intent.reason, ::testing::HasSubstr("1260 s old; target.max_snapshot_age is 900 s"));
  EXPECT_THAT(looks[0].intent.reason, ::testing::HasSubstr("Decided again: send"));
  const auto puts = ops(r.cycle_id, audit_operation_kind::update);
  ASSERT_EQ(puts.size(), 3U);
  EXPECT_EQ(puts[2].intent.hr_key, "102");
  EXPECT_THAT(puts[2].intent.reason,
              ::testing::HasSubstr("Decided again on a copy fetched just before the PUT"));
  EXPECT_THAT(puts[2].intent.body_json, ::testing::HasSubstr("fr-FR")) << "what was sent";
}

TEST_F(stale_put, ANarrowerChangeIsSentAndTheAuditShowsPlannedAgainstSent) {
  c_.department = "Research";
  hr_[2] = c_;
  while_second_put(
      [](json::object& u) { u[scim_user_codec::enterprise_schema].as_object()["department"] = "Research"; });
  const auto r = run(true);
  EXPECT_EQ(port_.requests().back(), "PUT x102");
  const auto looks = ops(r.cycle_id, audit_operation_kind::lookup);
  ASSERT_EQ(looks.size(), 1U);
  EXPECT_EQ(looks[0].intent.diffs.size(), 2U) << "planned: title and department";
  EXPECT_THAT(looks[0].intent.reason, ::testing::HasSubstr("Decided again: narrowed"));
  const auto puts = ops(r.cycle_id, audit_operation_kind::update);
  ASSERT_EQ(puts.size(), 3U);
  ASSERT_EQ(puts[2].intent.diffs.size(), 1U) << "sent: the title only";
  EXPECT_EQ(puts[2].intent.diffs[0].attr, attribute::title);
}

TEST_F(stale_put, AChangeAlreadyMadeSendsNothingAndRecordsTheLinkInStep) {
  while_second_put([](json::object& u) { u["title"] = "Director"; });
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "PUT x100", "PUT x101", "GET x102"}));
  EXPECT_EQ(r.exec.deferred, 0U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(store_.find_link("102")->applied_hash, desired(c_).hash) << "the next cycle has nothing to read";
}

TEST_F(stale_put, AWiderChangeWaitsForTheNextPlan) {
  while_second_put(
      [](json::object& u) { u[scim_user_codec::enterprise_schema].as_object()["department"] = "Marketing"; });
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "PUT x100", "PUT x101", "GET x102"}))
      << "another owned attribute differs now: sending it would widen what this cycle planned";
  EXPECT_EQ(r.exec.deferred, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok) << "nothing failed: the next plan decides";
  EXPECT_EQ(port_.user("x102")->at("title"), "Account Executive");

  during_ = nullptr;
  port_.clear_requests();
  const auto next = run();
  EXPECT_EQ(port_.requests().back(), "PUT x102") << "HR's change still differs from what was applied";
  const auto puts = ops(next.cycle_id, audit_operation_kind::update);
  ASSERT_EQ(puts.size(), 1U);
  EXPECT_EQ(puts[0].intent.diffs.size(), 2U) << "the next plan decides on title and department";
}

TEST_F(stale_put, AUserAnAdminDeactivatedMeanwhileIsLeftToAPerson) {
  while_second_put([](json::object& u) { u["active"] = false; });
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1", "PUT x100", "PUT x101", "GET x102"}))
      << "neither the PUT nor a reactivation";
  EXPECT_EQ(r.exec.deferred, 1U);
  EXPECT_EQ(open_actions(manual_action_kind::admin_deactivated).size(), 1U);
  EXPECT_FALSE(port_.user("x102")->at("active").as_bool());
}

TEST_F(stale_put, AUserProtectedMeanwhileIsNotWritten) {
  during_ = [this](const std::string& line) {
    if (line == "PUT x101") settings_.planner.protect = protect_list({"u102@example.com"});
  };
  const auto r = run(true);
  EXPECT_EQ(port_.requests().back(), "GET x102");
  EXPECT_EQ(r.exec.deferred, 1U);
  EXPECT_THAT(ops(r.cycle_id, audit_operation_kind::lookup).at(0).intent.reason,
              ::testing::HasSubstr("protect list"));
}

TEST_F(stale_put, AFailedRefetchSendsNothingAndMakesTheCyclePartial) {
  port_.script(port_call::get, {.outcome = scim_outcome::not_found});
  const auto r = run(true);
  EXPECT_EQ(port_.requests().back(), "GET x102");
  EXPECT_EQ(r.exec.skipped, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  const auto puts = ops(r.cycle_id, audit_operation_kind::update);
  ASSERT_EQ(puts.size(), 3U);
  ASSERT_TRUE(puts[2].outcome);
  EXPECT_EQ(puts[2].outcome->outcome, audit_operation_outcome::skipped);
  EXPECT_THAT(puts[2].outcome->error_detail, ::testing::HasSubstr("reading the user again before the PUT"));
  EXPECT_FALSE(backs_off("102", r.cycle_id)) << "not the user's failure";
}

TEST_F(stale_put, AGarbledRefetchAnswerSendsNothing) {
  port_.script(port_call::get, {.resource = json::object{{"userName", "u102@example.com"}}});  // no id
  const auto r = run(true);
  EXPECT_EQ(port_.requests().back(), "GET x102") << "no PUT on an answer that is not a user";
  EXPECT_EQ(r.exec.skipped, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  const auto looks = ops(r.cycle_id, audit_operation_kind::lookup);
  ASSERT_EQ(looks.size(), 1U);
  ASSERT_TRUE(looks[0].outcome);
  EXPECT_EQ(looks[0].outcome->outcome, audit_operation_outcome::failed);
  EXPECT_THAT(looks[0].outcome->error_detail, ::testing::HasSubstr("8x8's answer is not a usable user"));
}

// The cycle's estimate counts the refetch its write phase needs at the configured rate.
TEST_F(stale_put, TheCyclesCostEstimateCountsTheRefetches) {
  // One request in 8 minutes: a PUT may wait 8 minutes to leave, so a copy older than 7 minutes
  // at its turn is fetched again: the second and third.
  settings_.planner.rate = plan_rate{1, std::chrono::minutes(8)};
  const auto r = run(true);
  EXPECT_EQ(port_.requests(),
            (strings{"LIST 1", "PUT x100", "GET x101", "PUT x101", "GET x102", "PUT x102"}));
  EXPECT_EQ(row(r).requests_planned, 6U) << "a page, three PUTs and two refetches";
  EXPECT_EQ(row(r).requests_sent, 6U);
}

// ---- source.max_age: an export that stopped arriving ------------------------------------------

TEST_F(engine, AnExportOlderThanMaxAgeHoldsTheDeactivationOfWhoeverIsMissing) {
  settings_.planner.source_max_age = std::chrono::hours(48);
  auto leaver = someone("300", "Cy", "Twombly");
  synced(leaver, "x300");
  auto gone = someone("301", "Di", "Twombly");
  synced(gone, "x301");
  leaver.active = false;  // HR marks them as left: a status flip still applies
  hr_ = {leaver};
  hr_changed_at_ = clock_.now() - std::chrono::hours(49);
  const auto r = run(true);
  EXPECT_EQ(port_.requests(), (strings{"GET x300", "PATCH x300 active=false", "LIST 1"}))
      << "301 is missing from an export that stopped arriving: not read, not deactivated";
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
  const auto held = audit_.held(r.cycle_id);
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].hr_key, "301");
  EXPECT_EQ(held[0].hold.reason, plan_hold_reason::export_stale);
  EXPECT_THAT(held[0].hold.text,
              ::testing::HasSubstr("last changed 2 d 1 h ago, longer than source.max_age (2 d)"));

  // A fresh export (still without 301): 301 is a leaver again.
  hr_changed_at_ = clock_.now();
  port_.clear_requests();
  run(true);
  EXPECT_EQ(port_.requests(), (strings{"GET x301", "PATCH x301 active=false", "LIST 1"}));
}

// ---- what `status` reads: the next lifecycle event, recorded by each cycle ---------------------

TEST_F(engine, EachCycleRecordsTheNextLifecycleEventOfItsExport) {
  settings_.planner.lifecycle.enabled = true;
  settings_.planner.lifecycle.provision_before_start = std::chrono::days{7};
  hr_ = {someone("100", "Ada", "Lovelace"), someone("101", "Bob", "Builder")};
  const auto s0 = std::chrono::floor<std::chrono::seconds>(t0);
  std::optional<std::chrono::sys_seconds> ada_ends = s0 + std::chrono::days{10};
  const std::chrono::sys_seconds bob_starts = s0 + std::chrono::days{30};
  bool dated = true;
  auto read = [&]() -> expected<hr_input, std::string> {
    auto in = *reader()();
    for (auto& u : in.mapped.users) {
      if (dated)
        u.set_window(u.key == "101" ? std::optional(bob_starts) : std::nullopt,
                     u.key == "100" ? ada_ends : std::nullopt);
    }
    return in;
  };
  auto recorded = [&] {
    cycle_engine e(store_, audit_, clock_, log_);
    run_awaitable(e.run(port_, read, settings_, cycle_trigger::cli, false, nullptr));
    const auto text = store_.next_lifecycle_event();
    EXPECT_TRUE(text) << "every cycle records it";
    return text.value_or("");
  };
  auto field = [](const std::string& text, const char* key) {
    return std::string(boost::json::parse(text).as_object().at(key).as_string());
  };

  // Ada (linked once the cycle created her) ends first; Bob is not created before his window.
  std::string next = recorded();
  EXPECT_EQ(field(next, "hr_key"), "100");
  EXPECT_EQ(field(next, "at"), "2024-06-13T09:00:00Z");
  EXPECT_EQ(field(next, "local"), "2024-06-13 09:00 UTC");
  EXPECT_EQ(field(next, "zone"), "UTC");
  EXPECT_EQ(field(next, "becomes"), "ended");
  EXPECT_EQ(field(next, "what"), "deactivated");
  EXPECT_EQ(field(next, "user_name"), "u100@example.com");
  EXPECT_EQ(field(next, "found_at"), "2024-06-03T09:00:00Z");

  // Her end date withdrawn: Bob's window is next, and nothing is linked to him.
  ada_ends.reset();
  next = recorded();
  EXPECT_EQ(field(next, "hr_key"), "101");
  EXPECT_EQ(field(next, "at"), "2024-06-26T09:00:00Z");
  EXPECT_EQ(field(next, "what"), "account created inactive");

  // No dates ahead: recorded as none, so status does not show a stale event.
  dated = false;
  EXPECT_EQ(recorded(), "");
}

}  // namespace
}  // namespace eightsync::core::engine_test
