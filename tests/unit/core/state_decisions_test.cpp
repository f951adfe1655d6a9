// state_store: operator decisions (`eightsync link`) and the last good cycle's facts.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::at_s;
using testing::test_url;

TEST(state_decisions, link_and_create_new_round_trip) {
  state_store store(state_store::in_memory, test_url);
  const operator_decision link{"00200", decision_kind::link, "id-200", at_s(1'714'566'896), "alice"};
  const operator_decision fresh{"00100", decision_kind::create_new, "", at_s(1'714'566'900), "bob"};
  store.put_decision(link);
  store.put_decision(fresh);
  EXPECT_EQ(store.find_decision("00200"), link);
  EXPECT_EQ(store.find_decision("00100"), fresh);
  EXPECT_EQ(store.find_decision_by_scim_id("id-200"), link);
  EXPECT_FALSE(store.find_decision_by_scim_id("").has_value());
  EXPECT_EQ(store.load_decisions(), (std::vector<operator_decision>{fresh, link}));
  auto& db = store.database();
  EXPECT_TRUE(db.execAndGet("SELECT scim_id FROM operator_decisions WHERE hr_key = '00100'").isNull());
  EXPECT_EQ(db.execAndGet("SELECT decided_at FROM operator_decisions WHERE hr_key = '00200'").getString(),
            "2024-05-01T12:34:56.000Z");
}

TEST(state_decisions, a_new_decision_replaces_the_old_one) {
  state_store store(state_store::in_memory, test_url);
  store.put_decision({"00200", decision_kind::link, "id-200", at_s(1), "alice"});
  const operator_decision now{"00200", decision_kind::create_new, "", at_s(2), "bob"};
  store.put_decision(now);
  EXPECT_EQ(store.load_decisions(), std::vector<operator_decision>{now});
  EXPECT_FALSE(store.find_decision_by_scim_id("id-200").has_value());
}

TEST(state_decisions, an_id_chosen_for_another_key_is_refused) {
  state_store store(state_store::in_memory, test_url);
  store.put_decision({"00200", decision_kind::link, "id-200", at_s(1), "alice"});
  try {
    store.put_decision({"00300", decision_kind::link, "id-200", at_s(2), "bob"});
    FAIL() << "one 8x8 id chosen for two keys";
  } catch (const state_error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "state database :memory:: cannot record the decision for HR key 00300: 8x8 user id-200 is already "
        "chosen for another HR key");
  }
}

TEST(state_decisions, malformed_decisions_are_bugs) {
  state_store store(state_store::in_memory, test_url);
  EXPECT_THROW(store.put_decision({"00200", decision_kind::link, "", at_s(1), "alice"}), state_error);
  EXPECT_THROW(store.put_decision({"", decision_kind::create_new, "", at_s(1), "alice"}), state_error);
  EXPECT_TRUE(store.load_decisions().empty());
}

TEST(state_decisions, erase_says_whether_there_was_one) {
  state_store store(state_store::in_memory, test_url);
  store.put_decision({"00200", decision_kind::link, "id-200", at_s(1), "alice"});
  EXPECT_TRUE(store.erase_decision("00200"));
  EXPECT_FALSE(store.erase_decision("00200"));
  EXPECT_FALSE(store.find_decision("00200").has_value());
}

TEST(state_cycle_facts, last_good_cycle_and_full_listing_round_trip) {
  state_store store(state_store::in_memory, test_url);
  const last_good_cycle first{12'345, 12'000, at_s(1'714'566'896)};
  store.record_good_cycle(first);
  EXPECT_EQ(store.read_last_good_cycle(), first);
  const last_good_cycle second{18'446'744'073'709'551'615ULL, 0, at_s(1'714'570'000)};
  store.record_good_cycle(second);
  EXPECT_EQ(store.read_last_good_cycle(), second);

  store.record_full_listing(at_s(1'714'566'000));
  EXPECT_EQ(store.last_full_listing(), at_s(1'714'566'000));
  EXPECT_EQ(
      store.database().execAndGet("SELECT value FROM meta WHERE key = 'last_full_listing_at'").getString(),
      "2024-05-01T12:20:00.000Z");
}

}  // namespace
}  // namespace eightsync::core
