// recheck_update and estimate_refetches: a PUT decided again on a fresh copy of its user never
// turns into another kind of operation, and never writes to a user whose link changed; a plan
// counts the refetches its write phase needs at the configured rate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/plan_render.hpp"
#include "core/update_recheck.hpp"
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

// HR gives `p` a new title; 8x8 and the link are as `p` was. Returns the PUT the plan makes.
plan_entry planned_title_change(world& w, person& p, const std::string& id) {
  w.add_remote(p, id, true, t0);
  w.add_link(p, id);
  p.title = "Director";
  w.add_hr(p);
  w.options.now = t0;
  const plan planned = w.run();
  EXPECT_EQ(planned.operations.size(), 1U);
  return planned.operations.at(0);
}

TEST(update_recheck, APlannedPutCarriesWhenItsCopyWasFetched) {
  world w;
  auto p = someone("100");
  const plan_entry e = planned_title_change(w, p, "x100");
  ASSERT_TRUE(e.fetched_at);
  EXPECT_EQ(*e.fetched_at, t0);
}

TEST(update_recheck, AUserToReactivateIsNotReactivatedHere) {
  world w;
  auto p = someone("100");
  const plan_entry e = planned_title_change(w, p, "x100");
  // Meanwhile eightsync's own earlier deactivation is what 8x8 shows: a rehire, a new kind.
  w.state.links[0].applied_active = false;
  auto fresh = scim_object(p, "x100", false);
  const auto d = recheck_update(e, desired(p), remote(fresh, t0 + 20min), w.state, w.options);
  EXPECT_EQ(d.verdict, recheck_verdict::deferred);
  EXPECT_THAT(d.reason, ::testing::HasSubstr("reactivate"));
}

TEST(update_recheck, AKeyLinkedElsewhereMeanwhileIsNotWritten) {
  world w;
  auto p = someone("100");
  const plan_entry e = planned_title_change(w, p, "x100");
  w.state.links[0].scim_id = "x999";
  const auto d =
      recheck_update(e, desired(p), remote(scim_object(p, "x100"), t0 + 20min), w.state, w.options);
  EXPECT_EQ(d.verdict, recheck_verdict::deferred);
  EXPECT_THAT(d.reason, ::testing::HasSubstr("no longer linked"));
}

TEST(update_recheck, AnotherKeyLinkedToTheSameUserIsAConflictForAPerson) {
  world w;
  auto p = someone("100");
  const plan_entry e = planned_title_change(w, p, "x100");
  w.add_link(someone("200"), "x100");
  const auto d = recheck_update(e, desired(p), remote(scim_object(someone("100"), "x100"), t0 + 20min),
                                w.state, w.options);
  EXPECT_EQ(d.verdict, recheck_verdict::left_alone);
  ASSERT_FALSE(d.manual_actions.empty());
  EXPECT_EQ(d.manual_actions[0].kind, manual_action_kind::resolve_conflict);
}

TEST(update_recheck, TheSameChangeIsSentBuiltOnTheFreshCopy) {
  world w;
  auto p = someone("100");
  const plan_entry e = planned_title_change(w, p, "x100");
  auto fresh = scim_object(someone("100"), "x100");
  fresh["timezone"] = "Europe/Paris";
  const auto d = recheck_update(e, desired(p), remote(fresh, t0 + 20min), w.state, w.options);
  ASSERT_EQ(d.verdict, recheck_verdict::send);
  EXPECT_EQ(d.entry.body.at("timezone"), "Europe/Paris");
  EXPECT_EQ(d.entry.body.at("title"), "Director");
}

TEST(estimate_refetches, CountsPutsWhoseCopyIsTooOldAtTheirTurn) {
  // One request a minute: the rate limiter spaces them 60.6 s apart (the window and its 1%
  // guard). Copies fetched at the start may be 3 minutes old, and a PUT may wait a minute to
  // leave, so one older than 2 minutes at its turn is fetched again. PUTs 1 and 2 leave at 0 and
  // 60.6 s; PUT 3's turn is 121.2 s (a GET first, its PUT at 181.8 s); PUT 4's is 242.4 s (a GET,
  // its PUT at 303 s); PUT 5's is 363.6 s: 3 refetches.
  std::vector<plan_entry> ops(5);
  for (auto& e : ops)
    e.fetched_at = t0;
  EXPECT_EQ(estimate_refetches(ops, t0, 3min, plan_rate{1, 1min}), 3U);
  EXPECT_EQ(estimate_refetches(ops, t0, 10min, plan_rate{1, 1min}), 0U);
  ops[0].kind = operation_kind::adopt;  // sends nothing: takes no turn
  ops[1].kind = operation_kind::deactivate;
  ops[1].fetched_at.reset();
  EXPECT_EQ(estimate_refetches(ops, t0, 3min, plan_rate{1, 1min}), 2U)
      << "the deactivation at 0 s, PUTs at 60.6 s and (after a GET) 181.8 s, and the last one's turn at "
         "242.4 s";
  EXPECT_EQ(estimate_refetches(ops, t0, 3min + 2s, plan_rate{1, 1min}), 1U)
      << "2 s more of age: the PUT whose turn is 121.2 s goes without a GET";
}

TEST(estimate_refetches, AWindowLongerThanTheLimitRefetchesEveryStaleCopy) {
  EXPECT_TRUE(too_old_to_send(t0, t0 + 1ms, 30s, plan_rate{10, 60s}));
  EXPECT_FALSE(too_old_to_send(t0, t0, 30s, plan_rate{10, 60s}));
  EXPECT_FALSE(too_old_to_send(t0, t0 + 14min, 15min, plan_rate{10, 60s}));
  EXPECT_TRUE(too_old_to_send(t0, t0 + 14min + 1ms, 15min, plan_rate{10, 60s}));
}

TEST(estimate_refetches, APlanStatesThemInItsCost) {
  world w;
  for (int i = 0; i < 3; ++i) {
    auto p = someone(std::to_string(100 + i));
    w.add_remote(p, "x" + std::to_string(100 + i), true, t0);
    w.add_link(p, "x" + std::to_string(100 + i));
    p.title = "Director";
    w.add_hr(p);
  }
  w.options.rate = plan_rate{1, 5min};
  w.options.max_snapshot_age = 12min;
  const plan p = w.run();
  EXPECT_EQ(p.cost.refetches, 1U)
      << "the third PUT's turn is two gaps (5 min and a 1 s guard each) on, and it may wait 5 min more";
  EXPECT_THAT(plan_text(p, w.options.rate), ::testing::HasSubstr("1 refetch (estimated"));
  EXPECT_EQ(plan_json(p, w.options.rate).at("cost").at("refetches"), 1);
}

}  // namespace
}  // namespace eightsync::core::planner_test
