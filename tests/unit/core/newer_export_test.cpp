// A newer HR export read while a cycle runs (core/newer_export): its certain leavers are read and
// deactivated between the cycle's requests; a held export changes nothing; the limits count the
// running cycle's deactivations; the shrink baseline stays the last completed good cycle's; the
// running plan's operations for people whose row changed are dropped; each audit row names its
// export; and one export is read at most every source.settle. With the manual clock: each
// request moves it one second on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/cycle_engine.hpp"
#include "core/newer_export.hpp"
#include "unit/core/engine_test_support.hpp"

namespace eightsync::core::engine_test {
namespace {

using namespace std::chrono_literals;
using strings = std::vector<std::string>;

const std::string cycle_sha = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
const std::string newer_sha = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

mapping_result mapping_of(const std::vector<person>& people) {
  world w;
  for (const auto& p : people)
    w.add_hr(p);
  return w.mapping();
}

// ---- changed_keys and held_export (pure) ------------------------------------------------------

TEST(changed_keys, AreTheRowsAddedRemovedOrChangedAndTheQuarantinedOnes) {
  auto a = someone("100");
  auto b = someone("101");
  auto c = someone("102");
  auto d = someone("103");
  auto was = mapping_of({a, b, c, d});
  b.title = "Director";     // changed
  auto e = someone("104");  // added; 103 removed; 102 unchanged but quarantined now
  auto now = mapping_of({a, b, c, e});
  now.quarantined.push_back({9, 9, "102", quarantine_reason::field_count, "bad row"});
  now.quarantined.push_back({10, 10, "", quarantine_reason::field_count, "no key"});
  EXPECT_EQ(changed_keys(was, now), (strings{"101", "102", "103", "104"}));
  EXPECT_TRUE(changed_keys(was, was).empty());
}

TEST(changed_keys, SeeAStatusFlipAlone) {
  auto a = someone("100");
  const auto was = mapping_of({a});
  a.active = false;
  EXPECT_EQ(changed_keys(was, mapping_of({a})), (strings{"100"}));
}

TEST(held_export, IsAHoldOnTheWholeExportOnly) {
  plan p;
  p.holds.push_back({plan_hold_reason::max_deactivations, "too many"});
  EXPECT_FALSE(held_export(p));
  p.holds.push_back({plan_hold_reason::quarantined_without_key, "holds who is missing, not the export"});
  EXPECT_FALSE(held_export(p));
  for (const auto r :
       {plan_hold_reason::source_shrink, plan_hold_reason::empty_source, plan_hold_reason::key_churn}) {
    plan q;
    q.holds.push_back({plan_hold_reason::max_creates, "x"});
    q.holds.push_back({r, "held"});
    ASSERT_TRUE(held_export(q));
    EXPECT_EQ(held_export(q)->reason, r);
  }
}

// ---- a running cycle --------------------------------------------------------------------------

class newer_export : public engine_fixture {
 protected:
  person a_ = someone("100", "Ada", "Lovelace");
  person b_ = someone("101", "Bob", "Builder");
  person c_ = someone("102", "Cy", "Twombly");
  person d_ = someone("103", "Di", "Mare");
  std::vector<person> hr_;      // the export the cycle reads
  std::vector<person> newer_;   // the newer export
  std::string arrives_before_;  // the request before which the newer export is written
  bool there_ = false;          // the newer export is written and settled
  bool unreadable_ = false;     // the newer export cannot be read
  std::size_t asked_ = 0;
  std::size_t handed_ = 0;
  std::vector<quarantined_row> newer_quarantined_;
  cycle_settings settings_ = [] {
    cycle_settings s;
    s.planner = relaxed_options();
    s.planner.page_size = 1;
    s.source_path = "/srv/hr.csv";
    s.newer_export_every = 3s;
    return s;
  }();

  void SetUp() override {
    for (auto* p : {&a_, &b_, &c_, &d_})
      synced(*p, "x" + p->key);
    hr_ = {a_, b_, c_, d_};
    newer_ = hr_;
    settings_.newer_export = [this]() -> std::optional<expected<hr_input, std::string>> {
      ++asked_;
      if (!there_) return std::nullopt;
      there_ = false;  // handed over once, as the daemon does for one settled change
      ++handed_;
      if (unreadable_) return unexpected<std::string>{"/srv/hr.csv: permission denied"};
      auto m = mapping_of(newer_);
      m.quarantined = newer_quarantined_;
      m.rows_read = newer_.size() + newer_quarantined_.size();
      return hr_input{std::move(m), newer_sha, m.rows_read, clock_.now()};
    };
    port_.before_each([this](const std::string& line) {
      clock_.advance(1s);
      if (line == arrives_before_) there_ = true;
    });
  }

  hr_reader reader() {
    return [this]() -> expected<hr_input, std::string> {
      auto m = mapping_of(hr_);
      return hr_input{m, cycle_sha, hr_.size(), clock_.now()};
    };
  }

  cycle_result run(bool full = true) {
    cycle_engine e(store_, audit_, clock_, log_);
    return run_awaitable(e.run(port_, reader(), settings_, cycle_trigger::cli, full));
  }

  /// The position of `line` in the request log, or npos.
  std::size_t at(const std::string& line) const {
    const auto& r = port_.requests();
    const auto it = std::find(r.begin(), r.end(), line);
    return it == r.end() ? std::string::npos : static_cast<std::size_t>(it - r.begin());
  }

  std::size_t count(const std::string& line) const {
    return static_cast<std::size_t>(std::count(port_.requests().begin(), port_.requests().end(), line));
  }
};

TEST_F(newer_export, AStatusFlipWrittenDuringTheListingIsDeactivatedBetweenTwoPages) {
  newer_[2].active = false;  // Cy leaves
  arrives_before_ = "LIST 1";
  const auto r = run();
  ASSERT_NE(at("PATCH x102 active=false"), std::string::npos);
  EXPECT_EQ(at("GET x102"), at("LIST 1") + 1) << "read at the first check after it was written";
  EXPECT_EQ(at("PATCH x102 active=false"), at("GET x102") + 1);
  EXPECT_EQ(at("LIST 2"), at("PATCH x102 active=false") + 1) << "then the listing goes on";
  EXPECT_FALSE(port_.user("x102")->at("active").as_bool());
  EXPECT_EQ(count("PATCH x102 active=true"), 0U)
      << "the running plan (made from the older export) would reactivate Cy: dropped";
  EXPECT_TRUE(open_actions(manual_action_kind::admin_deactivated).empty())
      << "nor does it take the deactivation for an admin's (its state.db predates the PATCH)";
  EXPECT_EQ(open_actions(manual_action_kind::reclaim_license_and_number).size(), 1U);
  EXPECT_EQ(r.newer_exports, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(r.end.requests_planned, r.end.requests_sent);
}

TEST_F(newer_export, AKeyGoneFromTheNewerExportIsDeactivatedUnlessANewKeyMatchesThem) {
  auto rekeyed = d_;
  rekeyed.user_name = d_.un();
  rekeyed.key = "203";     // Di under a new key
  newer_ = {a_, rekeyed};  // Bob and Cy are gone; Di was re-keyed
  settings_.planner.safety.max_source_shrink_percent = 100;
  arrives_before_ = "LIST 1";
  run();
  EXPECT_EQ(count("PATCH x101 active=false"), 1U);
  EXPECT_EQ(count("PATCH x102 active=false"), 1U);
  EXPECT_EQ(count("PATCH x103 active=false"), 0U) << "a new key matches Di: the next full plan decides";
  EXPECT_LT(at("PATCH x102 active=false"), at("LIST 2"));
}

TEST_F(newer_export, WrittenDuringTheWritesItsLeaverGoesBeforeTheNextOperation) {
  for (auto& p : hr_)
    p.title = "Director";  // four PUTs
  newer_ = hr_;
  newer_[3].active = false;  // Di leaves; her PUT is the last
  arrives_before_ = "PUT x100";
  const auto r = run();
  EXPECT_EQ(at("GET x103"), at("PUT x100") + 1);
  EXPECT_EQ(at("PATCH x103 active=false"), at("GET x103") + 1);
  EXPECT_EQ(at("PUT x101"), at("PATCH x103 active=false") + 1);
  EXPECT_EQ(count("PUT x103"), 0U) << "Di's row changed: her PUT is dropped";
  EXPECT_EQ(r.exec.superseded, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
}

TEST_F(newer_export, WrittenDuringARefetchItsLeaverGoesBeforeThePut) {
  // Fresh when planned (the listing took 4 s), too old for a PUT that may wait a rate window:
  // every PUT is refetched first.
  settings_.planner.max_snapshot_age = 6s;
  for (auto& p : hr_)
    p.title = "Director";
  newer_ = hr_;
  newer_[1].active = false;      // Bob leaves
  arrives_before_ = "GET x100";  // the first PUT's refetch
  const auto r = run();
  EXPECT_EQ(at("GET x101"), at("GET x100") + 1) << "between the refetch and its PUT";
  EXPECT_EQ(at("PATCH x101 active=false"), at("GET x101") + 1);
  EXPECT_EQ(at("PUT x100"), at("PATCH x101 active=false") + 1);
  EXPECT_EQ(count("PUT x101"), 0U);
  EXPECT_EQ(r.exec.superseded, 1U);
}

TEST_F(newer_export, ATruncatedExportDeactivatesNoOneAndChangesNothing) {
  ASSERT_EQ(run().end.outcome, cycle_outcome::ok);  // the shrink baseline: 4 rows
  port_.clear_requests();
  settings_.planner.safety.max_source_shrink_percent = 20;
  hr_[1].title = "Director";  // the running plan: one PUT for Bob
  newer_ = {a_};              // 1 of 4 rows: cut short
  arrives_before_ = "LIST 1";
  const auto r = run();
  EXPECT_EQ(
      std::count_if(port_.requests().begin(), port_.requests().end(),
                    [](const std::string& l) { return l.rfind("PATCH", 0) == 0 || l.rfind("GET", 0) == 0; }),
      0);
  EXPECT_EQ(count("PUT x101"), 1U) << "a held export drops nothing of the running plan";
  EXPECT_EQ(r.exec.superseded, 0U);
  EXPECT_EQ(r.newer_exports, 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
}

TEST_F(newer_export, AnEmptyExportChangesNothingEither) {
  hr_[1].title = "Director";
  newer_ = {};
  arrives_before_ = "LIST 1";
  const auto r = run();
  EXPECT_EQ(count("PATCH x100 active=false"), 0U);
  EXPECT_EQ(count("PUT x101"), 1U);
  EXPECT_EQ(r.exec.superseded, 0U);
}

TEST_F(newer_export, AKeylessQuarantinedRowHoldsWhoIsMissingButNotAStatusFlip) {
  newer_ = {a_, b_, c_};                                                        // Di's row is missing …
  newer_[0].active = false;                                                     // … and Ada leaves
  newer_quarantined_ = {{5, 4, "", quarantine_reason::field_count, "no key"}};  // … maybe Di's row
  arrives_before_ = "LIST 1";
  const auto r = run();
  EXPECT_EQ(count("PATCH x100 active=false"), 1U) << "Ada's own row says she left, as a full plan would";
  EXPECT_EQ(count("GET x103"), 0U);
  EXPECT_EQ(count("PATCH x103 active=false"), 0U) << "the keyless row may be Di's";
  const auto held = audit_.held(r.cycle_id);
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].hr_key, "103");
  EXPECT_EQ(held[0].hold.reason, plan_hold_reason::quarantined_without_key);
}

TEST_F(newer_export, ItsLeaversCountWithTheRunningCyclesTowardTheLimits) {
  settings_.planner.safety.max_deactivations = 1;
  hr_[0].active = false;  // the cycle's own leaver: its pass sends 1
  newer_ = hr_;
  newer_[1].active = false;  // a second leaver in the newer export: 2 > 1
  arrives_before_ = "LIST 1";
  const auto r = run();
  EXPECT_EQ(count("PATCH x100 active=false"), 1U);
  EXPECT_EQ(count("GET x101"), 0U) << "held before any request";
  EXPECT_EQ(count("PATCH x101 active=false"), 0U);
  const auto held = audit_.held(r.cycle_id);
  ASSERT_EQ(held.size(), 1U) << "recorded under the running cycle";
  EXPECT_EQ(held[0].hr_key, "101");
  EXPECT_EQ(held[0].hold.reason, plan_hold_reason::max_deactivations);
  EXPECT_THAT(held[0].hold.text, ::testing::HasSubstr("1 of them already sent this cycle"));
  EXPECT_EQ(r.end.outcome, cycle_outcome::held);
}

TEST_F(newer_export, TheShrinkBaselineStaysTheCompletedCyclesExport) {
  ASSERT_EQ(run().end.outcome, cycle_outcome::ok);
  const auto first = store_.read_last_good_cycle();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->source_rows, 4U);
  // A running cycle reads a newer export with one row more; it ends ok.
  newer_ = hr_;
  newer_.push_back(someone("104", "Eve", "Stone"));
  arrives_before_ = "LIST 1";
  const auto r = run();
  ASSERT_EQ(r.newer_exports, 1U);
  ASSERT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_EQ(store_.read_last_good_cycle()->source_rows, 4U) << "the cycle's own export, not the newer one";
}

TEST_F(newer_export, EachAuditRowNamesTheExportItCameFrom) {
  hr_[0].title = "Director";  // the running plan's PUT
  newer_ = hr_;
  newer_[2].active = false;
  arrives_before_ = "LIST 1";
  const auto r = run();
  const auto rows = ops(r.cycle_id);
  ASSERT_EQ(rows.size(), 2U);
  for (const auto& row : rows) {
    if (row.intent.kind == audit_operation_kind::deactivate) {
      EXPECT_EQ(row.intent.hr_key, "102");
      EXPECT_EQ(row.intent.source_sha256, newer_sha);
    } else {
      EXPECT_EQ(row.intent.hr_key, "100");
      EXPECT_EQ(row.intent.source_sha256, cycle_sha);
    }
  }
  EXPECT_EQ(audit_.cycle(r.cycle_id)->source_sha256, cycle_sha);
}

TEST_F(newer_export, OneIsReadAtMostEverySettlePeriod) {
  // An HR system rewriting the export all the time: a new one is there before every request.
  settings_.newer_export = [this]() -> std::optional<expected<hr_input, std::string>> {
    ++handed_;
    auto m = mapping_of(hr_);
    return hr_input{m, "sha-" + std::to_string(handed_), m.users.size(), clock_.now()};
  };
  for (int i = 0; i < 26; ++i) {
    auto p = someone(std::to_string(500 + i));
    synced(p, "x" + p.key);
    hr_.push_back(p);
  }
  const auto r = run();
  const std::size_t requests = port_.requests().size();
  ASSERT_GE(requests, 30U) << "30 listing pages, one second each";
  EXPECT_LE(handed_, requests / 3 + 1) << "at most one read every newer_export_every (3 s)";
  EXPECT_GE(handed_, requests / 3 - 1) << "and one each time it has passed";
  EXPECT_EQ(r.newer_exports, handed_);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok) << "the cycle finished";
}

TEST_F(newer_export, AnUnreadableOneChangesNothing) {
  unreadable_ = true;
  hr_[0].title = "Director";
  arrives_before_ = "LIST 1";
  const auto r = run();
  EXPECT_EQ(handed_, 1U);
  EXPECT_EQ(r.newer_exports, 0U);
  EXPECT_EQ(count("PUT x100"), 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
}

TEST_F(newer_export, TheSameContentRewrittenIsNoNewerExport) {
  hr_[0].title = "Director";
  newer_ = hr_;
  settings_.newer_export = [this]() -> std::optional<expected<hr_input, std::string>> {
    ++handed_;
    return hr_input{mapping_of(hr_), cycle_sha, hr_.size(), clock_.now()};
  };
  const auto r = run();
  EXPECT_GE(handed_, 1U);
  EXPECT_EQ(r.newer_exports, 0U);
  EXPECT_EQ(r.exec.superseded, 0U);
  EXPECT_EQ(count("PUT x100"), 1U);
}

// ---- effective dates while a cycle runs (issue 18) --------------------------------------------

// An export whose person `key` has access from `start` to `end` (either may be absent).
hr_reader dated_reader(const std::vector<person>& hr, const manual_clock& clk, const std::string& key,
                       std::optional<std::chrono::sys_seconds> start,
                       std::optional<std::chrono::sys_seconds> end) {
  return [&hr, &clk, key, start, end]() -> expected<hr_input, std::string> {
    auto m = mapping_of(hr);
    for (auto& d : m.users) {
      if (d.key == key) d.set_window(start, end);
    }
    return hr_input{m, cycle_sha, hr.size(), clk.now()};
  };
}

std::chrono::sys_seconds whole_seconds(clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t);
}

TEST_F(newer_export, AnEndDateThatComesDuringTheListingIsDeactivatedBetweenTwoPages) {
  settings_.newer_export = nullptr;  // no newer export: the clock alone makes the leaver
  settings_.planner.lifecycle.enabled = true;
  // A request a second: Cy's access ends while the listing's third page is read.
  const auto ends = whole_seconds(clock_.now()) + 3s;
  cycle_engine e(store_, audit_, clock_, log_);
  const auto r = run_awaitable(e.run(port_, dated_reader(hr_, clock_, "102", std::nullopt, ends), settings_,
                                     cycle_trigger::cli, true));
  ASSERT_NE(at("PATCH x102 active=false"), std::string::npos);
  EXPECT_EQ(at("GET x102"), at("LIST 3") + 1) << "read at the first check after the end came";
  EXPECT_EQ(at("PATCH x102 active=false"), at("GET x102") + 1);
  EXPECT_EQ(at("LIST 4"), at("PATCH x102 active=false") + 1) << "then the listing goes on";
  EXPECT_EQ(count("PATCH x102 active=false"), 1U);
  EXPECT_EQ(r.end.outcome, cycle_outcome::ok);
  EXPECT_FALSE(r.next_lifecycle_event) << "no date lies ahead";
}

TEST_F(newer_export, AnEndDateAlreadyPassedGoesInTheLeaverPassFirst) {
  settings_.planner.lifecycle.enabled = true;
  // A termination entered after its end date had passed: applied at once, before the listing.
  const auto ended = whole_seconds(clock_.now()) - std::chrono::hours{24 * 3};
  cycle_engine e(store_, audit_, clock_, log_);
  run_awaitable(e.run(port_, dated_reader(hr_, clock_, "102", std::nullopt, ended), settings_,
                      cycle_trigger::cli, true));
  EXPECT_EQ(at("GET x102"), 0U);
  EXPECT_EQ(at("PATCH x102 active=false"), 1U);
  EXPECT_EQ(at("LIST 1"), 2U);
}

TEST_F(newer_export, TheResultNamesTheNextEffectiveDateOnTheCyclesClock) {
  settings_.planner.lifecycle.enabled = true;
  settings_.planner.lifecycle.provision_before_start = std::chrono::hours{24};
  const auto starts = whole_seconds(clock_.now()) + std::chrono::hours{24 * 10};
  cycle_engine e(store_, audit_, clock_, log_);
  auto r = run_awaitable(e.run(port_, dated_reader(hr_, clock_, "102", starts, std::nullopt), settings_,
                               cycle_trigger::cli, true));
  ASSERT_TRUE(r.next_lifecycle_event);
  EXPECT_EQ(whole_seconds(*r.next_lifecycle_event), starts - std::chrono::hours{24})
      << "the window opens first";
  // With --as-of nine days ahead, the window is open: the start is next, a day ahead on the
  // lifecycle's clock, which is a day ahead on the cycle's own clock too.
  settings_.planner.lifecycle_offset = std::chrono::hours{24 * 9};
  r = run_awaitable(e.run(port_, dated_reader(hr_, clock_, "102", starts, std::nullopt), settings_,
                          cycle_trigger::cli, true));
  ASSERT_TRUE(r.next_lifecycle_event);
  EXPECT_EQ(whole_seconds(*r.next_lifecycle_event), starts - std::chrono::hours{24 * 9});
}

}  // namespace
}  // namespace eightsync::core::engine_test
