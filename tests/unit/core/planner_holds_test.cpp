// Safety holds: each limit allows exactly its value and holds one more, and holds its whole kind.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

// `managed` synced users, of whom the first `leavers` left HR (missing from the export).
world with_leavers(int managed, int leavers) {
  world w;
  for (int i = 0; i < managed; ++i) {
    const person p = someone("k" + std::to_string(1000 + i));
    const std::string id = "a" + std::to_string(i);
    w.add_remote(p, id);
    w.add_link(p, id);
    if (i >= leavers) w.add_hr(p);
  }
  return w;
}

TEST(planner_holds, deactivations_at_max_are_not_held) {
  world w = with_leavers(100, 3);
  w.options.safety.max_deactivations = 3;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 3U);
  EXPECT_TRUE(p.held.empty());
  EXPECT_TRUE(p.holds.empty());
}

TEST(planner_holds, deactivations_over_max_are_held_whole) {
  world w = with_leavers(100, 4);
  w.options.safety.max_deactivations = 3;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  ASSERT_EQ(count(p, operation_kind::deactivate, true), 4U);
  for (const auto& e : p.held) {
    ASSERT_TRUE(e.hold.has_value());
    EXPECT_EQ(e.hold->reason, plan_hold_reason::max_deactivations);
  }
  ASSERT_EQ(p.holds.size(), 1U);
  EXPECT_EQ(p.holds[0].text, "4 deactivations exceed safety.max_deactivations (3).");
  EXPECT_EQ(p.held_writes, 4U);
  EXPECT_EQ(p.cost.writes, 0U);
}

TEST(planner_holds, deactivation_percent_of_managed_users) {
  world w = with_leavers(100, 5);
  w.options.safety.max_deactivation_percent = 5;
  EXPECT_TRUE(w.run().held.empty());  // 5 of 100 = 5%
  w = with_leavers(100, 6);
  w.options.safety.max_deactivation_percent = 5;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 6U);
  ASSERT_EQ(p.holds.size(), 1U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_deactivation_percent);
}

TEST(planner_holds, hr_inactive_rows_count_as_deactivations_too) {
  world w = with_leavers(100, 2);
  w.options.safety.max_deactivations = 2;
  person p = someone("k1050");
  p.active = false;
  for (auto& d : w.hr) {
    if (d.key == "k1050") d = desired(p);
  }
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::deactivate, true), 3U);
}

TEST(planner_holds, creates_over_max_are_held_whole) {
  world w;
  w.add_synced(someone("000"), "a0");
  for (int i = 0; i < 4; ++i)
    w.add_hr(someone("n" + std::to_string(i), "N" + std::to_string(i), "J"));
  w.options.safety.max_creates = 4;
  EXPECT_EQ(count(w.run(), operation_kind::create), 4U);
  w.options.safety.max_creates = 3;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  EXPECT_EQ(count(p, operation_kind::create, true), 4U);
  ASSERT_EQ(p.holds.size(), 1U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_creates);
}

TEST(planner_holds, updates_over_max_are_held_whole) {
  world w;
  for (int i = 0; i < 5; ++i) {
    person p = someone("k" + std::to_string(i));
    w.add_remote(p, "a" + std::to_string(i));
    w.add_link(p, "a" + std::to_string(i));
    p.title = "Changed";
    w.add_hr(p);
  }
  w.options.safety.max_updates = 5;
  EXPECT_EQ(count(w.run(), operation_kind::update), 5U);
  w.options.safety.max_updates = 4;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::update, true), 5U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_updates);
}

TEST(planner_holds, first_cycle_adoptions_count_against_update_limit) {
  world w;  // first cycle: no links; an account with hand-made users
  for (int i = 0; i < 3; ++i) {
    person p = someone("k" + std::to_string(i));
    w.add_hr(p);
    w.add_remote(p, "a" + std::to_string(i));  // adopt, no update
  }
  person drift = someone("k9");
  w.add_remote(drift, "a9");
  drift.title = "Changed";
  w.add_hr(drift);                   // adopt + update
  w.options.safety.max_updates = 5;  // 4 adoptions + 1 update
  plan p = w.run();
  EXPECT_TRUE(p.held.empty());
  w.options.safety.max_updates = 4;
  p = w.run();
  EXPECT_EQ(count(p, operation_kind::adopt, true), 4U);
  EXPECT_EQ(count(p, operation_kind::update, true), 1U);
  EXPECT_EQ(p.holds[0].text, "5 adoptions and updates on a first cycle exceed safety.max_updates (4).");
}

TEST(planner_holds, adoptions_over_max_are_held_whole_with_the_updates_that_wait_for_them) {
  world w;  // hand-made 8x8 users the export matches: adopting is for good, so it is counted
  for (int i = 0; i < 3; ++i) {
    person p = someone("k" + std::to_string(i));
    w.add_hr(p);
    w.add_remote(p, "a" + std::to_string(i));
  }
  person drift = someone("k9");
  w.add_remote(drift, "a9");
  drift.title = "Changed";
  w.add_hr(drift);  // adopt + update
  w.options.safety.max_adoptions = 4;
  plan p = w.run();
  EXPECT_TRUE(p.held.empty());
  EXPECT_EQ(count(p, operation_kind::adopt), 4U);
  w.options.safety.max_adoptions = 3;
  p = w.run();
  EXPECT_EQ(count(p, operation_kind::adopt), 0U);
  EXPECT_EQ(count(p, operation_kind::adopt, true), 4U);
  EXPECT_EQ(count(p, operation_kind::update, true), 1U);  // waits for its adoption
  ASSERT_FALSE(p.holds.empty());
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_adoptions);
  EXPECT_EQ(
      p.holds[0].text,
      "4 adoptions exceed safety.max_adoptions (3). An adopted user's names and email become read-only in "
      "Admin Console for good.");
}

TEST(planner_holds, source_shrink_holds_everything) {
  world w = with_leavers(100, 1);
  w.add_hr(someone("new", "New", "Joiner"));  // a create
  w.state.last_good = last_good_cycle{110, 100};
  w.options.safety.max_source_shrink_percent = 10;
  w.rows_read = 99;  // 110 → 99: exactly 10%
  EXPECT_TRUE(w.run().held.empty());
  w.rows_read = 98;  // 10.9%
  const plan p = w.run();
  EXPECT_TRUE(p.operations.empty());
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 1U);
  EXPECT_EQ(count(p, operation_kind::create, true), 1U);
  ASSERT_EQ(p.holds.size(), 1U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::source_shrink);
}

TEST(planner_holds, empty_source_never_turns_into_deactivations) {
  world w = with_leavers(5, 5);
  w.rows_read = 0;
  const plan p = w.run();
  EXPECT_TRUE(p.operations.empty());
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 5U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::empty_source);
}

TEST(planner_holds, key_churn_holds_everything) {
  // 100 managed; limit max(10, 20% of 100) = 20 new and 20 missing keys.
  const auto churn = [](int n) {
    world w = with_leavers(100, n);
    w.options.safety.key_churn_min = 10;
    w.options.safety.key_churn_percent = 20;
    for (int i = 0; i < n; ++i)
      w.add_hr(someone("new" + std::to_string(i), "N" + std::to_string(i), "K"));
    return w.run();
  };
  plan p = churn(20);
  EXPECT_TRUE(p.held.empty());
  EXPECT_EQ(count(p, operation_kind::deactivate), 20U);
  p = churn(21);
  EXPECT_TRUE(p.operations.empty());
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 21U);
  EXPECT_EQ(count(p, operation_kind::create, true), 21U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::key_churn);
}

TEST(planner_holds, a_re_keyed_export_raises_no_conflict_action_per_person) {
  // The same 30 people under new keys: each matches (by userName) an 8x8 user linked to its old
  // key. Held as key churn; the conflicts are planned but raise no manual action each.
  world w;
  for (int i = 0; i < 30; ++i) {
    person old_key = someone("k" + std::to_string(1000 + i));
    old_key.user_name = "person" + std::to_string(i) + "@example.com";
    const std::string id = "a" + std::to_string(i);
    w.add_remote(old_key, id);
    w.add_link(old_key, id);
    person new_key = old_key;
    new_key.key = "N" + std::to_string(1000 + i);
    w.add_hr(new_key);
  }
  w.options.safety.key_churn_min = 10;
  const plan p = w.run();
  ASSERT_FALSE(p.holds.empty());
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::key_churn);
  EXPECT_EQ(p.conflicts.size(), 30U);
  for (const auto& a : p.manual_actions)
    EXPECT_NE(a.kind, manual_action_kind::resolve_conflict) << a.hr_key << ": " << a.text;
  EXPECT_NE(p.holds[0].text.find("The 30 HR keys whose 8x8 user carries or is linked to another key raise no "
                                 "conflict action while this holds"),
            std::string::npos)
      << p.holds[0].text;
  EXPECT_TRUE(p.operations.empty());
}

TEST(planner_holds, quarantined_row_without_key_holds_missing_from_hr_deactivations) {
  world w = with_leavers(100, 1);
  person hr_leaver = someone("k1050");
  hr_leaver.active = false;
  for (auto& d : w.hr) {
    if (d.key == "k1050") d = desired(hr_leaver);
  }
  w.quarantined.push_back({12, 11, "", quarantine_reason::empty_key, "the key column is empty"});
  const plan p = w.run();
  // HR's own "inactive" is not in doubt; the missing key might be the quarantined row.
  ASSERT_EQ(count(p, operation_kind::deactivate), 1U);
  EXPECT_EQ(entries(p, operation_kind::deactivate)[0]->hr_key, "k1050");
  ASSERT_EQ(count(p, operation_kind::deactivate, true), 1U);
  EXPECT_EQ(p.held[0].hr_key, "k1000");
  EXPECT_EQ(p.held[0].hold->reason, plan_hold_reason::quarantined_without_key);
}

}  // namespace
}  // namespace eightsync::core::planner_test
