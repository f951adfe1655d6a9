// The leaver pass's pure parts: whom it reads (leaver_reads), the copies it first plans on
// (assumed_active), what it sends of a plan (first_leavers), and the deactivation limits counting
// what a cycle already sent (planner_options::deactivations_this_cycle).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/leaver_pass.hpp"
#include "unit/core/planner_test_support.hpp"

namespace eightsync::core {
namespace {

using namespace planner_test;

std::vector<std::string> keys_of(const std::vector<needed_read>& reads) {
  std::vector<std::string> out;
  for (const auto& r : reads)
    out.push_back(r.hr_key);
  return out;
}

std::vector<std::string> leaver_keys(const world& w) {
  return keys_of(leaver_reads(w.mapping(), w.state, w.options));
}

using strings = std::vector<std::string>;

TEST(leaver_reads, NamesAStatusFlipAndAKeyThatLeftTheExport) {
  world w;
  auto flip = someone("200");
  w.add_synced(flip, "x200");
  w.hr.back().active = false;            // HR marks them as left
  w.add_link(someone("300"), "x300");    // no HR row any more
  w.add_synced(someone("100"), "x100");  // in step
  const auto reads = leaver_reads(w.mapping(), w.state, w.options);
  ASSERT_EQ(keys_of(reads), (strings{"200", "300"}));
  EXPECT_EQ(reads[0].kind, read_kind::get_by_id);
  EXPECT_EQ(reads[0].target, "x200");
  EXPECT_EQ(reads[1].target, "x300");
}

TEST(leaver_reads, LeavesOutWhoStateDbAlreadyRecordsDeactivated) {
  world w;
  auto gone = someone("200");
  gone.active = false;
  w.add_synced(gone, "x200");  // deactivated by an earlier cycle: applied_active false
  w.add_link(someone("300"), "x300", false);
  EXPECT_TRUE(leaver_keys(w).empty()) << "the full plan decides whether 8x8 still agrees";
}

TEST(leaver_reads, LeavesOutTheProtectListAndAQuarantinedRowsKey) {
  world w;
  w.options.protect = protect_list({"u3*@example.com"});
  w.add_link(someone("300"), "x300");  // protected
  w.add_link(someone("400"), "x400");  // its row was quarantined
  w.quarantined.push_back({4, 4, "400", quarantine_reason::field_count, "bad row"});
  auto flip = someone("310");
  w.add_synced(flip, "x310");  // protected too
  w.hr.back().active = false;
  EXPECT_TRUE(leaver_keys(w).empty());
}

TEST(leaver_reads, AMissingKeyIsNoLeaverWhenMissingFromSourceIsIgnore) {
  world w;
  w.options.leavers.missing_from_source = leaver_action::ignore;
  w.add_link(someone("300"), "x300");
  auto flip = someone("200");
  w.add_synced(flip, "x200");
  w.hr.back().active = false;
  EXPECT_EQ(leaver_keys(w), (strings{"200"})) << "a status flip still is";
}

TEST(assumed_active, IsEachLinkAsStateDbKnowsItActiveAndFetchedNow) {
  world w;
  w.add_link(someone("300"), "x300");
  w.add_link(someone("400"), "x400");
  const std::vector<needed_read> reads{{read_kind::get_by_id, "400", "x400", "why"}};
  const auto s = assumed_active(reads, w.state, t0);
  ASSERT_EQ(s.users.size(), 1U);
  EXPECT_EQ(s.users[0].id(), "x400");
  EXPECT_EQ(s.users[0].get(attribute::user_name), "u400@example.com");
  EXPECT_TRUE(s.users[0].active());
  EXPECT_EQ(s.users[0].fetched_at(), t0);
  EXPECT_FALSE(s.full_listing) << "nobody else is taken as gone";
}

TEST(first_leavers, KeepsOnlyTheNamedDeactivationsNotHeld) {
  world w;
  w.add_link(someone("300"), "x300");
  w.add_remote(someone("300"), "x300");
  w.add_link(someone("310"), "x310");
  w.add_remote(someone("310"), "x310");
  auto changed = someone("100");
  w.add_synced(changed, "x100");
  w.hr.back() = desired([&] {
    auto p = changed;
    p.title = "Director";
    return p;
  }());
  w.add_hr(someone("500"));  // a create
  w.looked_up = {"u500@example.com"};
  const plan p = w.run();
  ASSERT_EQ(count(p, operation_kind::deactivate), 2U);
  ASSERT_EQ(count(p, operation_kind::update), 1U);
  ASSERT_EQ(count(p, operation_kind::create), 1U);
  const std::vector<needed_read> reads{{read_kind::get_by_id, "310", "x310", "why"}};
  const plan first = first_leavers(p, reads);
  ASSERT_EQ(first.operations.size(), 1U);
  EXPECT_EQ(first.operations[0].hr_key, "310");
  EXPECT_EQ(first.operations[0].kind, operation_kind::deactivate);
  EXPECT_EQ(first.cost.writes, 1U);
  EXPECT_TRUE(first.held.empty());
  EXPECT_TRUE(first.link_refreshes.empty());
}

TEST(first_leavers, ReleaseAHeldDeactivationAnOperatorApproved) {
  world w;
  w.add_synced(someone("100"), "x100");
  w.options.safety.max_deactivations = 0;
  for (const auto* key : {"300", "310"}) {
    w.add_link(someone(key), std::string("x") + key);
    w.add_remote(someone(key), std::string("x") + key);
  }
  const plan p = w.run();
  ASSERT_EQ(count(p, operation_kind::deactivate, true), 2U);
  const std::vector<needed_read> reads{{read_kind::get_by_id, "300", "x300", "why"},
                                       {read_kind::get_by_id, "310", "x310", "why"}};
  const plan first = first_leavers(p, reads, {"310"});
  ASSERT_EQ(first.operations.size(), 1U);
  EXPECT_EQ(first.operations[0].hr_key, "310");
  EXPECT_FALSE(first.operations[0].hold) << "sent, not held";
  ASSERT_EQ(first.held.size(), 1U);
  EXPECT_EQ(first.held[0].hr_key, "300");
}

TEST(first_leavers, LeaveOutAMissingPersonANewKeyMatches) {
  world w;
  w.full_listing = false;  // the pass plans on one fresh GET
  w.complete = false;
  w.add_synced(someone("100"), "x100");
  const auto gone = someone("300");
  w.add_link(gone, "x300");
  w.add_remote(gone, "x300");
  auto rekeyed = gone;
  rekeyed.user_name = gone.un();
  rekeyed.key = "301";  // the same person under a new HR key: same userName and email
  w.add_hr(rekeyed);
  const std::vector<needed_read> reads{{read_kind::get_by_id, "300", "x300", "why"}};
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  EXPECT_TRUE(first_leavers(p, reads).operations.empty());
}

TEST(leaver_pass_gets, AreOneGetPerLeaverDeactivatedAfterAFullListingOnly) {
  world w;
  w.add_synced(someone("100"), "x100");
  for (const auto* key : {"300", "310"}) {
    w.add_link(someone(key), std::string("x") + key);
    w.add_remote(someone(key), std::string("x") + key);
  }
  const plan p = w.run();
  ASSERT_EQ(count(p, operation_kind::deactivate), 2U);
  const auto leavers = leaver_reads(w.mapping(), w.state, w.options);
  EXPECT_EQ(leaver_pass_gets(p, true, leavers), 2U)
      << "each read again before its PATCH, ahead of the listing";
  EXPECT_EQ(leaver_pass_gets(p, false, leavers), 0U) << "per-user reads: the plan's own GET is the pass's";
  EXPECT_EQ(leaver_pass_gets(p, true, {}), 0U);
}

TEST(deactivations_this_cycle, CountWithThePlansOwnAgainstMaxDeactivations) {
  world w;
  w.add_synced(someone("100"), "x100");
  w.options.safety.max_deactivations = 2;
  w.add_link(someone("300"), "x300");
  w.add_remote(someone("300"), "x300");
  w.options.deactivations_this_cycle = 1;
  EXPECT_EQ(count(w.run(), operation_kind::deactivate), 1U) << "1 + 1 is within 2";
  w.options.deactivations_this_cycle = 2;
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::deactivate), 0U);
  ASSERT_EQ(count(p, operation_kind::deactivate, true), 1U);
  ASSERT_EQ(p.holds.size(), 1U);
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_deactivations);
  EXPECT_EQ(p.holds[0].text,
            "3 deactivations (2 of them already sent this cycle) exceed safety.max_deactivations (2).");
}

TEST(deactivations_this_cycle, CountAgainstTheDeactivationPercentage) {
  world w;
  w.options.safety.max_deactivation_percent = 10;
  for (int i = 0; i < 20; ++i)
    w.add_synced(someone(std::to_string(100 + i)), "x" + std::to_string(100 + i));
  w.add_link(someone("300"), "x300");
  w.add_remote(someone("300"), "x300");
  EXPECT_EQ(count(w.run(), operation_kind::deactivate), 1U) << "1 of 21";
  w.options.deactivations_this_cycle = 2;
  const plan p = w.run();
  ASSERT_EQ(count(p, operation_kind::deactivate, true), 1U) << "3 of 21 is over 10%";
  EXPECT_EQ(p.holds[0].reason, plan_hold_reason::max_deactivation_percent);
}

TEST(deactivations_this_cycle, AloneHoldNothing) {
  world w;
  w.options.safety.max_deactivations = 1;
  w.options.deactivations_this_cycle = 5;
  w.add_synced(someone("100"), "x100");
  const plan p = w.run();
  EXPECT_TRUE(p.holds.empty()) << "a plan without deactivations of its own trips no limit";
}

}  // namespace
}  // namespace eightsync::core
