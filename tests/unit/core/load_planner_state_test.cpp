// load_planner_state: links, pending operator decisions and the last good cycle, as the planner
// reads them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/load_planner_state.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::at_s;
using testing::test_url;

user_link stored(std::string key, std::string id) {
  user_link l;
  l.hr_key = std::move(key);
  l.scim_id = std::move(id);
  l.user_name = l.hr_key + "@example.com";
  l.how = managed_by::matched;
  l.applied_hash = 42;
  l.applied_active = true;
  return l;
}

TEST(load_planner_state, an_empty_database_gives_an_empty_state) {
  state_store store(state_store::in_memory, test_url);
  const auto s = load_planner_state(store);
  EXPECT_TRUE(s.links.empty());
  EXPECT_TRUE(s.create_new.empty());
  EXPECT_TRUE(s.open_actions.empty());
  EXPECT_FALSE(s.last_good.has_value());
}

TEST(load_planner_state, pending_decisions_become_links_and_create_new_keys) {
  state_store store(state_store::in_memory, test_url);
  store.upsert_link(stored("00300", "id-300"));
  store.put_decision({"00100", decision_kind::link, "id-100", at_s(1), "alice"});
  store.put_decision({"00200", decision_kind::create_new, "", at_s(2), "alice"});
  store.put_decision({"00300", decision_kind::create_new, "", at_s(3), "bob"});  // 00300 is linked: ignored
  store.put_decision(
      {"00400", decision_kind::link, "id-300", at_s(4), "bob"});  // id linked to 00300: ignored
  store.record_good_cycle({500, 480, at_s(5)});

  const auto s = load_planner_state(store);
  ASSERT_EQ(s.links.size(), 2u);
  EXPECT_EQ(s.links[0].hr_key, "00100");
  EXPECT_EQ(s.links[0].scim_id, "id-100");
  EXPECT_EQ(s.links[0].how, managed_by::linked);
  EXPECT_EQ(s.links[0].user_name, "");
  EXPECT_FALSE(s.links[0].applied_hash.has_value());
  EXPECT_EQ(s.links[1], stored("00300", "id-300"));
  EXPECT_EQ(s.create_new, std::vector<std::string>{"00200"});
  ASSERT_TRUE(s.last_good.has_value());
  EXPECT_EQ(s.last_good->source_rows, 500u);
  EXPECT_EQ(s.last_good->managed_users, 480u);
}

}  // namespace
}  // namespace eightsync::core
