// cycle_executor and an account created before the person's start date: the create asks for
// `active: false`, and the executor checks what 8x8 made. Honoured: nothing more is sent. Made
// active anyway: one PATCH active=false at once, audited as a correction, not a leaver. The link
// records the active state 8x8 has, whichever way it went.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "unit/core/engine_test_support.hpp"

namespace eightsync::core::engine_test {
namespace {

using strings = std::vector<std::string>;

// `p` with each create asking for an inactive account, as the planner plans a person whose start
// date has not come.
plan before_start(plan p) {
  for (auto& e : p.operations) {
    if (e.kind != operation_kind::create) continue;
    e.desired_active = false;
    scim_user_codec::write_active(e.body, false);
  }
  return p;
}

class executor_start_date : public engine_fixture {
 protected:
  /// The plan for Ada (HR key 100, not in 8x8 yet), created before her start date.
  plan ada_before_start() {
    world w;
    w.add_hr(someone("100", "Ada", "Lovelace"));
    auto p = before_start(plan_now(w));
    EXPECT_EQ(count(p, operation_kind::create), 1U);
    return p;
  }

  /// Logs go to `logged_` from now on.
  void capture_log() {
    log_ = std::make_shared<spdlog::logger>("engine_test",
                                            std::make_shared<spdlog::sinks::ostream_sink_st>(logged_));
  }

  /// The operations rows of `cycle` whose reason marks them as a correction.
  std::vector<audit_operation_row> corrections(std::int64_t cycle) {
    auto rows = ops(cycle, audit_operation_kind::deactivate);
    std::erase_if(rows, [](const audit_operation_row& r) {
      return !r.intent.reason.starts_with(active_correction_reason);
    });
    return rows;
  }

  std::ostringstream logged_;
};

TEST_F(executor_start_date, TheCreateBodyAsksForAnInactiveAccount) {
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  execute(p, cycle);

  const auto rows = ops(cycle, audit_operation_kind::create);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_NE(rows[0].intent.body_json.find("\"active\":false"), std::string::npos) << rows[0].intent.body_json;
}

TEST_F(executor_start_date, A201ThatHonouredInactiveSendsNothingMore) {
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), strings{"POST u100@example.com"});
  EXPECT_EQ(scim_user_codec::read_active(*port_.user("u1")), false);
  EXPECT_EQ(s.ok, 1U);
  EXPECT_EQ(s.active_corrected, 0U);
  EXPECT_EQ(ops(cycle).size(), 1U) << "the create only";
  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->applied_active, false) << "8x8 created it inactive";
}

TEST_F(executor_start_date, A201ThatIgnoredInactiveIsPatchedFalseAtOnceAsACorrection) {
  port_.post_ignores_active(true);
  capture_log();
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "PATCH u1 active=false"}));
  EXPECT_EQ(scim_user_codec::read_active(*port_.user("u1")), false);
  EXPECT_EQ(s.ok, 2U) << "the create and its correction";
  EXPECT_EQ(s.active_corrected, 1U);
  EXPECT_EQ(s.failed, 0U);
  const auto rows = ops(cycle);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].intent.kind, audit_operation_kind::create);
  const auto& fix = rows[1];
  EXPECT_EQ(fix.intent.kind, audit_operation_kind::deactivate);
  EXPECT_EQ(fix.intent.method, "PATCH");
  EXPECT_EQ(fix.intent.path, "/Users/u1");
  EXPECT_EQ(fix.intent.scim_id, "u1");
  EXPECT_EQ(fix.intent.hr_key, "100");
  EXPECT_TRUE(fix.intent.reason.starts_with(active_correction_reason)) << fix.intent.reason;
  EXPECT_NE(fix.intent.reason.find("8x8 created u100@example.com active though eightsync asked for inactive"),
            std::string::npos)
      << fix.intent.reason;
  ASSERT_TRUE(fix.outcome);
  EXPECT_EQ(fix.outcome->outcome, audit_operation_outcome::ok);
  EXPECT_EQ(fix.outcome->status, 200);
  EXPECT_TRUE(fix.intent.follow_ups.empty()) << "not a leaver: nothing to reclaim";
  EXPECT_TRUE(open_actions(manual_action_kind::reclaim_license_and_number).empty());
  EXPECT_EQ(open_actions(manual_action_kind::assign_license).size(), 1U) << "the create's follow-ups stay";
  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->applied_active, false);
  EXPECT_NE(l->remote_json.find("\"active\":false"), std::string::npos) << "8x8's object after the PATCH";
  EXPECT_NE(logged_.str().find("op.create.corrected hr_key=100 user=u100@example.com id=u1"),
            std::string::npos)
      << logged_.str();
}

TEST_F(executor_start_date, A201WithoutActiveCountsAsActiveAndIsCorrected) {
  const auto p = ada_before_start();
  // 8x8 answers the create without `active`: SCIM's default, true.
  auto answer = scim_object(someone("100", "Ada", "Lovelace"), "u1");
  answer.erase("active");
  port_.script(port_call::create, {.resource = answer});
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "PATCH u1 active=false"}));
  EXPECT_EQ(s.active_corrected, 1U);
  EXPECT_EQ(corrections(cycle).size(), 1U);
  EXPECT_EQ(store_.find_link("100")->applied_active, false);
}

TEST_F(executor_start_date, ACreateThatIsActiveAsAskedIsNotPatched) {
  port_.post_ignores_active(true);
  world w;
  w.add_hr(someone("100", "Ada", "Lovelace"));
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);  // after the start date: asked for active

  EXPECT_EQ(port_.requests(), strings{"POST u100@example.com"});
  EXPECT_EQ(s.active_corrected, 0U);
  EXPECT_EQ(store_.find_link("100")->applied_active, true);
}

TEST_F(executor_start_date, AFailedCorrectionLeavesTheLinkActiveAndIsAuditedAndLogged) {
  port_.post_ignores_active(true);
  port_.script(port_call::set_active, {.outcome = scim_outcome::invalid, .detail = "cannot deactivate"});
  capture_log();
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "PATCH u1 active=false"}));
  EXPECT_EQ(scim_user_codec::read_active(*port_.user("u1")), true);
  EXPECT_EQ(s.ok, 1U) << "the create";
  EXPECT_EQ(s.failed, 1U) << "the correction";
  EXPECT_EQ(s.active_corrected, 0U);
  const auto fix = corrections(cycle);
  ASSERT_EQ(fix.size(), 1U);
  ASSERT_TRUE(fix[0].outcome);
  EXPECT_EQ(fix[0].outcome->outcome, audit_operation_outcome::failed);
  EXPECT_EQ(fix[0].outcome->status, 400);
  EXPECT_NE(fix[0].outcome->error_detail.find("cannot deactivate"), std::string::npos);
  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->scim_id, "u1") << "the create stands";
  EXPECT_EQ(l->applied_active, true) << "what 8x8 really has: the next plan sees it active";
  const std::string text = logged_.str();
  EXPECT_NE(text.find("op.create.correction_failed hr_key=100 user=u100@example.com id=u1"),
            std::string::npos)
      << text;
}

TEST_F(executor_start_date, ACorrectionWhoseAnswerIsLostIsSettledByAGet) {
  port_.post_ignores_active(true);
  port_.script(port_call::set_active, {.outcome = scim_outcome::server, .apply = true});
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "PATCH u1 active=false", "GET u1"}));
  EXPECT_EQ(s.active_corrected, 1U);
  EXPECT_EQ(s.failed, 0U);
  const auto fix = corrections(cycle);
  ASSERT_EQ(fix.size(), 1U);
  EXPECT_EQ(fix[0].outcome->outcome, audit_operation_outcome::resolved_applied);
  EXPECT_EQ(store_.find_link("100")->applied_active, false);
}

TEST_F(executor_start_date, ALostCreateFoundActiveByTheLookupIsCorrected) {
  port_.post_ignores_active(true);
  port_.script(port_call::create, {.outcome = scim_outcome::outcome_unknown, .apply = true});
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(),
            (strings{"POST u100@example.com", "FIND u100@example.com", "PATCH u1 active=false"}));
  EXPECT_EQ(port_.size(), 1U) << "never resent";
  EXPECT_EQ(s.ok, 2U);
  EXPECT_EQ(s.active_corrected, 1U);
  const auto rows = ops(cycle);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].outcome->outcome, audit_operation_outcome::resolved_applied);
  ASSERT_EQ(corrections(cycle).size(), 1U);
  EXPECT_EQ(corrections(cycle)[0].outcome->outcome, audit_operation_outcome::ok);
  EXPECT_EQ(store_.find_link("100")->applied_active, false);
  EXPECT_EQ(scim_user_codec::read_active(*port_.user("u1")), false);
}

TEST_F(executor_start_date, ALostCreateFoundInactiveByTheLookupIsNotPatched) {
  port_.script(port_call::create, {.outcome = scim_outcome::outcome_unknown, .apply = true});
  const auto p = ada_before_start();
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}));
  EXPECT_EQ(s.active_corrected, 0U);
  EXPECT_EQ(store_.find_link("100")->applied_active, false);
}

TEST_F(executor_start_date, AnAccountAdoptedAfterA409IsNeverCorrected) {
  const auto ada = someone("100", "Ada", "Lovelace");
  const auto p = ada_before_start();
  // Created by hand after the plan's listing: the POST meets it (409) and adopts it.
  port_.add(scim_object(ada, "x100"));
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}));
  EXPECT_EQ(s.active_corrected, 0U);
  EXPECT_TRUE(corrections(cycle).empty()) << "someone else's account: the next plan decides";
  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->scim_id, "x100");
  EXPECT_EQ(l->applied_active, true) << "what 8x8 has";
}

TEST_F(executor_start_date, ACorrectionLeftOpenByACrashSetsTheLinkInactiveWhenFoundApplied) {
  const auto ada = someone("100", "Ada", "Lovelace");
  port_.add(scim_object(ada, "u1", false));
  user_link l;
  l.hr_key = "100";
  l.scim_id = "u1";
  l.user_name = ada.un();
  l.how = managed_by::created;
  l.applied_active = true;  // as the create recorded it, before the correction's answer
  store_.upsert_link(l);
  audit_intent i;
  i.kind = audit_operation_kind::deactivate;
  i.hr_key = "100";
  i.scim_id = "u1";
  i.user_name = ada.un();
  i.reason = std::string(active_correction_reason) + " test";
  i.method = "PATCH";
  i.path = "/Users/u1";
  const auto c = begin_cycle();
  audit_.record_intent(c, i);
  audit_.mark_interrupted_cycles();

  const auto cycle = begin_cycle();
  cycle_executor exec(port_, store_, audit_, cycle, protect_, clock_, log_);
  execution_summary s;
  EXPECT_TRUE(run_awaitable(exec.resolve_intents(s)));

  EXPECT_EQ(port_.requests(), strings{"GET u1"});
  EXPECT_TRUE(audit_.unresolved_intents().empty());
  EXPECT_EQ(store_.find_link("100")->applied_active, false);
}

}  // namespace
}  // namespace eightsync::core::engine_test
