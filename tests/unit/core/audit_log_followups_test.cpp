// audit_log: what outlives a cycle: manual actions (deduplicated, resolved), approvals
// (consumed once), per-user backoff across cycles, and retention.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/audit_log.hpp"
#include "core/state_error.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using namespace std::chrono_literals;
using testing::test_url;

manual_action action(manual_action_kind kind, std::string key, std::string id, std::string value = "") {
  manual_action a;
  a.kind = kind;
  a.hr_key = std::move(key);
  a.scim_id = std::move(id);
  a.user_name = a.hr_key + "@example.com";
  a.text = std::string(enum_name(kind)) + " for " + a.hr_key;
  a.dedupe_key =
      std::string(enum_name(kind)) + ":" + a.hr_key + ":" + a.scim_id + (value.empty() ? "" : ":" + value);
  return a;
}

audit_cycle_end ended_as(cycle_outcome outcome) {
  audit_cycle_end e;
  e.outcome = outcome;
  return e;
}

plan_entry held_entry(operation_kind kind, std::string key) {
  plan_entry e;
  e.kind = kind;
  e.hr_key = std::move(key);
  e.scim_id = "id-" + e.hr_key;
  e.hold = plan_hold{plan_hold_reason::max_deactivations, "too many"};
  return e;
}

class audit_followups_test : public ::testing::Test {
 protected:
  manual_clock clock_;
  state_store store_{state_store::in_memory, test_url};
  audit_log log_{store_, clock_};

  std::int64_t cycle() {
    return log_.begin_cycle({cycle_kind::incremental, cycle_trigger::schedule, "", {}});
  }

  std::int64_t ended_cycle() {
    const auto id = cycle();
    log_.end_cycle(id, {});
    return id;
  }

  int count(const std::string& sql) { return store_.database().execAndGet(sql).getInt(); }
};

// ---- manual actions -----------------------------------------------------------------------------

TEST_F(audit_followups_test, a_manual_action_is_raised_once_while_open) {
  const auto c = cycle();
  const auto a = action(manual_action_kind::change_site, "00123", "id-123", "Austin");
  EXPECT_TRUE(log_.raise_manual_action(c, a));
  EXPECT_FALSE(log_.raise_manual_action(c, a));
  EXPECT_FALSE(log_.raise_manual_action(cycle(), a));
  // Another value asked for is another action.
  EXPECT_TRUE(
      log_.raise_manual_action(c, action(manual_action_kind::change_site, "00123", "id-123", "London")));
  EXPECT_EQ(count("SELECT count(*) FROM manual_actions"), 2);

  const auto open = log_.manual_actions(true);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].action.kind, manual_action_kind::change_site);
  EXPECT_EQ(open[0].action.hr_key, "00123");
  EXPECT_EQ(open[0].action.scim_id, "id-123");
  EXPECT_EQ(open[0].action.user_name, "00123@example.com");
  EXPECT_EQ(open[0].action.text, a.text);
  EXPECT_EQ(open[0].action.dedupe_key, "change_site:00123:id-123:Austin");
  EXPECT_TRUE(open[0].action.already_open);
  EXPECT_TRUE(open[0].open);
  EXPECT_EQ(open[0].raised_in_cycle, c);
  EXPECT_EQ(open[0].raised_at, clock_.now());
  EXPECT_FALSE(open[0].resolved_at.has_value());
}

TEST_F(audit_followups_test, resolving_by_id_records_who_and_when_and_allows_raising_again) {
  const auto c = cycle();
  const auto a = action(manual_action_kind::assign_license, "00123", "id-123");
  log_.raise_manual_action(c, a);
  log_.raise_manual_action(c, action(manual_action_kind::show_in_directory, "00123", "id-123"));
  const auto id = log_.manual_actions(true)[0].id;

  clock_.advance(1h);
  const std::vector<std::int64_t> ids{id, id, 9999};
  EXPECT_EQ(log_.resolve_manual_actions(ids, "alice", "licensed by hand"), 1u);
  EXPECT_EQ(log_.resolve_manual_actions(ids, "alice"), 0u);
  EXPECT_EQ(log_.resolve_manual_actions({}, "alice"), 0u);

  const auto all = log_.manual_actions(false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].open);
  EXPECT_FALSE(all[0].action.already_open);
  EXPECT_EQ(all[0].resolved_at, clock_.now());
  EXPECT_EQ(all[0].resolved_by, "alice");
  EXPECT_EQ(all[0].note, "licensed by hand");
  EXPECT_TRUE(all[1].open);
  EXPECT_EQ(log_.manual_actions(true).size(), 1u);

  // Resolved, the same follow-up may be raised again (the partial unique index is on open ones).
  EXPECT_TRUE(log_.raise_manual_action(cycle(), a));
  EXPECT_EQ(log_.manual_actions(true).size(), 2u);
}

TEST_F(audit_followups_test, resolving_by_kind) {
  const auto c = cycle();
  log_.raise_manual_action(c, action(manual_action_kind::assign_license, "1", "a"));
  log_.raise_manual_action(c, action(manual_action_kind::assign_license, "2", "b"));
  log_.raise_manual_action(c, action(manual_action_kind::resolve_conflict, "3", ""));
  EXPECT_EQ(log_.resolve_manual_actions_of_kind(manual_action_kind::assign_license, "bob"), 2u);
  EXPECT_EQ(log_.resolve_manual_actions_of_kind(manual_action_kind::assign_license, "bob"), 0u);
  const auto open = log_.manual_actions(true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].action.kind, manual_action_kind::resolve_conflict);
  EXPECT_EQ(open[0].action.scim_id, "");
}

// ---- approvals ----------------------------------------------------------------------------------

TEST_F(audit_followups_test, an_approval_is_recorded_only_for_a_cycle_that_held_what_it_covers) {
  const auto held = cycle();
  log_.record_held(held, std::vector<plan_entry>{held_entry(operation_kind::deactivate, "1"),
                                                 held_entry(operation_kind::reactivate, "2")});
  log_.end_cycle(held, ended_as(cycle_outcome::held));
  const auto quiet = ended_cycle();

  EXPECT_EQ(log_.record_approval(999, approval_scope::all, "alice"), audit_approval_result::no_such_cycle);
  EXPECT_EQ(log_.record_approval(quiet, approval_scope::all, "alice"), audit_approval_result::nothing_held);
  EXPECT_EQ(log_.record_approval(held, approval_scope::creates, "alice"),
            audit_approval_result::nothing_held);
  EXPECT_TRUE(log_.pending_approvals().empty());

  clock_.advance(10min);
  EXPECT_EQ(log_.record_approval(held, approval_scope::deactivations, "alice"),
            audit_approval_result::recorded);
  EXPECT_EQ(log_.record_approval(held, approval_scope::deactivations, "bob"),
            audit_approval_result::already_approved);
  // A reactivation counts as an update.
  EXPECT_EQ(log_.record_approval(held, approval_scope::updates, "bob"), audit_approval_result::recorded);
  EXPECT_EQ(log_.record_approval(held, approval_scope::all, "carol"), audit_approval_result::recorded);
  EXPECT_EQ(log_.record_approval(held, approval_scope::updates, "carol"),
            audit_approval_result::already_approved);

  const auto pending = log_.pending_approvals();
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].cycle_id, held);
  EXPECT_EQ(pending[0].scope, approval_scope::deactivations);
  EXPECT_EQ(pending[0].approved_by, "alice");
  EXPECT_EQ(pending[0].approved_at, clock_.now());
  EXPECT_FALSE(pending[0].consumed_in_cycle.has_value());
  EXPECT_EQ(pending[2].scope, approval_scope::all);
}

TEST_F(audit_followups_test, an_approval_is_consumed_once) {
  const auto held = cycle();
  log_.record_held(held, std::vector<plan_entry>{held_entry(operation_kind::create, "1")});
  log_.end_cycle(held, ended_as(cycle_outcome::held));
  ASSERT_EQ(log_.record_approval(held, approval_scope::creates, "alice"), audit_approval_result::recorded);
  const auto id = log_.pending_approvals().at(0).id;

  const auto applying = cycle();
  const std::vector<std::int64_t> ids{id};
  EXPECT_EQ(log_.consume_approvals(ids, applying), 1u);
  EXPECT_TRUE(log_.pending_approvals().empty());
  const auto again = cycle();
  EXPECT_EQ(log_.consume_approvals(ids, again), 0u);
  EXPECT_EQ(count("SELECT consumed_in_cycle FROM approvals"), applying);
  // Consumed, the same scope may be approved again (a later hold of the same cycle's data).
  EXPECT_EQ(log_.record_approval(held, approval_scope::creates, "alice"), audit_approval_result::recorded);
}

TEST(approval_scope, covers_the_documented_kinds) {
  EXPECT_TRUE(approval_covers(approval_scope::all, operation_kind::deactivate));
  EXPECT_TRUE(approval_covers(approval_scope::deactivations, operation_kind::deactivate));
  EXPECT_FALSE(approval_covers(approval_scope::deactivations, operation_kind::update));
  EXPECT_TRUE(approval_covers(approval_scope::creates, operation_kind::create));
  EXPECT_FALSE(approval_covers(approval_scope::creates, operation_kind::adopt));
  EXPECT_TRUE(approval_covers(approval_scope::updates, operation_kind::update));
  EXPECT_TRUE(approval_covers(approval_scope::updates, operation_kind::reactivate));
  EXPECT_TRUE(approval_covers(approval_scope::updates, operation_kind::adopt));
  EXPECT_FALSE(approval_covers(approval_scope::updates, operation_kind::deactivate));
  EXPECT_EQ(enum_from_name<approval_scope>("deactivations"), approval_scope::deactivations);
  EXPECT_FALSE(enum_from_name<approval_scope>("Deactivations").has_value());
}

// ---- backoff ------------------------------------------------------------------------------------

TEST_F(audit_followups_test, a_failing_user_backs_off_1_2_4_cycles_capped_at_64) {
  std::int64_t c = 10;
  const std::vector<std::int64_t> expected_skip{1, 2, 4, 8, 16, 32, 64, 64, 64};
  for (std::size_t i = 0; i < expected_skip.size(); ++i) {
    log_.record_user_failure("00123", c, "500 Internal Server Error");
    const auto all = log_.failing_users();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].failures, i + 1);
    EXPECT_EQ(all[0].retry_after_cycle, c + expected_skip[i] + 1) << "failure " << i + 1;
    // Skipped in each of the next `skip` cycles, tried again after.
    EXPECT_EQ(log_.users_in_backoff(c + 1).size(), 1u);
    EXPECT_EQ(log_.users_in_backoff(c + expected_skip[i]).size(), 1u);
    EXPECT_TRUE(log_.users_in_backoff(c + expected_skip[i] + 1).empty());
    c = c + expected_skip[i] + 1;
  }
}

TEST_F(audit_followups_test, two_failures_in_one_cycle_count_once_and_success_clears) {
  clock_.advance(1min);
  const auto first = clock_.now();
  log_.record_user_failure("00123", 5, "reactivate failed: 500");
  clock_.advance(1s);
  log_.record_user_failure("00123", 5, "update failed: Bearer abc");
  log_.record_user_failure("00999", 5, "409");
  auto in = log_.users_in_backoff(6);
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].hr_key, "00123");
  EXPECT_EQ(in[0].failures, 1u);
  EXPECT_EQ(in[0].retry_after_cycle, 7);
  EXPECT_EQ(in[0].last_error, "update failed: Bearer [redacted]");
  EXPECT_EQ(in[0].first_failed_at, first);
  EXPECT_EQ(in[0].last_failed_at, clock_.now());

  log_.record_user_success("00123");
  log_.record_user_success("nobody");
  in = log_.users_in_backoff(6);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].hr_key, "00999");
  // After a success the count starts over.
  log_.record_user_failure("00123", 8, "500");
  EXPECT_EQ(log_.failing_users()[0].failures, 1u);
  EXPECT_EQ(log_.failing_users()[0].retry_after_cycle, 10);
}

// ---- retention ----------------------------------------------------------------------------------

TEST_F(audit_followups_test, prune_removes_old_cycles_but_keeps_what_is_still_needed) {
  auto day = [&] { clock_.advance(24h); };
  audit_intent op;
  op.kind = audit_operation_kind::update;
  op.hr_key = "00123";
  op.scim_id = "id-123";
  audit_outcome ok;
  ok.status = 200;

  // 1: old, done, with an operation, a quarantined row, a held op, a resolved action, an open action.
  const auto c1 = cycle();
  log_.record_outcome(log_.record_intent(c1, op), ok);
  log_.record_quarantined(c1,
                          std::vector<quarantined_row>{{2, 1, "", quarantine_reason::empty_key, "empty"}});
  log_.record_held(c1, std::vector<plan_entry>{held_entry(operation_kind::deactivate, "9")});
  log_.raise_manual_action(c1, action(manual_action_kind::assign_license, "00123", "id-123"));
  log_.raise_manual_action(c1, action(manual_action_kind::show_in_directory, "00123", "id-123"));
  log_.resolve_manual_actions_of_kind(manual_action_kind::assign_license, "alice");
  log_.end_cycle(c1, {});
  day();
  // 2: old, but an intent was never resolved.
  const auto c2 = cycle();
  log_.record_intent(c2, op);
  log_.end_cycle(c2, ended_as(cycle_outcome::partial));
  day();
  // 3: old and held, with a pending approval.
  const auto c3 = cycle();
  log_.record_held(c3, std::vector<plan_entry>{held_entry(operation_kind::deactivate, "8")});
  log_.end_cycle(c3, ended_as(cycle_outcome::held));
  ASSERT_EQ(log_.record_approval(c3, approval_scope::all, "bob"), audit_approval_result::recorded);
  day();
  // 4: old and held, with an approval that cycle 5 consumes.
  const auto c4 = cycle();
  log_.record_held(c4, std::vector<plan_entry>{held_entry(operation_kind::create, "7")});
  log_.end_cycle(c4, ended_as(cycle_outcome::held));
  ASSERT_EQ(log_.record_approval(c4, approval_scope::all, "bob"), audit_approval_result::recorded);
  const std::vector<std::int64_t> consumed{log_.pending_approvals().back().id};
  day();
  const auto cutoff = clock_.now();
  day();
  // 5: recent; consumes 4's approval.
  const auto c5 = ended_cycle();
  log_.consume_approvals(consumed, c5);
  day();

  // Removed: cycle 1 (1 operation, 1 quarantined, 1 held) and its resolved action, cycle 4 (1
  // held, 1 approval).
  EXPECT_EQ(log_.prune(cutoff), 4u + 1u + 3u);
  EXPECT_FALSE(log_.cycle(c1).has_value());
  EXPECT_TRUE(log_.cycle(c2).has_value());
  EXPECT_TRUE(log_.cycle(c3).has_value());
  EXPECT_FALSE(log_.cycle(c4).has_value());
  EXPECT_TRUE(log_.cycle(c5).has_value());
  EXPECT_EQ(log_.unresolved_intents().size(), 1u);
  EXPECT_EQ(log_.pending_approvals().size(), 1u);
  EXPECT_EQ(log_.held(c3).size(), 1u);
  const auto actions = log_.manual_actions(false);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_TRUE(actions[0].open);
  EXPECT_FALSE(actions[0].raised_in_cycle.has_value());
  EXPECT_EQ(count("SELECT count(*) FROM quarantined_rows"), 0);
  EXPECT_EQ(log_.prune(cutoff), 0u);
  EXPECT_EQ(store_.database().execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST_F(audit_followups_test, prune_never_removes_the_last_cycle_or_a_running_one) {
  const auto running = cycle();
  clock_.advance(1h);
  const auto last = ended_cycle();
  clock_.advance(400 * 24h);
  EXPECT_EQ(log_.prune(clock_.now()), 0u);
  EXPECT_TRUE(log_.cycle(running).has_value());
  EXPECT_TRUE(log_.cycle(last).has_value());
  // A new cycle ids after the last one, even once older ones are gone.
  const auto next = ended_cycle();
  EXPECT_EQ(log_.mark_interrupted_cycles(), 1u);
  clock_.advance(1h);
  EXPECT_EQ(log_.prune(clock_.now()), 2u);
  EXPECT_FALSE(log_.cycle(running).has_value());
  EXPECT_FALSE(log_.cycle(last).has_value());
  EXPECT_TRUE(log_.cycle(next).has_value());
  EXPECT_GT(cycle(), next);
}

}  // namespace
}  // namespace eightsync::core

// Migration 0006: an intent keeps its follow-ups, and an action the HR row it was raised for.
namespace eightsync::core {
namespace {

TEST(audit_log_0006, AnIntentKeepsItsFollowUpsUntilItIsSettled) {
  manual_clock clock;
  state_store store(state_store::in_memory, testing::test_url);
  audit_log log(store, clock);
  const auto cycle = log.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "100";
  i.user_name = "ada@example.com";
  manual_action m;
  m.kind = manual_action_kind::assign_license;
  m.hr_key = "100";
  m.user_name = "ada@example.com";
  m.text = "Assign an X Series license to ada@example.com \"now\".";
  m.dedupe_key = "assign_license:100:";
  i.follow_ups = {m};
  log.record_intent(cycle, i);
  const auto pending = log.unresolved_intents();
  ASSERT_EQ(pending.size(), 1U);
  ASSERT_EQ(pending[0].intent.follow_ups.size(), 1U);
  const auto& back = pending[0].intent.follow_ups[0];
  EXPECT_EQ(back.kind, manual_action_kind::assign_license);
  EXPECT_EQ(back.text, m.text);
  EXPECT_EQ(back.dedupe_key, m.dedupe_key);
  EXPECT_EQ(back.user_name, m.user_name);
}

TEST(audit_log_0006, AnActionKeepsTheHashOfItsHrRow) {
  manual_clock clock;
  state_store store(state_store::in_memory, testing::test_url);
  audit_log log(store, clock);
  const auto cycle = log.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});
  manual_action m;
  m.kind = manual_action_kind::resolve_conflict;
  m.hr_key = "100";
  m.text = "Resolve a conflict";
  m.dedupe_key = "resolve_conflict:100::possible_duplicate:x1";
  m.hr_hash = 0x0123456789abcdefULL;
  ASSERT_TRUE(log.raise_manual_action(cycle, m));
  const auto open = log.manual_actions(true);
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].action.hr_hash, 0x0123456789abcdefULL);
}

}  // namespace
}  // namespace eightsync::core
