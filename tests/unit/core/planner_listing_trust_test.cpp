// What a complete listing is trusted with (issue 13, finding 5): one that lost most of the linked
// users holds creates, adoptions and deactivations; a possible-duplicate conflict stays raised
// while its HR row is unchanged, whatever a later listing shows.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

// `linked` users in HR and linked, of whom the listing shows only `listed`; plus one new HR
// person (a create) and one linked person HR marks as left (a deactivation).
world listing_showing(int linked, int listed) {
  world w;
  for (int i = 0; i < linked; ++i) {
    const person p = someone("k" + std::to_string(1000 + i), "Given" + std::to_string(i), "Family");
    const std::string id = "a" + std::to_string(i);
    if (i < listed) w.add_remote(p, id);
    w.add_link(p, id);
    w.add_hr(p);
  }
  w.add_hr(someone("n1", "New", "Hire"));
  return w;
}

// A restart keeps the schedule: a full reconcile is due only when the last complete listing is
// at least schedule.full_reconcile old, or when there is none (manual clock: plain time points).
TEST(planner_listing_trust, AFullReconcileIsDueByTheLastCompleteListing) {
  using namespace std::chrono_literals;
  const auto listed = t0;
  EXPECT_TRUE(full_reconcile_due(std::nullopt, listed, 24h)) << "never listed completely";
  EXPECT_FALSE(full_reconcile_due(listed, listed + 1h, 24h)) << "a restart an hour later";
  EXPECT_FALSE(full_reconcile_due(listed, listed + 24h - 1ms, 24h));
  EXPECT_TRUE(full_reconcile_due(listed, listed + 24h, 24h)) << "due at the interval";
  EXPECT_TRUE(full_reconcile_due(listed, listed + 30 * 24h, 24h));
  EXPECT_TRUE(full_reconcile_due(listed + 1min, listed, 24h)) << "the clock stepped back: not trusted";
}

TEST(planner_listing_trust, AnEmptyCompleteListingHoldsCreates) {
  world w = listing_showing(10, 0);
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  ASSERT_EQ(count(p, operation_kind::create, true), 1U) << "the create waits";
  EXPECT_EQ(p.held[0].hold->reason, plan_hold_reason::listing_lost_users);
  ASSERT_FALSE(p.holds.empty());
  EXPECT_NE(p.holds.back().text.find("shows 0 of the 10 linked users"), std::string::npos)
      << p.holds.back().text;
  EXPECT_TRUE(actions(p, manual_action_kind::resolve_conflict).empty())
      << "no action per user the suspect listing left out";
}

TEST(planner_listing_trust, AListingThatLostMostLinkedUsersHoldsDeactivationsAndAdoptions) {
  world w = listing_showing(10, 4);
  // A linked user HR marks as left, and an unlinked 8x8 user a new row matches.
  auto leaver = someone("k1000", "Given0", "Family");
  leaver.active = false;
  w.hr[0] = desired(leaver);
  const person match = someone("m1", "Matched", "Person");
  w.add_hr(match);
  w.add_remote(match, "b1");
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  EXPECT_EQ(count(p, operation_kind::deactivate, true), 1U);
  EXPECT_EQ(count(p, operation_kind::adopt), 0U);
  EXPECT_EQ(count(p, operation_kind::adopt, true), 1U);
}

TEST(planner_listing_trust, AListingShowingTheLimitIsTrusted) {
  world w = listing_showing(10, 5);  // 50% of the linked users, the default limit
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 1U);
  EXPECT_TRUE(p.holds.empty());
}

TEST(planner_listing_trust, TheLimitIsAnOption) {
  world w = listing_showing(10, 5);
  w.options.safety.min_listed_linked_percent = 60;
  EXPECT_EQ(count(w.run(), operation_kind::create, true), 1U);
  w.options.safety.min_listed_linked_percent = 0;
  EXPECT_EQ(count(w.run(), operation_kind::create), 1U);
}

TEST(planner_listing_trust, AFirstCycleHasNoLinksToJudgeBy) {
  world w;
  w.add_hr(someone("n1", "New", "Hire"));
  EXPECT_EQ(count(w.run(), operation_kind::create), 1U);
}

// ---- a possible duplicate stays raised -------------------------------------------------------

struct duplicate_case {
  world w;
  desired_user row;
};

// Cycle one: a new HR row named like an unlinked, hand-made 8x8 user (a possible duplicate).
duplicate_case raised_duplicate() {
  duplicate_case c;
  const person jurgen = someone("j1", "Jürgen", "Müller");
  c.row = c.w.add_hr(jurgen);
  person lookalike = someone("hand", "Jürgen", "Müller");
  lookalike.user_name = "jmueller@example.com";
  c.w.add_remote(lookalike, "h1", true);
  c.w.remote_objects.back().erase("externalId");
  return c;
}

TEST(planner_listing_trust, APossibleDuplicateRemembersItsHrRow) {
  auto c = raised_duplicate();
  const plan p = c.w.run();
  const auto conflicts = actions(p, manual_action_kind::resolve_conflict);
  ASSERT_EQ(conflicts.size(), 1U);
  EXPECT_NE(conflicts[0]->dedupe_key.find(":possible_duplicate:"), std::string::npos);
  EXPECT_EQ(conflicts[0]->hr_hash, c.row.hash);
}

TEST(planner_listing_trust, AListingWithoutTheLookalikeDoesNotClearTheConflict) {
  auto c = raised_duplicate();
  const auto raised = *actions(c.w.run(), manual_action_kind::resolve_conflict)[0];
  c.w.state.open_actions.push_back({raised.kind, raised.hr_key, raised.dedupe_key, raised.hr_hash});
  c.w.remote_objects.clear();  // 8x8 now answers an empty, "complete" listing
  c.w.fetched.clear();
  const plan p = c.w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U) << "two accounts for one person";
  EXPECT_EQ(count(p, operation_kind::create, true), 0U);
  ASSERT_NE(find_conflict(p, "j1"), nullptr);
  EXPECT_EQ(find_conflict(p, "j1")->kind, plan_conflict_kind::possible_duplicate);
}

TEST(planner_listing_trust, AnActionRaisedBeforeRowsWereRememberedStillHolds) {
  auto c = raised_duplicate();
  const auto raised = *actions(c.w.run(), manual_action_kind::resolve_conflict)[0];
  c.w.state.open_actions.push_back({raised.kind, raised.hr_key, raised.dedupe_key, std::nullopt});
  c.w.remote_objects.clear();
  c.w.fetched.clear();
  EXPECT_EQ(count(c.w.run(), operation_kind::create), 0U);
}

TEST(planner_listing_trust, AChangedHrRowIsPlannedAfresh) {
  auto c = raised_duplicate();
  const auto raised = *actions(c.w.run(), manual_action_kind::resolve_conflict)[0];
  c.w.state.open_actions.push_back({raised.kind, raised.hr_key, raised.dedupe_key, raised.hr_hash});
  c.w.remote_objects.clear();
  c.w.fetched.clear();
  person renamed = someone("j1", "Jürgen", "Müller-Lüdenscheidt");
  c.w.hr[0] = desired(renamed);
  EXPECT_EQ(count(c.w.run(), operation_kind::create), 1U) << "HR changed the row: decided afresh";
}

}  // namespace
}  // namespace eightsync::core::planner_test
