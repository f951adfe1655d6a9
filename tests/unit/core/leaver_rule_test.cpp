// The leaver rule: who has left, and that reading (plan_reads) and planning (make_plan) ask the
// same rule, under each policy.
#include <gtest/gtest.h>

#include "core/leaver_rule.hpp"
#include "unit/core/planner_test_support.hpp"

namespace eightsync::core {
namespace {

using namespace planner_test;

TEST(leaver_rule, ARowWhoseActiveConditionIsFalseHasLeft) {
  const leaver_rule rule(leaver_policy{});
  auto p = someone("001");
  EXPECT_FALSE(rule.row_has_left(desired(p)));
  p.active = false;
  EXPECT_TRUE(rule.row_has_left(desired(p)));
}

TEST(leaver_rule, MissingFromTheExportIsALeaverOnlyUnderDeactivate) {
  EXPECT_TRUE(leaver_rule(leaver_policy{leaver_action::deactivate}).missing_is_leaver());
  EXPECT_FALSE(leaver_rule(leaver_policy{leaver_action::ignore}).missing_is_leaver());
}

TEST(leaver_rule, NamesAreTheConfigSpellings) {
  EXPECT_EQ(enum_name(leaver_action::deactivate), "deactivate");
  EXPECT_EQ(enum_name(leaver_action::ignore), "ignore");
  EXPECT_EQ(enum_count<leaver_action>, 2U);
}

TEST(leaver_rule, ReasonsNameWhatDecided) {
  EXPECT_NE(leaver_rule::deactivation_reason(leaver_reason::missing_from_source)
                .find("leavers.missing_from_source: deactivate"),
            std::string_view::npos);
  EXPECT_NE(leaver_rule::deactivation_reason(leaver_reason::status).find("active condition"),
            std::string_view::npos);
}

// A managed user missing from HR is read afresh exactly when a plan would deactivate them.
class leaver_rule_reads_and_plans : public ::testing::TestWithParam<leaver_action> {};

TEST_P(leaver_rule_reads_and_plans, AMissingUserIsReadExactlyWhenItWouldBeDeactivated) {
  world w;
  w.options.leavers.missing_from_source = GetParam();
  w.add_synced(someone("000"), "a0");
  w.add_link(someone("001"), "a1");  // missing from HR, no copy at hand
  const auto reads = w.reads();
  const bool read = std::any_of(reads.reads.begin(), reads.reads.end(),
                                [](const needed_read& r) { return r.hr_key == "001"; }) ||
                    reads.full_listing;
  w.add_remote(someone("001"), "a1");  // what the read finds: active
  const bool deactivated = find_entry(w.run(), operation_kind::deactivate, "001") != nullptr;
  EXPECT_EQ(deactivated, GetParam() == leaver_action::deactivate);
  if (deactivated) {
    EXPECT_TRUE(read) << "a deactivation is confirmed by a read";
  }
}

INSTANTIATE_TEST_SUITE_P(policies, leaver_rule_reads_and_plans,
                         ::testing::Values(leaver_action::deactivate, leaver_action::ignore),
                         [](const auto& info) { return std::string(enum_name(info.param)); });

}  // namespace
}  // namespace eightsync::core
