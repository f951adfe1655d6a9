// audit_log: cycles, the intent/outcome pair of each operation (and what survives a crash),
// redaction, counts, reading back, and the 0003 migration with its views.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/audit_log.hpp"
#include "core/state_error.hpp"
#include "migrations/embedded_migrations.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using namespace std::chrono_literals;
using testing::temp_dir;
using testing::test_url;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const state_error& e) {
    return e.what();
  }
  return "(no state_error thrown)";
}

audit_intent create_intent(std::string key) {
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = std::move(key);
  i.user_name = "Ada.Lovelace@example.com";
  i.external_id = i.hr_key;
  i.reason = "new in HR";
  i.diffs = {{attribute::user_name, "", "Ada.Lovelace@example.com"}, {attribute::title, "", "Engineer"}};
  i.method = "POST";
  i.path = "/Users";
  i.body_json = R"({"userName":"Ada.Lovelace@example.com"})";
  return i;
}

audit_intent update_intent(std::string key, std::string id) {
  audit_intent i;
  i.kind = audit_operation_kind::update;
  i.hr_key = std::move(key);
  i.scim_id = std::move(id);
  i.user_name = "bob@example.com";
  i.reason = "title changed in HR";
  i.diffs = {{attribute::title, "Clerk", "Manager \"Ops\""}};
  i.method = "PUT";
  i.path = "/Users/" + i.scim_id;
  i.body_json = R"({"id":")" + i.scim_id + R"("})";
  return i;
}

audit_outcome ok_response(int status) {
  audit_outcome o;
  o.outcome = audit_operation_outcome::ok;
  o.resolved_by = audit_resolution::response;
  o.status = status;
  o.attempts = 1;
  o.latency = 120ms;
  return o;
}

class audit_log_test : public ::testing::Test {
 protected:
  manual_clock clock_;
  state_store store_{state_store::in_memory, test_url};
  audit_log log_{store_, clock_};

  std::int64_t cycle(cycle_kind kind = cycle_kind::incremental) {
    return log_.begin_cycle({kind, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});
  }
};

// ---- cycles -------------------------------------------------------------------------------------

TEST_F(audit_log_test, a_cycle_is_recorded_from_begin_to_end) {
  const auto id =
      log_.begin_cycle({cycle_kind::incremental, cycle_trigger::schedule, "/srv/hr.csv", std::nullopt});
  auto running = log_.cycle(id);
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->started_at, clock_.now());
  EXPECT_FALSE(running->ended_at.has_value());
  EXPECT_FALSE(running->outcome.has_value());
  EXPECT_EQ(running->trigger, cycle_trigger::schedule);
  EXPECT_FALSE(running->rows_read.has_value());

  clock_.advance(90s);
  audit_cycle_end end;
  end.outcome = cycle_outcome::partial;
  end.error = "1 user failed";
  end.requests_planned = 12;
  end.requests_sent = 15;
  end.cost.retried = 2;
  end.cost.responses_429 = 1;
  end.cost.rate_limit_wait = 2500ms;
  end.source_sha256 = "ab12";
  end.rows_read = 30;
  end.rows_in_scope = 29;
  end.rows_quarantined = 1;
  end.kind = cycle_kind::full;
  log_.end_cycle(id, end);

  const auto done = log_.cycle(id);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->ended_at, clock_.now());
  EXPECT_EQ(done->outcome, cycle_outcome::partial);
  EXPECT_EQ(done->error, "1 user failed");
  EXPECT_EQ(done->requests_planned, 12u);
  EXPECT_EQ(done->requests_sent, 15u);
  EXPECT_EQ(done->cost, (request_cost{2, 1, 2500ms}));
  EXPECT_EQ(running->cost, request_cost{}) << "a running cycle has cost nothing yet";
  EXPECT_EQ(done->source_path, "/srv/hr.csv");
  EXPECT_EQ(done->source_sha256, "ab12");
  EXPECT_EQ(done->rows_read, 30u);
  EXPECT_EQ(done->rows_in_scope, 29u);
  EXPECT_EQ(done->rows_quarantined, 1u);
  EXPECT_EQ(done->kind, cycle_kind::full);
  EXPECT_FALSE(log_.cycle(id + 1).has_value());
}

TEST_F(audit_log_test, ending_a_cycle_twice_or_an_unknown_one_is_a_bug) {
  const auto id = cycle();
  log_.end_cycle(id, {});
  EXPECT_EQ(
      error_of([&] { log_.end_cycle(id, {}); }),
      "state database :memory:: cannot end cycle " + std::to_string(id) + ": no running cycle has that id");
  EXPECT_NE(error_of([&] { log_.end_cycle(99, {}); }).find("cannot end cycle 99"), std::string::npos);
}

TEST_F(audit_log_test, cycles_are_listed_newest_first_and_ids_only_grow) {
  const auto a = cycle();
  const auto b = cycle();
  const auto c = cycle();
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  const auto two = log_.cycles(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, c);
  EXPECT_EQ(two[1].id, b);
  EXPECT_EQ(log_.cycles(100).size(), 3u);
}

TEST_F(audit_log_test, cycles_left_running_by_a_crash_are_marked_interrupted) {
  const auto a = cycle();
  const auto b = cycle();
  log_.end_cycle(b, {});
  clock_.advance(1h);
  EXPECT_EQ(log_.mark_interrupted_cycles(), 1u);
  const auto row = log_.cycle(a);
  EXPECT_EQ(row->outcome, cycle_outcome::interrupted);
  EXPECT_EQ(row->ended_at, clock_.now());
  EXPECT_EQ(row->error, "the process ended during the cycle");
  EXPECT_EQ(log_.cycle(b)->outcome, cycle_outcome::ok);
  EXPECT_EQ(log_.mark_interrupted_cycles(), 0u);
}

// ---- operations ---------------------------------------------------------------------------------

TEST_F(audit_log_test, an_intent_then_its_outcome) {
  const auto c = cycle();
  const auto op = log_.record_intent(c, create_intent("00123"));
  auto pending = log_.unresolved_intents();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, op);
  EXPECT_EQ(pending[0].cycle_id, c);
  EXPECT_EQ(pending[0].intent.user_name, "Ada.Lovelace@example.com");
  EXPECT_EQ(pending[0].intent.external_id, "00123");
  EXPECT_EQ(pending[0].intent.body_json, R"({"userName":"Ada.Lovelace@example.com"})");
  EXPECT_EQ(pending[0].intent_at, clock_.now());

  clock_.advance(2s);
  auto out = ok_response(201);
  out.scim_id = "new-id-1";
  log_.record_outcome(op, out);
  EXPECT_TRUE(log_.unresolved_intents().empty());

  const auto rows = log_.operations(c);
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r.intent.kind, audit_operation_kind::create);
  EXPECT_EQ(r.intent.scim_id, "new-id-1");  // learned from the response
  EXPECT_EQ(r.intent.method, "POST");
  EXPECT_EQ(r.intent.path, "/Users");
  ASSERT_EQ(r.intent.diffs.size(), 2u);
  EXPECT_EQ(r.intent.diffs[1].attr, attribute::title);
  EXPECT_EQ(r.intent.diffs[1].after, "Engineer");
  ASSERT_TRUE(r.outcome.has_value());
  EXPECT_EQ(r.outcome->outcome, audit_operation_outcome::ok);
  EXPECT_EQ(r.outcome->resolved_by, audit_resolution::response);
  EXPECT_EQ(r.outcome->status, 201);
  EXPECT_EQ(r.outcome->attempts, 1u);
  EXPECT_EQ(r.outcome->latency, 120ms);
  EXPECT_EQ(r.outcome->at, clock_.now());
  EXPECT_EQ(r.outcome->error_detail, "");
}

TEST_F(audit_log_test, an_outcome_is_recorded_once) {
  const auto op = log_.record_intent(cycle(), update_intent("00200", "id-200"));
  log_.record_outcome(op, ok_response(200));
  EXPECT_EQ(error_of([&] { log_.record_outcome(op, ok_response(200)); }),
            "state database :memory:: cannot record the outcome of operation " + std::to_string(op) +
                ": it is not an unresolved intent");
  EXPECT_NE(error_of([&] { log_.record_outcome(4242, ok_response(200)); }).find("operation 4242"),
            std::string::npos);
}

TEST_F(audit_log_test, an_intent_for_an_unknown_cycle_is_refused) {
  EXPECT_NE(error_of([&] { log_.record_intent(77, create_intent("00123")); }).find("FOREIGN KEY"),
            std::string::npos);
  EXPECT_TRUE(log_.unresolved_intents().empty());
}

TEST(audit_log_file, an_intent_without_outcome_survives_a_crash) {
  temp_dir dir;
  const auto file = dir / "state.db";
  manual_clock clk;
  std::int64_t op = 0;
  std::int64_t c = 0;
  {
    state_store store(file, test_url);
    audit_log log(store, clk);
    c = log.begin_cycle({cycle_kind::full, cycle_trigger::startup, "/srv/hr.csv", std::nullopt});
    log.record_outcome(log.record_intent(c, update_intent("00100", "id-100")), ok_response(200));
    op = log.record_intent(c, create_intent("00123"));
    // The process dies here: no outcome, no end of cycle.
  }
  state_store store(file, test_url);
  audit_log log(store, clk);
  const auto pending = log.unresolved_intents();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, op);
  EXPECT_EQ(pending[0].cycle_id, c);
  EXPECT_EQ(pending[0].intent.kind, audit_operation_kind::create);
  EXPECT_EQ(pending[0].intent.hr_key, "00123");
  EXPECT_EQ(pending[0].intent.user_name, "Ada.Lovelace@example.com");
  EXPECT_EQ(pending[0].intent.external_id, "00123");
  EXPECT_EQ(pending[0].intent.scim_id, "");
  EXPECT_EQ(pending[0].intent.diffs.size(), 2u);

  EXPECT_EQ(log.mark_interrupted_cycles(), 1u);
  const auto next = log.begin_cycle({cycle_kind::incremental, cycle_trigger::startup, "", std::nullopt});
  EXPECT_GT(next, c);
  audit_outcome found;
  found.outcome = audit_operation_outcome::resolved_applied;
  found.resolved_by = audit_resolution::lookup;
  found.scim_id = "id-found";
  found.status = 200;
  log.record_outcome(op, found);
  EXPECT_TRUE(log.unresolved_intents().empty());
  const auto rows = log.operations(c);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].intent.scim_id, "id-found");
  EXPECT_EQ(rows[1].outcome->resolved_by, audit_resolution::lookup);
  EXPECT_EQ(store.database().execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST_F(audit_log_test, unresolved_intents_come_oldest_first) {
  const auto c = cycle();
  const auto a = log_.record_intent(c, update_intent("00300", "id-300"));
  const auto b = log_.record_intent(c, update_intent("00100", "id-100"));
  const auto d = log_.record_intent(c, update_intent("00200", "id-200"));
  log_.record_outcome(b, ok_response(200));
  const auto pending = log_.unresolved_intents();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, a);
  EXPECT_EQ(pending[1].id, d);
}

TEST_F(audit_log_test, a_bearer_token_in_an_error_detail_is_redacted) {
  const auto c = cycle();
  const auto op = log_.record_intent(c, update_intent("00200", "id-200"));
  audit_outcome failed;
  failed.outcome = audit_operation_outcome::failed;
  failed.status = 401;
  failed.attempts = 1;
  failed.error_detail = "401 Unauthorized; request had Authorization: Bearer xyz";
  log_.record_outcome(op, failed);
  EXPECT_EQ(log_.operations(c)[0].outcome->error_detail,
            "401 Unauthorized; request had Authorization: Bearer [redacted]");
  // Nothing anywhere in the file holds the credential.
  EXPECT_EQ(store_.database()
                .execAndGet("SELECT count(*) FROM operations WHERE error_detail LIKE '%xyz%'")
                .getInt(),
            0);

  audit_cycle_end end;
  end.outcome = cycle_outcome::auth_failed;
  end.error = "8x8 refused bearer abc.DEF-123 (401)";
  log_.end_cycle(c, end);
  EXPECT_EQ(log_.cycle(c)->error, "8x8 refused bearer [redacted] (401)");
}

TEST_F(audit_log_test, operations_without_a_request_are_recorded_complete) {
  const auto c = cycle();
  audit_intent adopt;
  adopt.kind = audit_operation_kind::adopt;
  adopt.hr_key = "00500";
  adopt.scim_id = "id-500";
  adopt.user_name = "eve@example.com";
  adopt.reason = "matched by externalId";
  audit_outcome local;
  local.outcome = audit_operation_outcome::ok;
  local.resolved_by = audit_resolution::local;
  const auto op = log_.record_completed(c, adopt, local);
  EXPECT_TRUE(log_.unresolved_intents().empty());
  const auto rows = log_.operations(c);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, op);
  EXPECT_EQ(rows[0].intent.method, "");
  EXPECT_EQ(rows[0].intent.body_json, "");
  EXPECT_TRUE(rows[0].intent.diffs.empty());
  EXPECT_EQ(rows[0].outcome->resolved_by, audit_resolution::local);
  EXPECT_FALSE(rows[0].outcome->status.has_value());
  EXPECT_EQ(store_.database()
                .execAndGet("SELECT count(*) FROM operations WHERE method IS NULL AND diff_json IS NULL")
                .getInt(),
            1);
}

TEST_F(audit_log_test, counts_per_kind_and_outcome) {
  const auto c = cycle();
  const auto other = cycle();
  log_.record_outcome(log_.record_intent(c, update_intent("1", "a")), ok_response(200));
  log_.record_outcome(log_.record_intent(c, update_intent("2", "b")), ok_response(200));
  audit_outcome failed;
  failed.outcome = audit_operation_outcome::failed;
  failed.status = 500;
  failed.attempts = 5;
  log_.record_outcome(log_.record_intent(c, update_intent("3", "c")), failed);
  log_.record_intent(c, create_intent("4"));
  log_.record_outcome(log_.record_intent(other, update_intent("5", "e")), ok_response(200));

  const auto n = log_.counts(c);
  EXPECT_EQ(n.total(), 4u);
  EXPECT_EQ(n.of(audit_operation_kind::update, audit_operation_outcome::ok), 2u);
  EXPECT_EQ(n.of(audit_operation_kind::update, audit_operation_outcome::failed), 1u);
  EXPECT_EQ(n.of(audit_operation_kind::create, std::nullopt), 1u);
  EXPECT_EQ(n.of(audit_operation_kind::create, audit_operation_outcome::ok), 0u);
  EXPECT_EQ(n.with_outcome(audit_operation_outcome::ok), 2u);
  ASSERT_EQ(n.entries.size(), 3u);
  EXPECT_EQ(n.entries[0].kind, audit_operation_kind::create);
  EXPECT_EQ(n.entries[1].outcome, audit_operation_outcome::ok);
  EXPECT_EQ(log_.counts(other).total(), 1u);
  EXPECT_EQ(log_.counts(999).total(), 0u);
}

TEST_F(audit_log_test, user_history_by_key_or_case_insensitive_user_name) {
  const auto c1 = cycle();
  log_.record_outcome(log_.record_intent(c1, create_intent("00123")), ok_response(201));
  log_.record_intent(c1, update_intent("00999", "id-999"));
  clock_.advance(1h);
  const auto c2 = cycle();
  auto later = update_intent("00123", "id-123");
  later.user_name = "Ada.Lovelace@example.com";
  log_.record_outcome(log_.record_intent(c2, later), ok_response(200));

  const auto by_key = log_.user_history("00123");
  ASSERT_EQ(by_key.size(), 2u);
  EXPECT_EQ(by_key[0].cycle_id, c1);
  EXPECT_EQ(by_key[1].cycle_id, c2);
  const auto by_name = log_.user_history("ada.lovelace@EXAMPLE.com");
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_EQ(by_name[0].id, by_key[0].id);
  EXPECT_TRUE(log_.user_history("nobody").empty());
}

TEST_F(audit_log_test, quarantined_rows_round_trip) {
  const auto c = cycle();
  const std::vector<quarantined_row> rows{
      {3, 2, "00104", quarantine_reason::invalid_email, "column email: \"x@\" is not an address"},
      {7, 6, "", quarantine_reason::empty_key, "column employee_id is empty"}};
  log_.record_quarantined(c, rows);
  log_.record_quarantined(c, {});
  const auto back = log_.quarantined(c);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].line, 3u);
  EXPECT_EQ(back[0].record, 2u);
  EXPECT_EQ(back[0].key, "00104");
  EXPECT_EQ(back[0].reason, quarantine_reason::invalid_email);
  EXPECT_EQ(back[0].detail, rows[0].detail);
  EXPECT_EQ(back[1].key, "");
  EXPECT_EQ(back[1].reason, quarantine_reason::empty_key);
  EXPECT_EQ(
      store_.database().execAndGet("SELECT count(*) FROM quarantined_rows WHERE hr_key IS NULL").getInt(), 1);
  EXPECT_TRUE(log_.quarantined(c + 1).empty());
}

TEST_F(audit_log_test, held_operations_round_trip) {
  const auto c = cycle();
  plan_entry d;
  d.kind = operation_kind::deactivate;
  d.hr_key = "00150";
  d.scim_id = "id-150";
  d.user_name = "leaver@example.com";
  d.reason = "missing from HR";
  d.hold =
      plan_hold{plan_hold_reason::max_deactivations, "12 deactivations exceed safety.max_deactivations (10)"};
  plan_entry u;
  u.kind = operation_kind::update;
  u.hr_key = "00151";
  u.scim_id = "id-151";
  u.diffs = {{attribute::department, "Sales", "Marketing"}};
  u.hold = plan_hold{plan_hold_reason::max_updates, "501 updates exceed safety.max_updates (500)"};
  log_.record_held(c, std::vector<plan_entry>{d, u});

  const auto back = log_.held(c);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].kind, operation_kind::deactivate);
  EXPECT_EQ(back[0].hr_key, "00150");
  EXPECT_EQ(back[0].scim_id, "id-150");
  EXPECT_EQ(back[0].user_name, "leaver@example.com");
  EXPECT_EQ(back[0].hold.reason, plan_hold_reason::max_deactivations);
  EXPECT_EQ(back[0].hold.text, d.hold->text);
  EXPECT_EQ(back[0].reason, "missing from HR");
  EXPECT_TRUE(back[0].diffs.empty());
  EXPECT_EQ(back[1].hold.reason, plan_hold_reason::max_updates);
  ASSERT_EQ(back[1].diffs.size(), 1u);
  EXPECT_EQ(back[1].diffs[0].attr, attribute::department);
  EXPECT_EQ(back[1].diffs[0].before, "Sales");
  EXPECT_EQ(back[1].diffs[0].after, "Marketing");
}

TEST_F(audit_log_test, a_row_edited_by_hand_into_nonsense_is_reported) {
  const auto c = cycle();
  log_.record_intent(c, update_intent("00200", "id-200"));
  store_.database().exec("UPDATE operations SET diff_json = 'not json'");
  EXPECT_EQ(error_of([&] { log_.operations(c); }),
            "state database :memory:: diff_json \"not json\" is malformed (edited by hand?)");
}

TEST_F(audit_log_test, write_failures_are_state_errors_naming_the_file) {
  const auto c = cycle();
  store_.database().exec("DROP VIEW user_history");
  store_.database().exec("DROP VIEW cycle_counts");
  store_.database().exec("DROP VIEW last_cycle");
  store_.database().exec("DROP TABLE operations");
  const auto msg = error_of([&] { log_.record_intent(c, create_intent("00123")); });
  EXPECT_EQ(
      msg.rfind("state database :memory:: recording the intent to create HR key 00123: no such table", 0), 0u)
      << msg;
}

// ---- the schema ---------------------------------------------------------------------------------

TEST_F(audit_log_test, the_views_answer_plain_sql) {
  const auto c1 = cycle();
  log_.record_outcome(log_.record_intent(c1, create_intent("00123")), ok_response(201));
  log_.end_cycle(c1, {});
  clock_.advance(1h);
  const auto c2 = cycle(cycle_kind::full);
  audit_outcome failed;
  failed.outcome = audit_operation_outcome::failed;
  failed.status = 500;
  log_.record_outcome(log_.record_intent(c2, update_intent("00123", "id-123")), failed);
  manual_action a{
      manual_action_kind::assign_license, "00123", "id-123", "ada@example.com", "Assign an X Series license",
      "assign_license:00123:id-123",      false};
  log_.raise_manual_action(c1, a);

  auto& db = store_.database();
  SQLite::Statement last(db, "SELECT id, kind, operations, failed, unresolved, held FROM last_cycle");
  ASSERT_TRUE(last.executeStep());
  EXPECT_EQ(last.getColumn(0).getInt64(), c2);
  EXPECT_EQ(last.getColumn(1).getString(), "full");
  EXPECT_EQ(last.getColumn(2).getInt(), 1);
  EXPECT_EQ(last.getColumn(3).getInt(), 1);
  EXPECT_EQ(last.getColumn(4).getInt(), 0);
  EXPECT_FALSE(last.executeStep());

  SQLite::Statement open(db, "SELECT id, kind, hr_key, text FROM open_manual_actions");
  ASSERT_TRUE(open.executeStep());
  EXPECT_EQ(open.getColumn(1).getString(), "assign_license");
  EXPECT_EQ(open.getColumn(3).getString(), "Assign an X Series license");
  EXPECT_FALSE(open.executeStep());

  SQLite::Statement hist(
      db,
      "SELECT cycle_id, kind, outcome, cycle_started_at FROM user_history WHERE user_name = "
      "'ada.lovelace@example.com' COLLATE NOCASE");
  ASSERT_TRUE(hist.executeStep());
  EXPECT_EQ(hist.getColumn(0).getInt64(), c1);
  EXPECT_EQ(hist.getColumn(1).getString(), "create");
  EXPECT_EQ(hist.getColumn(2).getString(), "ok");
  EXPECT_EQ(hist.getColumn(3).getString(), "2024-01-01T00:00:00.000Z");
  EXPECT_FALSE(hist.executeStep());
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM user_history WHERE hr_key = '00123'").getInt(), 2);

  EXPECT_EQ(db.execAndGet("SELECT operations FROM cycle_counts WHERE cycle_id = " + std::to_string(c2) +
                          " AND kind = 'update' AND outcome = 'failed'")
                .getInt(),
            1);
  // Times are text that sqlite3's date functions read.
  EXPECT_EQ(db.execAndGet("SELECT strftime('%Y', started_at) FROM cycles WHERE id = " + std::to_string(c1))
                .getString(),
            "2024");
}

TEST(audit_log_migration, a_database_made_by_0002_is_upgraded_to_0003_keeping_its_data) {
  temp_dir dir;
  const auto file = dir / "state.db";
  const auto& all = migrations::all();
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(all[2].file_name, "0003_audit.sql");
  user_link link;
  link.hr_key = "00123";
  link.scim_id = "id-123";
  link.user_name = "ada@example.com";
  link.how = managed_by::created;
  link.applied_hash = 7;
  link.applied_active = true;
  {
    state_store::options old;
    old.known_migrations = std::span(all).first(2);
    state_store store(file, test_url, old);
    EXPECT_EQ(store.schema_version(), 2);
    EXPECT_FALSE(store.database().tableExists("cycles"));
    store.upsert_link(link);
    store.put_decision({"00456", decision_kind::create_new, "", clock::time_point{}, "alice"});
  }
  state_store store(file, test_url);
  EXPECT_EQ(store.schema_version(), state_store::newest_schema_version());
  EXPECT_EQ(store.find_link("00123"), link);
  EXPECT_EQ(store.load_decisions().size(), 1u);
  for (const char* table : {"cycles", "operations", "quarantined_rows", "manual_actions", "held_operations",
                            "approvals", "user_backoff", "rate_limit_slots"}) {
    EXPECT_TRUE(store.database().tableExists(table)) << table;
  }
  EXPECT_EQ(
      store.database()
          .execAndGet("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'view' "
                      "ORDER BY name)")
          .getString(),
      "cycle_counts,last_cycle,open_manual_actions,user_history");
  EXPECT_EQ(store.database().execAndGet("SELECT count(*) FROM schema_migrations").getInt(),
            static_cast<int>(migrations::all().size()));
  manual_clock clk;
  audit_log log(store, clk);
  const auto c = log.begin_cycle({cycle_kind::full, cycle_trigger::startup, "", std::nullopt});
  EXPECT_EQ(log.record_intent(c, create_intent("00789")), 1);
  EXPECT_EQ(store.database().execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST_F(audit_log_test, the_last_cycle_with_an_outcome) {
  EXPECT_FALSE(log_.last_cycle_with(cycle_outcome::ok).has_value());
  const auto first = log_.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});
  log_.end_cycle(first, audit_cycle_end{});
  const auto second = log_.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});
  audit_cycle_end held;
  held.outcome = cycle_outcome::held;
  log_.end_cycle(second, held);
  log_.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});  // still running
  ASSERT_TRUE(log_.last_cycle_with(cycle_outcome::ok).has_value());
  EXPECT_EQ(log_.last_cycle_with(cycle_outcome::ok)->id, first);
  EXPECT_EQ(log_.last_cycle_with(cycle_outcome::held)->id, second);
  EXPECT_FALSE(log_.last_cycle_with(cycle_outcome::partial).has_value());
}

TEST(audit_log_migration, a_cycle_recorded_before_0004_reads_as_costing_nothing_extra) {
  temp_dir dir;
  const auto file = dir / "state.db";
  const auto& all = migrations::all();
  ASSERT_GE(all.size(), 4u);
  EXPECT_EQ(all[3].file_name, "0004_cycle_cost.sql");
  {
    state_store::options old;
    old.known_migrations = std::span(all).first(3);
    state_store store(file, test_url, old);
    store.database().exec(
        "INSERT INTO cycles (started_at, ended_at, kind, triggered_by, requests_planned, requests_sent, "
        "outcome) "
        "VALUES ('2026-11-01T00:00:00Z', '2026-11-01T00:01:00Z', 'full', 'cli', 5, 9, 'ok')");
  }
  state_store store(file, test_url);
  const audit_log log(store);
  const auto c = log.cycle(1);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->requests_sent, 9u);
  EXPECT_EQ(c->cost, request_cost{});
}

TEST(audit_log_migration, the_unresolved_intent_index_serves_the_startup_query) {
  state_store store(state_store::in_memory, test_url);
  SQLite::Statement plan(store.database(),
                         "EXPLAIN QUERY PLAN SELECT id FROM operations WHERE outcome IS NULL ORDER BY id");
  std::string detail;
  while (plan.executeStep())
    detail += plan.getColumn(3).getString() + "\n";
  EXPECT_NE(detail.find("operations_unresolved"), std::string::npos) << detail;
}

}  // namespace
}  // namespace eightsync::core
