// state_store: the index of unmanaged 8x8 users (migrations/0009) that incremental cycles match
// new HR people against. Written whole from a complete listing, without linked users and
// without any object JSON.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/remote_user.hpp"
#include "core/state_store.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::at_s;
using testing::test_url;

// A listed 8x8 user as 8x8 sends it, with a member (`meta`) matching never needs.
remote_user listed_user(const std::string& id, const std::string& user_name, const std::string& email,
                        bool active = true) {
  boost::json::object o{{"id", id},
                        {"userName", user_name},
                        {"name", boost::json::object{{"givenName", "Zoë"}, {"familyName", "Ashworth"}}},
                        {"emails", boost::json::array{boost::json::object{
                                       {"value", email}, {"type", "work"}, {"primary", true}}}},
                        {"active", active},
                        {"title", "Account Executive"},
                        {"meta", boost::json::object{{"resourceType", "User"}, {"version", "W/\"7\""}}}};
  if (id == "h2") o["externalId"] = "E-77";
  return *remote_user::from_object(o, at_s(1'700'000'000));
}

// A complete listing recorded as the cycle engine records it: the listed objects (which flags the
// linked users), then the index.
std::size_t record_listing(state_store& store, const std::vector<remote_user>& listed, clock::time_point at) {
  std::vector<char> linked;
  store.record_listed_remotes(listed, &linked);
  return store.record_unmanaged_users(listed, linked, at);
}

class state_unmanaged_users : public ::testing::Test {
 protected:
  state_store store_{state_store::in_memory, test_url};

  void link(const std::string& key, const std::string& id) {
    user_link l;
    l.hr_key = key;
    l.scim_id = id;
    l.user_name = key + "@example.com";
    store_.upsert_link(l);
  }
};

TEST_F(state_unmanaged_users, NoneBeforeTheFirstCompleteListing) {
  EXPECT_TRUE(store_.load_unmanaged_users().empty());
  EXPECT_EQ(store_.unmanaged_users_listed_at(), std::nullopt);
}

TEST_F(state_unmanaged_users, HoldsTheUnlinkedUsersOfAListingWithWhatMatchingNeeds) {
  link("000", "a0");
  const std::vector<remote_user> listed{listed_user("a0", "linked@example.com", "linked@example.com"),
                                        listed_user("h1", "zashworth@example.com", "zoe@example.com"),
                                        listed_user("h2", "old@example.com", "noreply@8x8.com", false)};
  EXPECT_EQ(record_listing(store_, listed, at_s(1'700'000'060)), 2U);
  EXPECT_EQ(store_.unmanaged_users_listed_at(), at_s(1'700'000'060));
  const auto index = store_.load_unmanaged_users();
  ASSERT_EQ(index.size(), 2U) << "the linked user is left out";
  EXPECT_EQ(index[0],
            unmanaged_user("h1", "zashworth@example.com", "", "zoe@example.com", "Zoë", "Ashworth", true));
  EXPECT_EQ(index[1], unmanaged_user("h2", "old@example.com", "E-77", "", "Zoë", "Ashworth", false))
      << "8x8's placeholder email matches nobody: not kept";
}

TEST_F(state_unmanaged_users, KeepsNoObjectJson) {
  record_listing(store_, std::vector<remote_user>{listed_user("h1", "z@example.com", "z@example.com")},
                 at_s(1'700'000'060));
  std::vector<std::string> columns;
  SQLite::Statement q(store_.database(),
                      "SELECT name FROM pragma_table_info('unmanaged_users') ORDER BY cid");
  while (q.executeStep())
    columns.push_back(q.getColumn(0).getString());
  EXPECT_EQ(columns, (std::vector<std::string>{"scim_id", "user_name", "external_id", "email", "given_name",
                                               "family_name", "active"}));
  const std::string row = store_.database()
                              .execAndGet(
                                  "SELECT scim_id || user_name || external_id || email || given_name || "
                                  "family_name FROM unmanaged_users")
                              .getString();
  EXPECT_EQ(row.find("Account Executive"), std::string::npos) << "no attribute matching does not need";
  EXPECT_EQ(row.find("W/"), std::string::npos) << "no meta";
}

TEST_F(state_unmanaged_users, EachCompleteListingRewritesItWhole) {
  record_listing(store_,
                 std::vector<remote_user>{listed_user("h1", "z@example.com", "z@example.com"),
                                          listed_user("h2", "o@example.com", "o@example.com")},
                 at_s(1'700'000'060));
  link("n1", "h1");  // adopted since
  record_listing(store_,
                 std::vector<remote_user>{listed_user("h1", "z@example.com", "z@example.com"),
                                          listed_user("h3", "n@example.com", "n@example.com")},
                 at_s(1'700'086'460));
  const auto index = store_.load_unmanaged_users();
  ASSERT_EQ(index.size(), 1U) << "h2 is gone from 8x8, h1 is linked now";
  EXPECT_EQ(index[0].scim_id(), "h3");
  EXPECT_EQ(store_.unmanaged_users_listed_at(), at_s(1'700'086'460));
}

TEST_F(state_unmanaged_users, AStoreWithoutMigration9KeepsNoIndex) {
  const auto& all = migrations::all();
  state_store::options o;
  // Every migration before 0009.
  const auto before_9 = static_cast<std::size_t>(
      std::count_if(all.begin(), all.end(), [](const auto& m) { return m.version < 9; }));
  o.known_migrations = std::span(all.data(), before_9);
  state_store older(state_store::in_memory, test_url, o);
  EXPECT_EQ(
      record_listing(older, std::vector<remote_user>{listed_user("h1", "z@example.com", "z@example.com")},
                     at_s(1'700'000'060)),
      0U);
  EXPECT_TRUE(older.load_unmanaged_users().empty());
  EXPECT_EQ(older.unmanaged_users_listed_at(), std::nullopt);
}

}  // namespace
}  // namespace eightsync::core
