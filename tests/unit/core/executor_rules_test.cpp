// cycle_executor, rule by rule, against the scripted 8x8 behind its SCIM port: what it sends (the
// port's request log), what it records (intent and outcome rows, manual actions, backoff) and
// what it links. Plans come from the real planner.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/core/engine_test_support.hpp"

namespace eightsync::core::engine_test {
namespace {

using strings = std::vector<std::string>;

class executor : public engine_fixture {};

audit_operation_row only(const std::vector<audit_operation_row>& rows) {
  EXPECT_EQ(rows.size(), 1U);
  return rows.front();
}

// ---- intent and outcome rows --------------------------------------------------------------------

TEST_F(executor, TheIntentIsCommittedBeforeThePostLeaves) {
  world w;
  const auto ada = someone("100", "Ada", "Lovelace");
  w.add_hr(ada);
  const auto p = plan_now(w);
  ASSERT_EQ(count(p, operation_kind::create), 1U);
  const auto cycle = begin_cycle();
  std::size_t open_while_sent = 0;
  port_.before_each([&](const std::string&) { open_while_sent = audit_.unresolved_intents().size(); });

  const auto s = execute(p, cycle);

  EXPECT_EQ(open_while_sent, 1U) << "the POST left with its intent already committed";
  EXPECT_EQ(port_.requests(), strings{"POST u100@example.com"});
  EXPECT_TRUE(audit_.unresolved_intents().empty());
  EXPECT_EQ(s.ok, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.intent.kind, audit_operation_kind::create);
  EXPECT_EQ(row.intent.method, "POST");
  EXPECT_EQ(row.intent.path, "/Users");
  EXPECT_EQ(row.intent.external_id, "100");
  ASSERT_TRUE(row.outcome);
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::ok);
  EXPECT_EQ(row.outcome->status, 201);
  EXPECT_EQ(row.outcome->attempts, 1U);
  EXPECT_EQ(row.intent.scim_id, "u1") << "the id the answer named";
}

TEST_F(executor, ACreateLinksTheUserAndRaisesItsFollowUps) {
  world w;
  const auto ada = someone("100", "Ada", "Lovelace");
  w.add_hr(ada);
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->scim_id, "u1");
  EXPECT_EQ(l->how, managed_by::created);
  EXPECT_EQ(l->applied_hash, desired(ada).hash);
  EXPECT_EQ(l->applied_active, true);
  EXPECT_FALSE(l->remote_json.empty()) << "8x8's answer is kept for the next PUT";
  EXPECT_EQ(l->fetched_at, t0);
  EXPECT_EQ(s.manual_actions_raised, 2U);
  ASSERT_EQ(open_actions(manual_action_kind::assign_license).size(), 1U);
  EXPECT_EQ(open_actions(manual_action_kind::assign_license)[0].action.scim_id, "u1");
  EXPECT_EQ(open_actions(manual_action_kind::show_in_directory).size(), 1U);
}

TEST_F(executor, AnUpdatePutsTheWholeObjectAndRecordsWhatWasApplied) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  const auto p = plan_now(w);
  ASSERT_EQ(count(p, operation_kind::update), 1U);
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), strings{"PUT x200"});
  EXPECT_EQ(s.ok, 1U);
  EXPECT_EQ(scim_user_codec::read(*port_.user("x200"), attribute::title), "Site Manager");
  EXPECT_EQ(scim_user_codec::read(*port_.user("x200"), attribute::locale), "en-GB") << "unowned kept";
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.intent.method, "PUT");
  EXPECT_EQ(row.intent.path, "/Users/x200");
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::ok);
  ASSERT_EQ(row.intent.diffs.size(), 1U);
  EXPECT_EQ(row.intent.diffs[0].before, "Account Executive");
  EXPECT_EQ(row.intent.diffs[0].after, "Site Manager");
  const auto l = store_.find_link("200");
  EXPECT_EQ(l->applied_hash, desired(bob).hash);
  EXPECT_NE(l->remote_json.find("Site Manager"), std::string::npos);
}

TEST_F(executor, ADeactivationPatchesActiveAndRaisesTheReclaimAction) {
  auto cy = someone("300", "Cy", "Twombly");
  synced(cy, "x300");
  cy.active = false;
  world w;
  w.add_hr(cy);
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), strings{"PATCH x300 active=false"});
  EXPECT_EQ(s.ok, 1U);
  EXPECT_EQ(scim_user_codec::read_active(*port_.user("x300")), false);
  EXPECT_EQ(store_.find_link("300")->applied_active, false);
  EXPECT_EQ(only(ops(cycle)).intent.method, "PATCH");
  EXPECT_EQ(open_actions(manual_action_kind::reclaim_license_and_number).size(), 1U);
}

TEST_F(executor, AnAdoptionSendsNothingAndLinksTheUser) {
  const auto dee = someone("400", "Dee", "Dee");
  port_.add(scim_object(dee, "x400"));
  world w;
  w.add_hr(dee);
  const auto p = plan_now(w);
  ASSERT_EQ(count(p, operation_kind::adopt), 1U);
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_TRUE(port_.requests().empty());
  EXPECT_EQ(s.ok, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.intent.kind, audit_operation_kind::adopt);
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::ok);
  EXPECT_EQ(row.outcome->resolved_by, audit_resolution::local);
  EXPECT_EQ(store_.find_link("400")->how, managed_by::matched);
}

// ---- a lost or cut-short answer, or a 5xx -------------------------------------------------------

TEST_F(executor, ALostPostThatWasAppliedIsFoundByLookupNeverResent) {
  world w;
  w.add_hr(someone("100", "Ada", "Lovelace"));
  port_.script(port_call::create, {.outcome = scim_outcome::outcome_unknown, .apply = true});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}));
  EXPECT_EQ(port_.size(), 1U) << "one user, no duplicate";
  EXPECT_EQ(s.ok, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::resolved_applied);
  EXPECT_EQ(row.outcome->resolved_by, audit_resolution::lookup);
  EXPECT_EQ(row.intent.scim_id, "u1");
  EXPECT_EQ(store_.find_link("100")->scim_id, "u1");
  EXPECT_EQ(open_actions(manual_action_kind::assign_license).size(), 1U) << "follow-ups still raised";
}

TEST_F(executor, ALostPostThatWasNotAppliedIsRecordedAndBacksOffNeverResent) {
  world w;
  w.add_hr(someone("100", "Ada", "Lovelace"));
  port_.script(port_call::create, {.outcome = scim_outcome::outcome_unknown});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}));
  EXPECT_EQ(port_.size(), 0U);
  EXPECT_EQ(s.failed, 1U);
  EXPECT_EQ(only(ops(cycle)).outcome->outcome, audit_operation_outcome::resolved_not_applied);
  EXPECT_FALSE(store_.find_link("100"));
  EXPECT_TRUE(backs_off("100", cycle));
}

TEST_F(executor, ALostPostWhoseLookupFailsStaysOpenForTheNextStart) {
  world w;
  w.add_hr(someone("100", "Ada", "Lovelace"));
  port_.script(port_call::create, {.outcome = scim_outcome::outcome_unknown, .apply = true});
  port_.script(port_call::find, {.outcome = scim_outcome::transport});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(s.failed, 1U);
  EXPECT_FALSE(s.auth_failed);
  EXPECT_FALSE(only(ops(cycle)).outcome) << "no outcome guessed: the next start looks it up";
  EXPECT_EQ(audit_.unresolved_intents().size(), 1U);
  EXPECT_FALSE(store_.find_link("100"));
}

TEST_F(executor, ALostPostWhoseLookupMeets401StopsTheCycleAndStaysOpen) {
  world w;
  w.add_hr(someone("100", "Ada", "Lovelace"));
  w.add_hr(someone("101", "Bea", "Lovelace"));
  port_.script(port_call::create, {.outcome = scim_outcome::outcome_unknown, .apply = true});
  port_.script(port_call::find, {.outcome = scim_outcome::auth_failed});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_TRUE(s.auth_failed);
  EXPECT_NE(s.error.find("401"), std::string::npos);
  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}))
      << "nothing more was sent";
  EXPECT_EQ(audit_.unresolved_intents().size(), 1U);
  EXPECT_EQ(ops(cycle).back().outcome->outcome, audit_operation_outcome::skipped);
}

struct uncertain_case {
  const char* name;
  scim_outcome outcome;
};

class executor_uncertain : public executor, public ::testing::WithParamInterface<uncertain_case> {};

TEST_P(executor_uncertain, APutWhoseAnswerIsUnclearIsSettledByOneGet) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  port_.script(port_call::replace, {.outcome = GetParam().outcome, .apply = true});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), (strings{"PUT x200", "GET x200"})) << "settled by a GET, not resent";
  EXPECT_EQ(s.ok, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::resolved_applied);
  EXPECT_EQ(row.outcome->resolved_by, audit_resolution::lookup);
  EXPECT_NE(row.outcome->error_detail.find("a GET showed 8x8 applied it"), std::string::npos);
  EXPECT_EQ(store_.find_link("200")->applied_hash, desired(bob).hash);
  EXPECT_FALSE(backs_off("200", cycle));
}

TEST_P(executor_uncertain, APutThatWasNotAppliedIsAFailureThatBacksOff) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  port_.script(port_call::replace, {.outcome = GetParam().outcome});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), (strings{"PUT x200", "GET x200"}));
  EXPECT_EQ(s.failed, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::resolved_not_applied);
  EXPECT_NE(row.outcome->error_detail.find("did not apply it"), std::string::npos);
  EXPECT_NE(store_.find_link("200")->applied_hash, desired(bob).hash) << "nothing recorded as applied";
  EXPECT_TRUE(backs_off("200", cycle));
}

TEST_P(executor_uncertain, APatchWhoseAnswerIsUnclearIsSettledByOneGet) {
  auto cy = someone("300", "Cy", "Twombly");
  synced(cy, "x300");
  cy.active = false;
  world w;
  w.add_hr(cy);
  port_.script(port_call::set_active, {.outcome = GetParam().outcome, .apply = true});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), (strings{"PATCH x300 active=false", "GET x300"}));
  EXPECT_EQ(s.ok, 1U);
  EXPECT_EQ(only(ops(cycle)).outcome->outcome, audit_operation_outcome::resolved_applied);
  EXPECT_EQ(store_.find_link("300")->applied_active, false);
  EXPECT_EQ(open_actions(manual_action_kind::reclaim_license_and_number).size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(answers, executor_uncertain,
                         ::testing::Values(uncertain_case{"lost", scim_outcome::transport},
                                           uncertain_case{"cut_short", scim_outcome::protocol},
                                           uncertain_case{"server_error", scim_outcome::server}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(executor, AnUnclearPutWhoseGetFailsTooIsRecordedFailedWithBothErrors) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  port_.script(port_call::replace, {.outcome = scim_outcome::server, .detail = "gateway timeout"});
  port_.script(port_call::get, {.outcome = scim_outcome::transport, .detail = "connection reset"});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(s.failed, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::failed);
  EXPECT_NE(row.outcome->error_detail.find("gateway timeout"), std::string::npos);
  EXPECT_NE(row.outcome->error_detail.find("reading the user to settle it gave transport: connection reset"),
            std::string::npos);
}

TEST_F(executor, AnUnclearPatchWhoseGetMeets401StopsTheCycleAndStaysOpen) {
  auto cy = someone("300", "Cy", "Twombly");
  synced(cy, "x300");
  cy.active = false;
  world w;
  w.add_hr(cy);
  port_.script(port_call::set_active, {.outcome = scim_outcome::transport});
  port_.script(port_call::get, {.outcome = scim_outcome::auth_failed});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_TRUE(s.auth_failed);
  EXPECT_EQ(audit_.unresolved_intents().size(), 1U);
}

TEST_F(executor, ARefusedWriteIsNotSettledByAGet) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  port_.script(port_call::replace, {.outcome = scim_outcome::invalid, .detail = "title too long"});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), strings{"PUT x200"}) << "a 4xx is a refusal: no GET";
  EXPECT_EQ(s.failed, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::failed);
  EXPECT_EQ(row.outcome->status, 400);
  EXPECT_EQ(row.outcome->error_detail, "invalid: title too long");
  EXPECT_TRUE(backs_off("200", cycle));
}

// ---- a refused externalId -------------------------------------------------------------------------

// An account that types externalId as an integer answers 400 to "E100": the POST goes again
// without it, and no other write this cycle carries one. One cycle-level flag, no user failure.
// Two people for a new 8x8 account, without a site (a site no user carries is blamed first).
std::vector<person> siteless_pair() {
  std::vector<person> out{someone("E100", "Ada", "Lovelace"), someone("E101", "Bob", "Builder")};
  for (auto& p : out)
    p.site = "";
  return out;
}

TEST_F(executor, ARefusedNonNumericExternalIdIsDroppedForTheRestOfTheCycle) {
  world w;
  for (const auto& p : siteless_pair())
    w.add_hr(p);
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "externalId: not an integer"});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(),
            (strings{"POST uE100@example.com", "POST uE100@example.com", "POST uE101@example.com"}));
  EXPECT_TRUE(s.external_id_refused);
  EXPECT_EQ(s.ok, 2U);
  EXPECT_EQ(s.failed, 0U);
  EXPECT_FALSE(backs_off("E100", cycle));
  for (const auto* id : {"u1", "u2"}) {
    ASSERT_NE(port_.user(id), nullptr);
    EXPECT_FALSE(port_.user(id)->contains("externalId")) << id;
  }
  const auto rows = ops(cycle);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].intent.external_id, "E100");
  EXPECT_EQ(rows[0].outcome->outcome, audit_operation_outcome::failed);
  EXPECT_EQ(rows[0].outcome->error_detail, "400 with a non-numeric externalId: sent again without it");
  EXPECT_EQ(rows[1].intent.external_id, "") << "the body sent is the one recorded";
  EXPECT_EQ(rows[1].outcome->outcome, audit_operation_outcome::ok);
  EXPECT_EQ(rows[2].intent.external_id, "");
}

// A 400 the same write without externalId gets too is about something else: the user's failure,
// and the rest of the cycle still sends externalId.
TEST_F(executor, A400ThatStaysWithoutTheExternalIdIsTheUsersFailure) {
  world w;
  for (const auto& p : siteless_pair())
    w.add_hr(p);
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "title too long"});
  port_.script(port_call::create, {.outcome = scim_outcome::invalid, .detail = "title too long"});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_FALSE(s.external_id_refused);
  EXPECT_EQ(s.failed, 1U);
  EXPECT_TRUE(backs_off("E100", cycle));
  const auto* bob = port_.user("u1");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->at("externalId"), "E101");
}

// An update whose only change is a refused externalId: the probe PUT goes without it; later
// updates that only change externalId are not sent at all.
TEST_F(executor, AnUpdateChangingOnlyARefusedExternalIdIsNotSent) {
  auto a = someone("E200", "Cy", "Twombly");
  auto b = someone("E201", "Di", "Fossey");
  // In 8x8 without an externalId (the account refused it), linked; HR maps "E200".
  for (const auto& [p, id] : {std::pair{a, std::string("x200")}, std::pair{b, std::string("x201")}}) {
    auto o = scim_object(p, id, true);
    o.erase("externalId");
    port_.add(std::move(o));
    link(p, id);
  }
  world w;
  w.add_hr(a);
  w.add_hr(b);
  port_.script(port_call::replace, {.outcome = scim_outcome::invalid});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(port_.requests(), (strings{"PUT x200", "PUT x200"}));
  EXPECT_TRUE(s.external_id_refused);
  EXPECT_EQ(s.failed, 0U);
  EXPECT_EQ(s.skipped, 1U);
  const auto rows = ops(cycle);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[2].outcome->outcome, audit_operation_outcome::skipped);
  EXPECT_EQ(rows[2].outcome->error_detail,
            "not sent: only externalId changes, and 8x8 refuses non-numeric externalIds");
}

// ---- 409 under each adoption rule ---------------------------------------------------------------

// A create planned from a listing that did not show the user yet (someone made it by hand since):
// the POST meets a 409, and the userName's owner is looked up.
class executor_409 : public executor {
 protected:
  person ada_ = someone("100", "Ada", "Lovelace");
  std::int64_t cycle_ = 0;

  execution_summary create_into(json::object existing, planner_options options = relaxed_options()) {
    world w;
    w.options = options;
    w.add_hr(ada_);
    const auto p = plan_now(w);
    EXPECT_EQ(count(p, operation_kind::create), 1U);
    port_.add(std::move(existing));
    cycle_ = begin_cycle();
    return execute(p, cycle_);
  }
  json::object existing(bool active = true) {
    auto o = scim_object(ada_, "h1", active, false);
    return o;
  }
};

TEST_F(executor_409, AdoptsAnActiveUnlinkedUserWithoutExternalId) {
  const auto s = create_into(existing());

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}));
  EXPECT_EQ(s.ok, 1U);
  EXPECT_EQ(s.conflicts, 0U);
  const auto rows = ops(cycle_);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].outcome->outcome, audit_operation_outcome::conflict);
  EXPECT_EQ(rows[0].outcome->status, 409);
  EXPECT_NE(rows[0].outcome->error_detail.find("adopted 8x8 user h1"), std::string::npos);
  EXPECT_EQ(rows[1].intent.kind, audit_operation_kind::adopt);
  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->scim_id, "h1");
  EXPECT_EQ(l->how, managed_by::matched);
  EXPECT_FALSE(l->applied_hash) << "attributes may differ: the next cycle compares them all";
}

TEST_F(executor_409, AdoptsAUserCarryingTheMappedExternalIdNotTheHrKey) {
  // The mapping writes externalId "E-100" for HR key 100: that is what the row claims.
  auto o = existing();
  o["externalId"] = "E-100";
  world w;
  auto& d = w.add_hr(ada_);
  d.set(attribute::external_id, "E-100");
  d.hash = content_hash(d);
  const auto p = plan_now(w);
  ASSERT_EQ(count(p, operation_kind::create), 1U);
  EXPECT_EQ(p.operations[0].claimed_external_id, "E-100");
  port_.add(std::move(o));
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(s.conflicts, 0U) << "E-100 is this row's own externalId";
  EXPECT_EQ(store_.find_link("100")->scim_id, "h1");
}

TEST_F(executor_409, RefusesAUserCarryingTheHrKeyWhenTheMappingClaimsAnother) {
  auto o = existing();
  o["externalId"] = "100";
  world w;
  auto& d = w.add_hr(ada_);
  d.set(attribute::external_id, "E-100");
  d.hash = content_hash(d);
  const auto p = plan_now(w);
  port_.add(std::move(o));
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_FALSE(store_.find_link("100"));
  EXPECT_NE(only(ops(cycle)).outcome->error_detail.find("carries externalId \"100\""), std::string::npos);
}

TEST_F(executor_409, RefusesAUserWithAnotherExternalId) {
  auto o = existing();
  o["externalId"] = "999";
  const auto s = create_into(std::move(o));

  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_FALSE(store_.find_link("100"));
  const auto row = only(ops(cycle_));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::conflict);
  EXPECT_EQ(row.outcome->error_detail, "409: 8x8 user h1 has this userName but carries externalId \"999\"");
  const auto actions = open_actions(manual_action_kind::resolve_conflict);
  ASSERT_EQ(actions.size(), 1U);
  EXPECT_EQ(actions[0].action.dedupe_key, "resolve_conflict:100:409");
  EXPECT_NE(actions[0].action.text.find("eightsync link 100 ID"), std::string::npos);
}

TEST_F(executor_409, RefusesAProtectedUser) {
  // The planner never plans a create for a protected userName, so only the executor can show
  // this rule: the options the plan was made with did not protect it, the executor's do.
  const auto p = [&] {
    world w;
    w.add_hr(ada_);
    return plan_now(w);
  }();
  protect_ = protect_list({"U100@*"});
  port_.add(existing());
  cycle_ = begin_cycle();
  const auto s = execute(p, cycle_);

  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_EQ(s.ok, 0U);
  EXPECT_FALSE(store_.find_link("100")) << "a protected user is never adopted";
  EXPECT_NE(only(ops(cycle_)).outcome->error_detail.find("on the protect list"), std::string::npos);
}

TEST_F(executor_409, RefusesADeactivatedUser) {
  const auto s = create_into(existing(false));
  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_FALSE(store_.find_link("100"));
  EXPECT_NE(only(ops(cycle_)).outcome->error_detail.find("is deactivated"), std::string::npos);
}

TEST_F(executor_409, RefusesAUserLinkedToAnotherKey) {
  const auto other = someone("555", "Zed", "Other");
  link(other, "h1");
  // The plan comes from a listing made before h1 existed, which shows none of the (one) linked
  // users: off with the listing-trust hold, so that the create reaches the executor.
  auto options = relaxed_options();
  options.safety.min_listed_linked_percent = 0;
  const auto s = create_into(existing(), options);
  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_EQ(store_.find_link("555")->scim_id, "h1") << "the other key's link is untouched";
  EXPECT_FALSE(store_.find_link("100"));
  EXPECT_NE(only(ops(cycle_)).outcome->error_detail.find("linked to HR key 555"), std::string::npos);
}

// userName is unique across all of 8x8: a 409 while no user here has the name means another
// account has it. A manual action; the create waits for a new userName or for the action to be
// resolved, instead of meeting the same 409 every cycle.
TEST_F(executor_409, ANameTakenInAnotherAccountWaitsForANewNameOrTheAdmin) {
  port_.script(port_call::create, {.outcome = scim_outcome::conflict});
  world w;
  w.add_hr(ada_);
  auto p = plan_now(w);
  ASSERT_EQ(count(p, operation_kind::create), 1U);
  cycle_ = begin_cycle();
  const auto s = execute(p, cycle_);

  EXPECT_EQ(port_.requests(), (strings{"POST u100@example.com", "FIND u100@example.com"}));
  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_FALSE(store_.find_link("100"));
  EXPECT_FALSE(backs_off("100", cycle_)) << "not a failure: nothing to retry until something changes";
  const auto row = only(ops(cycle_));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::conflict);
  EXPECT_EQ(row.outcome->error_detail,
            "409: userName u100@example.com is taken in another 8x8 account (no user here has it)");
  auto actions = open_actions(manual_action_kind::user_name_taken_elsewhere);
  ASSERT_EQ(actions.size(), 1U);
  EXPECT_EQ(actions[0].action.dedupe_key, "user_name_taken_elsewhere:100:u100@example.com");
  EXPECT_NE(actions[0].action.text.find("Change this person's userName mapping or value"), std::string::npos);
  EXPECT_TRUE(open_actions(manual_action_kind::resolve_conflict).empty());

  // The next cycles: no POST while the name and the action stay.
  p = plan_now(w);
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  ASSERT_EQ(p.skipped.size(), 1U);
  EXPECT_NE(p.skipped[0].reason.find("taken in another 8x8 account"), std::string::npos);

  // A new userName is a new try.
  person renamed = ada_;
  renamed.user_name = "ada.lovelace@example.com";
  world w2;
  w2.add_hr(renamed);
  EXPECT_EQ(count(plan_now(w2), operation_kind::create), 1U);

  // So is resolving the action, with the same name.
  const std::vector<std::int64_t> ids{actions[0].id};
  EXPECT_EQ(audit_.resolve_manual_actions(ids, "admin", "renamed the other account's user"), 1U);
  EXPECT_EQ(count(plan_now(w), operation_kind::create), 1U);
}

TEST_F(executor_409, AFailedLookupIsAConflictNotAGuess) {
  port_.script(port_call::find, {.outcome = scim_outcome::server});
  const auto s = create_into(existing());
  EXPECT_EQ(s.conflicts, 1U);
  EXPECT_FALSE(store_.find_link("100"));
  EXPECT_NE(only(ops(cycle_)).outcome->error_detail.find("the lookup after the 409 gave server"),
            std::string::npos);
}

// ---- 401 ------------------------------------------------------------------------------------------

TEST_F(executor, A401StopsTheCycleAndTheRestIsRecordedNotSent) {
  auto a = someone("300", "Cy", "Twombly");
  auto b = someone("301", "Di", "Twombly");
  synced(a, "x300");
  synced(b, "x301");
  a.active = b.active = false;
  world w;
  w.add_hr(a);
  w.add_hr(b);
  w.add_hr(someone("302", "Ed", "New"));
  port_.script(port_call::set_active, {.outcome = scim_outcome::auth_failed});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_TRUE(s.auth_failed);
  EXPECT_EQ(port_.requests(), strings{"PATCH x300 active=false"}) << "nothing after the 401";
  EXPECT_EQ(s.failed, 1U);
  EXPECT_EQ(s.skipped, 2U);
  const auto rows = ops(cycle);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].outcome->outcome, audit_operation_outcome::failed);
  EXPECT_EQ(rows[0].outcome->status, 401);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].outcome->outcome, audit_operation_outcome::skipped);
    EXPECT_NE(rows[i].outcome->error_detail.find("401"), std::string::npos);
  }
  EXPECT_FALSE(backs_off("300", cycle)) << "the token failed, not the user";
}

// ---- 403 ------------------------------------------------------------------------------------------

TEST_F(executor, OneForbiddenWriteIsThatUsersFailureAndTheRestGoesOn) {
  auto a = someone("300", "Cy", "Twombly");
  auto b = someone("301", "Di", "Twombly");
  synced(a, "x300");
  synced(b, "x301");
  a.active = b.active = false;
  world w;
  w.add_hr(a);
  w.add_hr(b);
  port_.script(port_call::set_active, {.outcome = scim_outcome::write_forbidden});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_FALSE(s.write_forbidden);
  EXPECT_EQ(port_.requests(), (strings{"PATCH x300 active=false", "PATCH x301 active=false"}));
  EXPECT_EQ(s.failed, 1U);
  EXPECT_EQ(s.ok, 1U);
  EXPECT_TRUE(backs_off("300", cycle)) << "a lone 403 backs that user off";
  EXPECT_FALSE(backs_off("301", cycle));
}

TEST_F(executor, ForbiddenWritesForTwoUsersTurnTheCycleReadOnly) {
  auto a = someone("300", "Cy", "Twombly");
  auto b = someone("301", "Di", "Twombly");
  auto c = someone("302", "Ed", "Twombly");
  synced(a, "x300");
  synced(b, "x301");
  synced(c, "x302");
  a.active = b.active = c.active = false;
  world w;
  w.add_hr(a);
  w.add_hr(b);
  w.add_hr(c);
  const auto dee = someone("400", "Dee", "Dee");
  port_.add(scim_object(dee, "x400"));
  w.add_hr(dee);  // an adoption: no request, so read-only does not stop it
  port_.script(port_call::set_active, {.outcome = scim_outcome::write_forbidden});
  port_.script(port_call::set_active, {.outcome = scim_outcome::write_forbidden});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_TRUE(s.write_forbidden);
  EXPECT_NE(s.error.find("403 to writes for 2 different users"), std::string::npos);
  EXPECT_EQ(port_.requests(), (strings{"PATCH x300 active=false", "PATCH x301 active=false"}));
  EXPECT_EQ(s.skipped, 1U) << "the third PATCH";
  EXPECT_EQ(store_.find_link("400")->scim_id, "x400") << "the adoption sends nothing and still runs";
  EXPECT_FALSE(backs_off("300", cycle)) << "the account is read-only, not these users";
  EXPECT_FALSE(backs_off("301", cycle));
}

// ---- backoff --------------------------------------------------------------------------------------

TEST_F(executor, AUserBackingOffIsRecordedSkippedAndNotSent) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle, {"200"});

  EXPECT_TRUE(port_.requests().empty());
  EXPECT_EQ(s.skipped, 1U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::skipped);
  EXPECT_NE(row.outcome->error_detail.find("backing off"), std::string::npos);
}

TEST_F(executor, AFailureBacksTheUserOffAndASuccessEndsIt) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  world w;
  w.add_hr(bob);
  port_.script(port_call::replace, {.outcome = scim_outcome::invalid});
  const auto first = begin_cycle();
  execute(plan_now(w), first);
  EXPECT_TRUE(backs_off("200", first));
  audit_.end_cycle(first, {});

  const auto second = begin_cycle();
  const auto s = execute(plan_now(w), second);
  EXPECT_EQ(s.ok, 1U);
  EXPECT_TRUE(audit_.failing_users().empty()) << "a success ends the backoff";
}

TEST_F(executor, AnUpdateWaitingOnAFailedReactivationIsSkipped) {
  auto eve = someone("500", "Eve", "Rehire");
  port_.add(scim_object(eve, "x500", false));
  link(eve, "x500", false);  // eightsync deactivated her
  eve.title = "Returning Engineer";
  world w;
  w.add_hr(eve);
  const auto p = plan_now(w);
  ASSERT_EQ(count(p, operation_kind::reactivate), 1U);
  ASSERT_EQ(count(p, operation_kind::update), 1U);
  port_.script(port_call::set_active, {.outcome = scim_outcome::invalid});
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(port_.requests(), strings{"PATCH x500 active=true"}) << "no PUT after the failed reactivation";
  EXPECT_EQ(s.failed, 1U);
  EXPECT_EQ(s.skipped, 1U);
  EXPECT_NE(ops(cycle).back().outcome->error_detail.find("this user's reactivate did not succeed"),
            std::string::npos);
}

// ---- attributes 8x8 did not apply -----------------------------------------------------------------

TEST_F(executor, AttributesThePutDidNotApplyBecomeManualActionsNotRetries) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  bob.department = "Construction";
  world w;
  w.add_hr(bob);
  port_.script(port_call::replace,
               {.not_applied = {"title", "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site"}});
  const auto cycle = begin_cycle();
  const auto s = execute(plan_now(w), cycle);

  EXPECT_EQ(s.not_applied, 1U);
  EXPECT_EQ(s.ok, 0U);
  const auto row = only(ops(cycle));
  EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::not_applied);
  EXPECT_EQ(row.outcome->error_detail,
            "8x8 did not apply: title urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site");
  ASSERT_EQ(open_actions(manual_action_kind::set_by_hand).size(), 1U);
  EXPECT_EQ(open_actions(manual_action_kind::set_by_hand)[0].action.dedupe_key, "not_applied:200:x200:title");
  EXPECT_EQ(open_actions(manual_action_kind::change_site).size(), 1U) << "site is write-once";
  EXPECT_EQ(store_.find_link("200")->applied_hash, desired(bob).hash)
      << "recorded as applied: the next cycle does not send it again";
  EXPECT_FALSE(backs_off("200", cycle));
}

// ---- link refreshes and stop ----------------------------------------------------------------------

TEST_F(executor, LinkRefreshesAreRecordedWithoutARequest) {
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  store_.record_applied_active("200", false);  // 8x8 and HR agree on active; the link lags
  world w;
  w.add_hr(bob);
  const auto p = plan_now(w);
  ASSERT_EQ(p.link_refreshes.size(), 1U);
  const auto cycle = begin_cycle();
  execute(p, cycle);
  EXPECT_TRUE(port_.requests().empty());
  EXPECT_EQ(store_.find_link("200")->applied_active, true);
}

TEST_F(executor, AStopRequestSendsNothingNewAndRecordsNothingUnsent) {
  auto a = someone("300", "Cy", "Twombly");
  auto b = someone("301", "Di", "Twombly");
  synced(a, "x300");
  synced(b, "x301");
  a.active = b.active = false;
  world w;
  w.add_hr(a);
  w.add_hr(b);
  const auto p = plan_now(w);
  std::atomic<bool> stop{false};
  port_.before_each([&](const std::string&) { stop = true; });  // SIGTERM during the first PATCH
  const auto cycle = begin_cycle();
  cycle_executor exec(port_, store_, audit_, cycle, protect_, clock_, log_);
  execution_summary s;
  run_awaitable(exec.execute(p, {}, s, &stop));

  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(port_.requests(), strings{"PATCH x300 active=false"});
  EXPECT_EQ(ops(cycle).size(), 1U) << "the unsent PATCH is planned afresh next cycle, not recorded";
}

TEST_F(executor, AWriteThePortDidNotSendIsSkippedWithoutBackoff) {
  // The port sent nothing (eightsync is stopping during a pause, or `sync` refused a wait longer
  // than --max-wait): the intent gets an outcome, and the user is not blamed.
  auto bob = someone("200", "Bob", "Builder");
  synced(bob, "x200");
  bob.title = "Site Manager";
  const auto ada = someone("100", "Ada", "Lovelace");
  world w;
  w.add_hr(bob);
  w.add_hr(ada);
  const std::string why = "not sent: eightsync is stopping";
  port_.script(port_call::replace, {.outcome = scim_outcome::rate_limited, .detail = why, .attempts = 0});
  port_.script(port_call::create, {.outcome = scim_outcome::rate_limited, .detail = why, .attempts = 0});
  const auto p = plan_now(w);
  const auto sent_before = port_.tally().sent;  // the plan's reads
  const auto cycle = begin_cycle();
  const auto s = execute(p, cycle);

  EXPECT_EQ(s.skipped, 2U);
  EXPECT_EQ(s.failed, 0U);
  EXPECT_TRUE(audit_.unresolved_intents().empty()) << "every intent has an outcome";
  for (const auto& row : ops(cycle)) {
    ASSERT_TRUE(row.outcome);
    EXPECT_EQ(row.outcome->outcome, audit_operation_outcome::skipped);
    EXPECT_EQ(row.outcome->error_detail, why);
  }
  EXPECT_FALSE(backs_off("200", cycle));
  EXPECT_FALSE(backs_off("100", cycle));
  EXPECT_TRUE(audit_.failing_users().empty());
  EXPECT_EQ(port_.tally().sent, sent_before) << "nothing counted as sent";
}

// ---- settling an earlier run's open intents ----------------------------------------------------

class executor_resolve : public executor {
 protected:
  execution_summary resolve(bool& go_on) {
    const auto cycle = begin_cycle();
    cycle_executor exec(port_, store_, audit_, cycle, protect_, clock_, log_);
    execution_summary s;
    go_on = run_awaitable(exec.resolve_intents(s));
    return s;
  }
  std::int64_t open_intent(audit_intent i) {
    const auto c = begin_cycle();
    const auto id = audit_.record_intent(c, i);
    audit_.mark_interrupted_cycles();
    return id;
  }
};

TEST_F(executor_resolve, AnOpenCreateFoundByUserNameBecomesAManagedLink) {
  const auto ada = someone("100", "Ada", "Lovelace");
  port_.add(scim_object(ada, "u7"));
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "100";
  i.user_name = ada.un();
  i.method = "POST";
  i.path = "/Users";
  i.diffs = {{attribute::title, "", ada.title}};
  const auto op = open_intent(i);
  bool go_on = false;
  resolve(go_on);

  EXPECT_TRUE(go_on);
  EXPECT_EQ(port_.requests(), strings{"FIND u100@example.com"});
  EXPECT_TRUE(audit_.unresolved_intents().empty());
  const auto history = audit_.user_history("100");
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].id, op);
  EXPECT_EQ(history[0].outcome->outcome, audit_operation_outcome::resolved_applied);
  const auto l = store_.find_link("100");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->scim_id, "u7");
  EXPECT_EQ(l->how, managed_by::created);
  EXPECT_FALSE(l->applied_hash) << "the next cycle compares every attribute";
}

TEST_F(executor_resolve, AnOpenPatchIsComparedWithWhatWasSent) {
  const auto cy = someone("300", "Cy", "Twombly");
  synced(cy, "x300");
  audit_intent i;
  i.kind = audit_operation_kind::deactivate;
  i.hr_key = "300";
  i.scim_id = "x300";
  i.user_name = cy.un();
  i.method = "PATCH";
  i.path = "/Users/x300";
  open_intent(i);
  bool go_on = false;
  resolve(go_on);

  EXPECT_EQ(port_.requests(), strings{"GET x300"});
  EXPECT_EQ(audit_.user_history("300")[0].outcome->outcome, audit_operation_outcome::resolved_not_applied)
      << "8x8 still shows the user active";
}

TEST_F(executor_resolve, AnOpenCreateNobodyHoldsWasNotApplied) {
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "100";
  i.user_name = "u100@example.com";
  open_intent(i);
  bool go_on = false;
  resolve(go_on);
  EXPECT_EQ(audit_.user_history("100")[0].outcome->outcome, audit_operation_outcome::resolved_not_applied);
  EXPECT_FALSE(store_.find_link("100"));
}

TEST_F(executor_resolve, ALookupThatFailsLeavesTheIntentForTheNextStart) {
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "100";
  i.user_name = "u100@example.com";
  open_intent(i);
  port_.script(port_call::find, {.outcome = scim_outcome::transport});
  bool go_on = false;
  resolve(go_on);
  EXPECT_TRUE(go_on);
  EXPECT_EQ(audit_.unresolved_intents().size(), 1U);
}

TEST_F(executor_resolve, A401StopsTheCycle) {
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "100";
  i.user_name = "u100@example.com";
  open_intent(i);
  port_.script(port_call::find, {.outcome = scim_outcome::auth_failed});
  bool go_on = true;
  const auto s = resolve(go_on);
  EXPECT_FALSE(go_on);
  EXPECT_TRUE(s.auth_failed);
  EXPECT_EQ(audit_.unresolved_intents().size(), 1U);
}

}  // namespace
}  // namespace eightsync::core::engine_test
