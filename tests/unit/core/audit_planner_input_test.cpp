// load_planner_state reads the open manual actions of the audit tables, so the planner neither
// raises one again nor acts on a key that waits for an operator.
#include <gtest/gtest.h>

#include "core/audit_log.hpp"
#include "core/load_planner_state.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::test_url;

TEST(audit_planner_input, open_manual_actions_become_planner_open_actions) {
  state_store store(state_store::in_memory, test_url);
  manual_clock clk;
  audit_log log(store, clk);
  const auto c = log.begin_cycle({cycle_kind::full, cycle_trigger::cli, "", {}});
  manual_action conflict{manual_action_kind::resolve_conflict, "00200", "", "", "link it",
                         "resolve_conflict:00200::x",          false};
  manual_action license{manual_action_kind::assign_license, "00100", "id-100", "a@example.com", "license",
                        "assign_license:00100:id-100",      false};
  manual_action site{manual_action_kind::change_site,   "00300", "id-300", "c@example.com", "site",
                     "change_site:00300:id-300:Austin", false};
  log.raise_manual_action(c, conflict);
  log.raise_manual_action(c, license);
  log.raise_manual_action(c, site);
  const std::vector<std::int64_t> resolved{log.manual_actions(true)[2].id};
  log.resolve_manual_actions(resolved, "alice");

  const auto s = load_planner_state(store);
  ASSERT_EQ(s.open_actions.size(), 2u);
  EXPECT_EQ(s.open_actions[0].kind, manual_action_kind::resolve_conflict);
  EXPECT_EQ(s.open_actions[0].hr_key, "00200");
  EXPECT_EQ(s.open_actions[0].dedupe_key, "resolve_conflict:00200::x");
  EXPECT_EQ(s.open_actions[1].kind, manual_action_kind::assign_license);
  EXPECT_EQ(s.open_actions[1].hr_key, "00100");
  EXPECT_EQ(s.open_actions[1].dedupe_key, "assign_license:00100:id-100");
}

}  // namespace
}  // namespace eightsync::core
