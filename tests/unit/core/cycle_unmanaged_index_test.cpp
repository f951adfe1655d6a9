// Whole cycles through the scripted 8x8 (issue 16, point 2): a complete listing leaves state.db
// an index of the unmanaged users; an incremental cycle GETs each one a new HR person matches
// before it creates anyone, adopts or raises a conflict on what the GET says, and creates only
// once the match is gone (404). With no complete listing recorded, creates wait for one.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/cycle_engine.hpp"
#include "unit/core/engine_test_support.hpp"

namespace eightsync::core::engine_test {
namespace {

using index_strings = std::vector<std::string>;

// Zoë's hand-made account: her email under another userName, made in Admin Console.
boost::json::object zoe_by_hand() {
  person hand = someone("hand", "Zoe", "Ashworth-Smith");
  hand.user_name = "zashworth@example.com";
  hand.email = "zoe.ashworth@example.com";
  return scim_object(hand, "h1", true, false);
}

// The HR row of Zoë, new in HR: her own userName, the hand-made account's email.
person zoe_in_hr() {
  person zoe = someone("n1", "Zoë", "Ashworth");
  zoe.user_name = "zoe.ashworth@example.com";
  return zoe;
}

class engine_index : public engine_fixture {
 protected:
  std::vector<person> hr_;
  cycle_settings settings_ = [] {
    cycle_settings s;
    s.planner = relaxed_options();
    // Pages of one: per-user reads stay cheaper than listing the account, so a cycle without
    // --full is incremental.
    s.planner.page_size = 1;
    s.source_path = "/srv/hr.csv";
    return s;
  }();

  hr_reader reader() {
    return [this]() -> expected<hr_input, std::string> {
      world w;
      for (const auto& p : hr_)
        w.add_hr(p);
      return hr_input{w.mapping(), "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                      hr_.size(), std::nullopt};
    };
  }

  cycle_result run(bool full) {
    cycle_engine e(store_, audit_, clock_, log_);
    return run_awaitable(e.run(port_, reader(), settings_, cycle_trigger::cli, full, nullptr));
  }

  // Three linked people in step and Zoë's hand-made account (`hand`), listed once completely;
  // then Zoë joins HR.
  void listed_then_zoe_joins(boost::json::object hand = zoe_by_hand()) {
    for (const auto* key : {"200", "201", "202"}) {
      synced(someone(key, "Same", key), std::string("x") + key);
      hr_.push_back(someone(key, "Same", key));
    }
    port_.add(std::move(hand));
    const auto full = run(true);
    ASSERT_EQ(full.end.outcome, cycle_outcome::ok);
    clock_.advance(std::chrono::hours(1));
    port_.clear_requests();
    hr_.push_back(zoe_in_hr());
  }

  std::size_t posts() const {
    return static_cast<std::size_t>(
        std::count_if(port_.requests().begin(), port_.requests().end(),
                      [](const std::string& r) { return r.starts_with("POST"); }));
  }
};

TEST_F(engine_index, ACompleteListingRecordsTheUnmanagedUsers) {
  listed_then_zoe_joins();
  const auto index = store_.load_unmanaged_users();
  ASSERT_EQ(index.size(), 1U) << "the three linked users are left out";
  EXPECT_EQ(index[0].scim_id(), "h1");
  EXPECT_EQ(index[0].email(), "zoe.ashworth@example.com");
  EXPECT_EQ(store_.unmanaged_users_listed_at(), t0);
}

TEST_F(engine_index, AListingThatStopsPartWayLeavesTheIndexAsItWas) {
  listed_then_zoe_joins();
  port_.add(scim_object(someone("later", "Made", "Later"), "h9", true, false));
  port_.script(port_call::list_page, {});
  port_.script(port_call::list_page, {.outcome = scim_outcome::server});
  hr_.pop_back();
  run(true);
  const auto index = store_.load_unmanaged_users();
  ASSERT_EQ(index.size(), 1U);
  EXPECT_EQ(index[0].scim_id(), "h1");
  EXPECT_EQ(store_.unmanaged_users_listed_at(), t0) << "an incomplete listing is no index";
}

TEST_F(engine_index, AnIncrementalCycleReadsTheMatchAndAdoptsIt) {
  listed_then_zoe_joins();
  const auto r = run(false);
  ASSERT_GE(port_.requests().size(), 2U);
  EXPECT_EQ(index_strings(port_.requests().begin(), port_.requests().begin() + 2),
            (index_strings{"GET h1", "FIND zoe.ashworth@example.com"}))
      << "one round of reads: the hand-made account and the lookup";
  EXPECT_EQ(posts(), 0U);
  EXPECT_EQ(audit_.cycle(r.cycle_id)->kind, cycle_kind::incremental);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  const auto link = store_.find_link("n1");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->scim_id, "h1");
  EXPECT_EQ(link->how, managed_by::matched);
  EXPECT_EQ(port_.size(), 4U) << "no second account for Zoë";
}

TEST_F(engine_index, AnotherExternalIdOnTheMatchIsAConflictNotACreate) {
  auto claimed = zoe_by_hand();
  claimed["externalId"] = "E-77";
  listed_then_zoe_joins(claimed);
  const auto r = run(false);
  EXPECT_EQ(posts(), 0U);
  EXPECT_EQ(r.conflicts, 1U);
  EXPECT_FALSE(store_.find_link("n1"));
  const auto open = audit_.manual_actions(true);
  ASSERT_EQ(open.size(), 1U);
  EXPECT_NE(open[0].action.text.find("carries externalId \"E-77\""), std::string::npos)
      << open[0].action.text;
}

TEST_F(engine_index, AMatch8x8NoLongerShowsLetsTheCreateGoAndTheCycleIsOk) {
  listed_then_zoe_joins();
  port_.script(port_call::get, {.outcome = scim_outcome::not_found});
  const auto r = run(false);
  EXPECT_EQ(port_.requests(),
            (index_strings{"GET h1", "FIND zoe.ashworth@example.com", "POST zoe.ashworth@example.com"}));
  EXPECT_EQ(r.read_failures, 0U) << "a 404 for the candidate is an answer";
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  ASSERT_TRUE(store_.find_link("n1"));
  EXPECT_EQ(store_.find_link("n1")->how, managed_by::created);
}

TEST_F(engine_index, AFailedReadOfTheMatchKeepsTheCreateWaiting) {
  listed_then_zoe_joins();
  port_.script(port_call::get, {.outcome = scim_outcome::server});
  const auto r = run(false);
  EXPECT_EQ(posts(), 0U);
  EXPECT_EQ(r.read_failures, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::partial);
  EXPECT_FALSE(store_.find_link("n1"));
}

// Links from an earlier eightsync (a first load cut short, a database from before the index),
// but no complete listing recorded: a new person cannot be matched without one, so even an
// incremental cycle lists 8x8 rather than let her wait for the next full reconcile. While that
// listing fails, nobody is created.
TEST_F(engine_index, WithoutACompleteListingANewPersonMakesTheCycleListEverything) {
  for (const auto* key : {"200", "201", "202"}) {
    synced(someone(key, "Same", key), std::string("x") + key);
    hr_.push_back(someone(key, "Same", key));
  }
  hr_.push_back(zoe_in_hr());
  port_.script(port_call::list_page, {.outcome = scim_outcome::server});
  const auto failed = run(false);
  EXPECT_EQ(port_.requests(), (strings{"LIST 1"})) << "no lookup and no POST without a complete listing";
  EXPECT_EQ(failed.end.outcome, cycle_outcome::partial);
  EXPECT_FALSE(store_.find_link("n1"));

  port_.clear_requests();
  const auto r = run(false);
  EXPECT_EQ(r.end.kind, cycle_kind::full);
  EXPECT_EQ(port_.requests().front(), "LIST 1");
  EXPECT_EQ(posts(), 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_TRUE(store_.find_link("n1"));
  EXPECT_TRUE(store_.unmanaged_users_listed_at()) << "the index is recorded for later incremental cycles";
}

}  // namespace
}  // namespace eightsync::core::engine_test
