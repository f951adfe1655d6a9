#include "core/audit_log.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <limits>
#include <string>
#include <utility>

#include "core/attribute.hpp"
#include "core/audit_redaction.hpp"
#include "core/bounded_text.hpp"
#include "core/content_hash.hpp"
#include "core/sqlite_failure.hpp"
#include "core/state_error.hpp"
#include "core/state_time.hpp"

namespace eightsync::core {
namespace {

namespace json = boost::json;

constexpr const char* operation_columns =
    "id, cycle_id, hr_key, scim_id, user_name, external_id, kind, reason, diff_json, method, path, "
    "body_json, "
    "status, attempts, latency_ms, intent_at, outcome_at, outcome, resolved_by, error_detail, "
    "follow_ups_json, source_sha256";
constexpr const char* cycle_columns =
    "id, started_at, ended_at, kind, triggered_by, source_path, source_sha256, rows_read, rows_in_scope, "
    "rows_quarantined, requests_planned, requests_sent, outcome, error, requests_retried, responses_429, "
    "rate_limit_wait_ms";
constexpr const char* manual_action_columns =
    "id, kind, hr_key, scim_id, user_name, text, dedupe_key, raised_in_cycle, raised_at, status, "
    "resolved_at, "
    "resolved_by, note, hr_hash";
constexpr const char* approval_columns = "id, cycle_id, scope, approved_at, approved_by, consumed_in_cycle";
constexpr const char* backoff_columns =
    "hr_key, failures, retry_after_cycle, last_error, first_failed_at, last_failed_at";

// The cycles a prune may delete: ended before ?1, not the last one, and holding nothing still
// needed (an unresolved intent, a pending approval). Deleting a victim's operations and
// consumed approvals does not change which cycles match, so each table can be pruned in turn.
constexpr const char* prunable_cycles =
    "SELECT id FROM cycles WHERE ended_at IS NOT NULL AND ended_at < ?1 "
    "AND id <> (SELECT max(id) FROM cycles) "
    "AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.cycle_id = cycles.id AND o.outcome IS NULL) "
    "AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.cycle_id = cycles.id AND a.consumed_in_cycle IS NULL)";

// After this many failing cycles in a row the backoff stops doubling: 2^6 = 64 cycles.
constexpr std::uint32_t backoff_cap_exponent = 6;

// Binds `text`, or NULL when it is empty.
void bind_text_or_null(SQLite::Statement& s, int index, std::string_view text) {
  if (text.empty()) {
    s.bind(index);
  } else {
    s.bind(index, std::string(text));
  }
}

// A text from outside (a server's detail, an HR value) as it is stored: credentials redacted
// first, so a cut never keeps part of one, then bounded (invariant 9; finding: a 20 MB detail).
std::string stored_text(std::string_view text) {
  return bound_text(redact_credentials(text));
}

void bind_count_or_null(SQLite::Statement& s, int index, const std::optional<std::uint64_t>& n) {
  if (n) {
    s.bind(index, static_cast<std::int64_t>(*n));
  } else {
    s.bind(index);
  }
}

std::string text_or_empty(const SQLite::Column& c) {
  return c.isNull() ? std::string() : c.getString();
}

std::optional<std::int64_t> int_or_null(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

std::optional<std::uint64_t> count_or_null(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return static_cast<std::uint64_t>(c.getInt64());
}

std::string diffs_json(const std::vector<plan_diff>& diffs) {
  if (diffs.empty()) return {};
  json::array a;
  a.reserve(diffs.size());
  for (const auto& d : diffs) {
    json::object o;
    o["attribute"] = attribute_name(d.attr);
    o["before"] = d.before;
    o["after"] = d.after;
    a.emplace_back(std::move(o));
  }
  return json::serialize(a);
}

// The follow-ups of an intent as operations.follow_ups_json (migrations/0006); "" for none.
std::string follow_ups_json(const std::vector<manual_action>& actions) {
  if (actions.empty()) return {};
  json::array a;
  a.reserve(actions.size());
  for (const auto& m : actions) {
    json::object o;
    o["kind"] = enum_name(m.kind);
    o["hr_key"] = m.hr_key;
    o["scim_id"] = m.scim_id;
    o["user_name"] = m.user_name;
    o["text"] = m.text;
    o["dedupe_key"] = m.dedupe_key;
    a.emplace_back(std::move(o));
  }
  return json::serialize(a);
}

std::int64_t bounded(std::size_t n) {
  return static_cast<std::int64_t>(
      std::min<std::size_t>(n, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

// Reads rows back, naming the database and the row in every complaint about its content.
class audit_row_reader {
 public:
  explicit audit_row_reader(const state_store& store) : store_(store) {}

  [[noreturn]] void malformed(std::string_view what, std::string_view value) const {
    throw state_error("state database " + store_.path().string() + ": " + std::string(what) + " \"" +
                      std::string(value) + "\" is malformed (edited by hand?)");
  }

  clock::time_point time(const SQLite::Column& c, std::string_view what) const {
    const std::string text = c.getString();
    auto t = parse_utc_time(text);
    if (!t) malformed(what, text);
    return *t;
  }

  std::optional<clock::time_point> time_or_null(const SQLite::Column& c, std::string_view what) const {
    if (c.isNull()) return std::nullopt;
    return time(c, what);
  }

  template <class E>
  E named(const SQLite::Column& c, std::string_view what) const {
    const std::string text = c.getString();
    auto e = enum_from_name<E>(text);
    if (!e) malformed(what, text);
    return *e;
  }

  std::vector<plan_diff> diffs(const SQLite::Column& c) const {
    std::vector<plan_diff> out;
    if (c.isNull()) return out;
    const std::string text = c.getString();
    boost::system::error_code ec;
    const json::value v = json::parse(text, ec);
    if (ec || !v.is_array()) malformed("diff_json", text);
    for (const auto& item : v.as_array()) {
      const auto* o = item.if_object();
      if (o == nullptr) malformed("diff_json", text);
      const auto* name = o->if_contains("attribute");
      const auto* before = o->if_contains("before");
      const auto* after = o->if_contains("after");
      if (name == nullptr || !name->is_string() || before == nullptr || !before->is_string() ||
          after == nullptr || !after->is_string()) {
        malformed("diff_json", text);
      }
      auto attr = attribute_from_name(std::string_view(name->get_string()));
      if (!attr) malformed("diff_json", text);
      out.push_back(plan_diff{*attr, std::string(before->get_string()), std::string(after->get_string())});
    }
    return out;
  }

  std::vector<manual_action> follow_ups(const SQLite::Column& c) const {
    std::vector<manual_action> out;
    if (c.isNull()) return out;
    const std::string text = c.getString();
    boost::system::error_code ec;
    const json::value v = json::parse(text, ec);
    if (ec || !v.is_array()) malformed("follow_ups_json", text);
    for (const auto& item : v.as_array()) {
      const auto* o = item.if_object();
      if (o == nullptr) malformed("follow_ups_json", text);
      const auto field = [&](std::string_view key) -> std::string {
        const auto* f = o->if_contains(key);
        if (f == nullptr || !f->is_string()) malformed("follow_ups_json", text);
        return std::string(f->get_string());
      };
      manual_action m;
      const auto kind = enum_from_name<manual_action_kind>(field("kind"));
      if (!kind) malformed("follow_ups_json", text);
      m.kind = *kind;
      m.hr_key = field("hr_key");
      m.scim_id = field("scim_id");
      m.user_name = field("user_name");
      m.text = field("text");
      m.dedupe_key = field("dedupe_key");
      out.push_back(std::move(m));
    }
    return out;
  }

  // A row selected with operation_columns.
  audit_operation_row operation(SQLite::Statement& q) const {
    audit_operation_row r;
    r.id = q.getColumn(0).getInt64();
    r.cycle_id = q.getColumn(1).getInt64();
    auto& in = r.intent;
    in.hr_key = q.getColumn(2).getString();
    in.scim_id = text_or_empty(q.getColumn(3));
    in.user_name = text_or_empty(q.getColumn(4));
    in.external_id = text_or_empty(q.getColumn(5));
    in.kind = named<audit_operation_kind>(q.getColumn(6), "operations.kind");
    in.reason = text_or_empty(q.getColumn(7));
    in.diffs = diffs(q.getColumn(8));
    in.method = text_or_empty(q.getColumn(9));
    in.path = text_or_empty(q.getColumn(10));
    in.body_json = text_or_empty(q.getColumn(11));
    in.follow_ups = follow_ups(q.getColumn(20));
    in.source_sha256 = text_or_empty(q.getColumn(21));
    r.intent_at = time(q.getColumn(15), "operations.intent_at");
    if (!q.isColumnNull(17)) {
      audit_outcome o;
      o.outcome = named<audit_operation_outcome>(q.getColumn(17), "operations.outcome");
      o.resolved_by = q.isColumnNull(18) ? audit_resolution::local
                                         : named<audit_resolution>(q.getColumn(18), "operations.resolved_by");
      if (!q.isColumnNull(12)) o.status = q.getColumn(12).getInt();
      o.attempts = static_cast<std::uint32_t>(q.getColumn(13).getInt64());
      if (!q.isColumnNull(14)) o.latency = std::chrono::milliseconds{q.getColumn(14).getInt64()};
      o.scim_id = in.scim_id;
      o.error_detail = text_or_empty(q.getColumn(19));
      o.at = time_or_null(q.getColumn(16), "operations.outcome_at");
      r.outcome = std::move(o);
    }
    return r;
  }

  // A row selected with cycle_columns.
  audit_cycle_row cycle(SQLite::Statement& q) const {
    audit_cycle_row r;
    r.id = q.getColumn(0).getInt64();
    r.started_at = time(q.getColumn(1), "cycles.started_at");
    r.ended_at = time_or_null(q.getColumn(2), "cycles.ended_at");
    r.kind = named<cycle_kind>(q.getColumn(3), "cycles.kind");
    r.trigger = named<cycle_trigger>(q.getColumn(4), "cycles.triggered_by");
    r.source_path = text_or_empty(q.getColumn(5));
    r.source_sha256 = text_or_empty(q.getColumn(6));
    r.rows_read = count_or_null(q.getColumn(7));
    r.rows_in_scope = count_or_null(q.getColumn(8));
    r.rows_quarantined = count_or_null(q.getColumn(9));
    r.requests_planned = static_cast<std::uint64_t>(q.getColumn(10).getInt64());
    r.requests_sent = static_cast<std::uint64_t>(q.getColumn(11).getInt64());
    if (!q.isColumnNull(12)) r.outcome = named<cycle_outcome>(q.getColumn(12), "cycles.outcome");
    r.error = text_or_empty(q.getColumn(13));
    r.cost.retried = static_cast<std::uint64_t>(q.getColumn(14).getInt64());
    r.cost.responses_429 = static_cast<std::uint64_t>(q.getColumn(15).getInt64());
    r.cost.rate_limit_wait = std::chrono::milliseconds(q.getColumn(16).getInt64());
    return r;
  }

  // A row selected with manual_action_columns.
  audit_manual_action manual(SQLite::Statement& q) const {
    audit_manual_action r;
    r.id = q.getColumn(0).getInt64();
    auto& a = r.action;
    a.kind = named<manual_action_kind>(q.getColumn(1), "manual_actions.kind");
    a.hr_key = q.getColumn(2).getString();
    a.scim_id = text_or_empty(q.getColumn(3));
    a.user_name = text_or_empty(q.getColumn(4));
    a.text = q.getColumn(5).getString();
    a.dedupe_key = q.getColumn(6).getString();
    r.raised_in_cycle = int_or_null(q.getColumn(7));
    r.raised_at = time(q.getColumn(8), "manual_actions.raised_at");
    r.open = q.getColumn(9).getString() == "open";
    a.already_open = r.open;
    r.resolved_at = time_or_null(q.getColumn(10), "manual_actions.resolved_at");
    r.resolved_by = text_or_empty(q.getColumn(11));
    r.note = text_or_empty(q.getColumn(12));
    if (!q.isColumnNull(13)) {
      const std::string hash = q.getColumn(13).getString();
      a.hr_hash = parse_content_hash_text(hash);
      if (!a.hr_hash) malformed("manual_actions.hr_hash", hash);
    }
    return r;
  }

  // A row selected with approval_columns.
  audit_approval approval(SQLite::Statement& q) const {
    audit_approval r;
    r.id = q.getColumn(0).getInt64();
    r.cycle_id = q.getColumn(1).getInt64();
    r.scope = named<approval_scope>(q.getColumn(2), "approvals.scope");
    r.approved_at = time(q.getColumn(3), "approvals.approved_at");
    r.approved_by = q.getColumn(4).getString();
    r.consumed_in_cycle = int_or_null(q.getColumn(5));
    return r;
  }

  // A row selected with backoff_columns.
  audit_user_backoff backoff(SQLite::Statement& q) const {
    audit_user_backoff r;
    r.hr_key = q.getColumn(0).getString();
    r.failures = static_cast<std::uint32_t>(q.getColumn(1).getInt64());
    r.retry_after_cycle = q.getColumn(2).getInt64();
    r.last_error = text_or_empty(q.getColumn(3));
    r.first_failed_at = time(q.getColumn(4), "user_backoff.first_failed_at");
    r.last_failed_at = time(q.getColumn(5), "user_backoff.last_failed_at");
    return r;
  }

 private:
  const state_store& store_;
};

// Runs `f`, turning SQLite's exceptions into state_error naming the file and the action.
template <class F>
decltype(auto) guarded(state_store& store, std::string_view doing, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const SQLite::Exception& e) {
    // A full disk or a read-only directory is said in those words, not SQLite's.
    throw state_error("state database " + store.path().string() + ": " + std::string(doing) + ": " +
                      describe_sqlite_failure(e, store.path(), store.database().getHandle()));
  }
}

}  // namespace

audit_log::audit_log(state_store& store, const clock& time) noexcept : store_(store), clock_(time) {}

// ---- cycles -------------------------------------------------------------------------------------

std::int64_t audit_log::begin_cycle(const audit_cycle_start& start) {
  return guarded(store_, "recording the start of a cycle", [&] {
    auto& db = store_.database();
    SQLite::Statement q(
        db, "INSERT INTO cycles (started_at, kind, triggered_by, source_path) VALUES (?1, ?2, ?3, ?4)");
    q.bind(1, format_utc_time(start.started_at.value_or(clock_.now())));
    q.bind(2, std::string(enum_name(start.kind)));
    q.bind(3, std::string(enum_name(start.trigger)));
    bind_text_or_null(q, 4, start.source_path);
    q.exec();
    return db.getLastInsertRowid();
  });
}

void audit_log::end_cycle(std::int64_t id, const audit_cycle_end& end) {
  const int changed = guarded(store_, "recording the end of cycle " + std::to_string(id), [&] {
    SQLite::Statement q(store_.database(),
                        "UPDATE cycles SET ended_at = ?2, outcome = ?3, error = ?4, requests_planned = ?5, "
                        "requests_sent = ?6, source_sha256 = coalesce(?7, source_sha256), "
                        "rows_read = coalesce(?8, rows_read), rows_in_scope = coalesce(?9, rows_in_scope), "
                        "rows_quarantined = coalesce(?10, rows_quarantined), kind = coalesce(?11, kind), "
                        "requests_retried = ?12, responses_429 = ?13, rate_limit_wait_ms = ?14 "
                        "WHERE id = ?1 AND outcome IS NULL");
    q.bind(1, id);
    q.bind(2, format_utc_time(end.ended_at.value_or(clock_.now())));
    q.bind(3, std::string(enum_name(end.outcome)));
    bind_text_or_null(q, 4, stored_text(end.error));
    q.bind(5, static_cast<std::int64_t>(end.requests_planned));
    q.bind(6, static_cast<std::int64_t>(end.requests_sent));
    bind_text_or_null(q, 7, end.source_sha256);
    bind_count_or_null(q, 8, end.rows_read);
    bind_count_or_null(q, 9, end.rows_in_scope);
    bind_count_or_null(q, 10, end.rows_quarantined);
    if (end.kind) q.bind(11, std::string(enum_name(*end.kind)));
    q.bind(12, static_cast<std::int64_t>(end.cost.retried));
    q.bind(13, static_cast<std::int64_t>(end.cost.responses_429));
    q.bind(14, static_cast<std::int64_t>(std::max<std::int64_t>(end.cost.rate_limit_wait.count(), 0)));
    return q.exec();
  });
  if (changed == 0) {
    throw state_error("state database " + store_.path().string() + ": cannot end cycle " +
                      std::to_string(id) + ": no running cycle has that id");
  }
}

std::size_t audit_log::mark_interrupted_cycles(std::string_view error) {
  return guarded(store_, "marking interrupted cycles", [&] {
    SQLite::Statement q(
        store_.database(),
        "UPDATE cycles SET ended_at = ?1, outcome = 'interrupted', error = ?2 WHERE outcome IS NULL");
    q.bind(1, format_utc_time(clock_.now()));
    bind_text_or_null(q, 2, stored_text(error));
    return static_cast<std::size_t>(q.exec());
  });
}

// ---- operations ---------------------------------------------------------------------------------

std::int64_t audit_log::record_intent(std::int64_t cycle, const audit_intent& intent) {
  return guarded(
      store_, "recording the intent to " + std::string(enum_name(intent.kind)) + " HR key " + intent.hr_key,
      [&] {
        auto& db = store_.database();
        SQLite::Statement q(db,
                            "INSERT INTO operations (cycle_id, hr_key, scim_id, user_name, external_id, "
                            "kind, reason, diff_json, method, path, body_json, intent_at, follow_ups_json, "
                            "source_sha256) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
        q.bind(1, cycle);
        q.bind(2, intent.hr_key);
        bind_text_or_null(q, 3, intent.scim_id);
        bind_text_or_null(q, 4, intent.user_name);
        bind_text_or_null(q, 5, intent.external_id);
        q.bind(6, std::string(enum_name(intent.kind)));
        bind_text_or_null(q, 7, intent.reason);
        bind_text_or_null(q, 8, diffs_json(intent.diffs));
        bind_text_or_null(q, 9, intent.method);
        bind_text_or_null(q, 10, intent.path);
        bind_text_or_null(q, 11, intent.body_json);
        q.bind(12, format_utc_time(clock_.now()));
        bind_text_or_null(q, 13, follow_ups_json(intent.follow_ups));
        bind_text_or_null(q, 14, intent.source_sha256);
        q.exec();
        return db.getLastInsertRowid();
      });
}

void audit_log::record_outcome(std::int64_t op_id, const audit_outcome& outcome) {
  const int changed = guarded(store_, "recording the outcome of operation " + std::to_string(op_id), [&] {
    SQLite::Statement q(store_.database(),
                        "UPDATE operations SET outcome = ?2, outcome_at = ?3, resolved_by = ?4, status = ?5, "
                        "attempts = ?6, latency_ms = ?7, scim_id = coalesce(?8, scim_id), error_detail = ?9 "
                        "WHERE id = ?1 AND outcome IS NULL");
    q.bind(1, op_id);
    q.bind(2, std::string(enum_name(outcome.outcome)));
    q.bind(3, format_utc_time(outcome.at.value_or(clock_.now())));
    q.bind(4, std::string(enum_name(outcome.resolved_by)));
    if (outcome.status) q.bind(5, *outcome.status);
    q.bind(6, static_cast<std::int64_t>(outcome.attempts));
    if (outcome.latency)
      q.bind(7, static_cast<std::int64_t>(std::max<std::int64_t>(outcome.latency->count(), 0)));
    bind_text_or_null(q, 8, outcome.scim_id);
    bind_text_or_null(q, 9, stored_text(outcome.error_detail));
    return q.exec();
  });
  if (changed == 0) {
    throw state_error("state database " + store_.path().string() +
                      ": cannot record the outcome of operation " + std::to_string(op_id) +
                      ": it is not an unresolved intent");
  }
}

std::int64_t audit_log::record_completed(std::int64_t cycle, const audit_intent& intent,
                                         const audit_outcome& outcome) {
  return store_.in_transaction([&] {
    const auto id = record_intent(cycle, intent);
    record_outcome(id, outcome);
    return id;
  });
}

std::vector<audit_pending_intent> audit_log::unresolved_intents() const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the unresolved intents", [&] {
    SQLite::Statement q(store_.database(), std::string("SELECT ") + operation_columns +
                                               " FROM operations WHERE outcome IS NULL ORDER BY id");
    std::vector<audit_pending_intent> out;
    while (q.executeStep()) {
      auto row = read.operation(q);
      out.push_back(audit_pending_intent{row.id, row.cycle_id, std::move(row.intent), row.intent_at});
    }
    return out;
  });
}

// ---- quarantine and holds -----------------------------------------------------------------------

void audit_log::record_quarantined(std::int64_t cycle, std::span<const quarantined_row> rows) {
  if (rows.empty()) return;
  guarded(store_, "recording the quarantined rows of cycle " + std::to_string(cycle), [&] {
    store_.in_transaction([&] {
      SQLite::Statement q(store_.database(),
                          "INSERT INTO quarantined_rows (cycle_id, line, record, hr_key, reason, detail) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      for (const auto& r : rows) {
        q.reset();
        q.clearBindings();
        q.bind(1, cycle);
        q.bind(2, bounded(r.line));
        q.bind(3, bounded(r.record));
        bind_text_or_null(q, 4, stored_text(r.key));
        q.bind(5, std::string(enum_name(r.reason)));
        q.bind(6, stored_text(r.detail));
        q.exec();
      }
    });
  });
}

void audit_log::record_held(std::int64_t cycle, std::span<const plan_entry> entries) {
  if (entries.empty()) return;
  guarded(store_, "recording the held operations of cycle " + std::to_string(cycle), [&] {
    store_.in_transaction([&] {
      SQLite::Statement q(
          store_.database(),
          "INSERT INTO held_operations (cycle_id, hr_key, scim_id, user_name, kind, hold_reason, "
          "hold_text, reason, diff_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      for (const auto& e : entries) {
        q.reset();
        q.clearBindings();
        q.bind(1, cycle);
        q.bind(2, e.hr_key);
        bind_text_or_null(q, 3, e.scim_id);
        bind_text_or_null(q, 4, e.user_name);
        q.bind(5, std::string(enum_name(e.kind)));
        const plan_hold hold = e.hold.value_or(plan_hold{plan_hold_reason::waits_for_held, {}});
        q.bind(6, std::string(enum_name(hold.reason)));
        q.bind(7, hold.text);
        bind_text_or_null(q, 8, e.reason);
        bind_text_or_null(q, 9, diffs_json(e.diffs));
        q.exec();
      }
    });
  });
}

// ---- manual actions -----------------------------------------------------------------------------

bool audit_log::raise_manual_action(std::int64_t cycle, const manual_action& action) {
  return guarded(store_, "raising a manual action for HR key " + action.hr_key, [&] {
    SQLite::Statement q(store_.database(),
                        "INSERT INTO manual_actions (kind, hr_key, scim_id, user_name, text, dedupe_key, "
                        "raised_in_cycle, raised_at, hr_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                        "ON CONFLICT DO NOTHING");
    q.bind(1, std::string(enum_name(action.kind)));
    q.bind(2, action.hr_key);
    bind_text_or_null(q, 3, action.scim_id);
    bind_text_or_null(q, 4, action.user_name);
    q.bind(5, stored_text(action.text));
    q.bind(6, action.dedupe_key);
    q.bind(7, cycle);
    q.bind(8, format_utc_time(clock_.now()));
    if (action.hr_hash) q.bind(9, content_hash_text(*action.hr_hash));
    return q.exec() > 0;
  });
}

std::vector<audit_manual_action> audit_log::manual_actions(bool open_only) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the manual actions", [&] {
    SQLite::Statement q(store_.database(), std::string("SELECT ") + manual_action_columns +
                                               " FROM manual_actions" +
                                               (open_only ? " WHERE status = 'open'" : "") + " ORDER BY id");
    std::vector<audit_manual_action> out;
    while (q.executeStep())
      out.push_back(read.manual(q));
    return out;
  });
}

void audit_log::record_upcoming_approvals(std::span<const audit_upcoming_approval> ops,
                                          clock::time_point horizon_end, std::string_view by) {
  guarded(store_, "recording the approval of upcoming operations", [&] {
    store_.in_transaction([&] {
      SQLite::Statement q(store_.database(),
                          "INSERT INTO upcoming_approvals (hr_key, kind, due_at, approved_at, approved_by, "
                          "horizon_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      const std::string now = format_utc_time(clock_.now());
      const std::string end = format_utc_time(horizon_end);
      for (const auto& op : ops) {
        q.reset();
        q.bind(1, op.hr_key);
        q.bind(2, std::string(enum_name(op.kind)));
        q.bind(3, format_utc_time(clock::time_point{op.due_at}));
        q.bind(4, now);
        q.bind(5, std::string(by));
        q.bind(6, end);
        q.exec();
      }
    });
    return 0;
  });
}

std::vector<planner_state::upcoming_approval> audit_log::upcoming_approvals(clock::time_point since) const {
  return guarded(store_, "reading the approved upcoming operations", [&] {
    // Written by format_utc_time, the text sorts as the instants do.
    SQLite::Statement q(
        store_.database(),
        "SELECT hr_key, kind, due_at FROM upcoming_approvals WHERE due_at >= ?1 ORDER BY hr_key");
    q.bind(1, format_utc_time(since));
    std::vector<planner_state::upcoming_approval> out;
    while (q.executeStep()) {
      const auto kind = enum_from_name<operation_kind>(q.getColumn(1).getString());
      const auto due = parse_utc_time(q.getColumn(2).getString());
      if (!kind || !due) continue;  // the CHECK and the writer make this unreachable
      out.push_back({q.getColumn(0).getString(), *kind, std::chrono::floor<std::chrono::seconds>(*due)});
    }
    return out;
  });
}

std::vector<std::string> audit_log::created_before_start() const {
  return guarded(store_, "reading the accounts created before their start", [&] {
    // The LIKE keeps json_extract to the few creates that can match.
    SQLite::Statement q(
        store_.database(),
        "SELECT DISTINCT c.hr_key FROM operations c WHERE c.kind = 'create' "
        "AND c.outcome IN ('ok', 'resolved_applied') AND c.body_json LIKE '%\"active\":false%' "
        "AND json_extract(c.body_json, '$.active') = 0 AND NOT EXISTS (SELECT 1 FROM operations r "
        "WHERE r.hr_key = c.hr_key AND r.id > c.id AND r.kind = 'reactivate' "
        "AND r.outcome IN ('ok', 'resolved_applied')) ORDER BY c.hr_key");
    std::vector<std::string> out;
    while (q.executeStep())
      out.push_back(q.getColumn(0).getString());
    return out;
  });
}

std::size_t audit_log::resolve_manual_actions(std::span<const std::int64_t> ids, std::string_view by,
                                              std::string_view note) {
  if (ids.empty()) return 0;
  return guarded(store_, "resolving manual actions", [&] {
    return store_.in_transaction([&] {
      SQLite::Statement q(
          store_.database(),
          "UPDATE manual_actions SET status = 'resolved', resolved_at = ?2, resolved_by = ?3, "
          "note = ?4 WHERE id = ?1 AND status = 'open'");
      const std::string now = format_utc_time(clock_.now());
      std::size_t n = 0;
      for (const auto id : ids) {
        q.reset();
        q.clearBindings();
        q.bind(1, id);
        q.bind(2, now);
        q.bind(3, std::string(by));
        bind_text_or_null(q, 4, note);
        n += static_cast<std::size_t>(q.exec());
      }
      return n;
    });
  });
}

std::size_t audit_log::resolve_manual_actions_of_kind(manual_action_kind kind, std::string_view by,
                                                      std::string_view note) {
  return guarded(store_, "resolving manual actions", [&] {
    SQLite::Statement q(store_.database(),
                        "UPDATE manual_actions SET status = 'resolved', resolved_at = ?2, resolved_by = ?3, "
                        "note = ?4 WHERE kind = ?1 AND status = 'open'");
    q.bind(1, std::string(enum_name(kind)));
    q.bind(2, format_utc_time(clock_.now()));
    q.bind(3, std::string(by));
    bind_text_or_null(q, 4, note);
    return static_cast<std::size_t>(q.exec());
  });
}

// ---- approvals ----------------------------------------------------------------------------------

audit_approval_result audit_log::record_approval(std::int64_t held_cycle, approval_scope scope,
                                                 std::string_view by) {
  return guarded(store_, "recording an approval of cycle " + std::to_string(held_cycle), [&] {
    return store_.in_transaction([&] {
      auto& db = store_.database();
      SQLite::Statement exists(db, "SELECT 1 FROM cycles WHERE id = ?1");
      exists.bind(1, held_cycle);
      if (!exists.executeStep()) return audit_approval_result::no_such_cycle;

      SQLite::Statement kinds(db, "SELECT DISTINCT kind FROM held_operations WHERE cycle_id = ?1");
      kinds.bind(1, held_cycle);
      bool covered = false;
      while (kinds.executeStep()) {
        const auto k = enum_from_name<operation_kind>(kinds.getColumn(0).getString());
        if (k && approval_covers(scope, *k)) covered = true;
      }
      if (!covered) return audit_approval_result::nothing_held;

      SQLite::Statement pending(
          db, "SELECT scope FROM approvals WHERE cycle_id = ?1 AND consumed_in_cycle IS NULL");
      pending.bind(1, held_cycle);
      while (pending.executeStep()) {
        const std::string s = pending.getColumn(0).getString();
        if (s == "all" || s == enum_name(scope)) return audit_approval_result::already_approved;
      }

      SQLite::Statement add(
          db, "INSERT INTO approvals (cycle_id, scope, approved_at, approved_by) VALUES (?1, ?2, ?3, ?4)");
      add.bind(1, held_cycle);
      add.bind(2, std::string(enum_name(scope)));
      add.bind(3, format_utc_time(clock_.now()));
      add.bind(4, std::string(by));
      add.exec();
      return audit_approval_result::recorded;
    });
  });
}

std::vector<audit_approval> audit_log::pending_approvals() const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the pending approvals", [&] {
    SQLite::Statement q(store_.database(), std::string("SELECT ") + approval_columns +
                                               " FROM approvals WHERE consumed_in_cycle IS NULL ORDER BY id");
    std::vector<audit_approval> out;
    while (q.executeStep())
      out.push_back(read.approval(q));
    return out;
  });
}

std::size_t audit_log::consume_approvals(std::span<const std::int64_t> approval_ids, std::int64_t cycle) {
  if (approval_ids.empty()) return 0;
  return guarded(store_, "consuming approvals in cycle " + std::to_string(cycle), [&] {
    return store_.in_transaction([&] {
      SQLite::Statement q(
          store_.database(),
          "UPDATE approvals SET consumed_in_cycle = ?2 WHERE id = ?1 AND consumed_in_cycle IS NULL");
      std::size_t n = 0;
      for (const auto id : approval_ids) {
        q.reset();
        q.clearBindings();
        q.bind(1, id);
        q.bind(2, cycle);
        n += static_cast<std::size_t>(q.exec());
      }
      return n;
    });
  });
}

// ---- per-user backoff ---------------------------------------------------------------------------

std::uint32_t audit_log::record_user_failure(std::string_view hr_key, std::int64_t cycle,
                                             std::string_view error) {
  std::uint32_t failures = 1;
  guarded(store_, "recording a failure of HR key " + std::string(hr_key), [&] {
    store_.in_transaction([&] {
      auto& db = store_.database();
      SQLite::Statement get(db, "SELECT failures, last_failed_cycle FROM user_backoff WHERE hr_key = ?1");
      get.bind(1, std::string(hr_key));
      if (get.executeStep()) {
        const auto before = static_cast<std::uint32_t>(get.getColumn(0).getInt64());
        // A second failure in the same cycle (a rehire's reactivate, then its update) is one
        // failing cycle, not two.
        failures = get.getColumn(1).getInt64() == cycle ? before : before + 1;
      }
      get.reset();
      const std::int64_t skip = std::int64_t{1} << std::min(failures - 1, backoff_cap_exponent);
      const std::string now = format_utc_time(clock_.now());
      SQLite::Statement put(
          db,
          "INSERT INTO user_backoff (hr_key, failures, retry_after_cycle, last_failed_cycle, "
          "last_error, first_failed_at, last_failed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
          "ON CONFLICT (hr_key) DO UPDATE SET failures = excluded.failures, "
          "retry_after_cycle = excluded.retry_after_cycle, "
          "last_failed_cycle = excluded.last_failed_cycle, last_error = excluded.last_error, "
          "last_failed_at = excluded.last_failed_at");
      put.bind(1, std::string(hr_key));
      put.bind(2, static_cast<std::int64_t>(failures));
      put.bind(3, cycle + skip + 1);
      put.bind(4, cycle);
      bind_text_or_null(put, 5, stored_text(error));
      put.bind(6, now);
      put.exec();
    });
  });
  return failures;
}

void audit_log::record_user_success(std::string_view hr_key) {
  guarded(store_, "clearing the backoff of HR key " + std::string(hr_key), [&] {
    SQLite::Statement q(store_.database(), "DELETE FROM user_backoff WHERE hr_key = ?1");
    q.bind(1, std::string(hr_key));
    q.exec();
  });
}

std::vector<audit_user_backoff> audit_log::users_in_backoff(std::int64_t next_cycle) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the users in backoff", [&] {
    SQLite::Statement q(store_.database(),
                        std::string("SELECT ") + backoff_columns +
                            " FROM user_backoff WHERE retry_after_cycle > ?1 ORDER BY hr_key");
    q.bind(1, next_cycle);
    std::vector<audit_user_backoff> out;
    while (q.executeStep())
      out.push_back(read.backoff(q));
    return out;
  });
}

std::vector<audit_user_backoff> audit_log::failing_users() const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the failing users", [&] {
    SQLite::Statement q(store_.database(),
                        std::string("SELECT ") + backoff_columns + " FROM user_backoff ORDER BY hr_key");
    std::vector<audit_user_backoff> out;
    while (q.executeStep())
      out.push_back(read.backoff(q));
    return out;
  });
}

// ---- reading ------------------------------------------------------------------------------------

std::vector<audit_cycle_row> audit_log::cycles(std::size_t limit) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the cycles", [&] {
    SQLite::Statement q(store_.database(),
                        std::string("SELECT ") + cycle_columns + " FROM cycles ORDER BY id DESC LIMIT ?1");
    q.bind(1, bounded(limit));
    std::vector<audit_cycle_row> out;
    while (q.executeStep())
      out.push_back(read.cycle(q));
    return out;
  });
}

std::optional<audit_cycle_row> audit_log::cycle(std::int64_t id) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading cycle " + std::to_string(id), [&]() -> std::optional<audit_cycle_row> {
    SQLite::Statement q(store_.database(),
                        std::string("SELECT ") + cycle_columns + " FROM cycles WHERE id = ?1");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read.cycle(q);
  });
}

std::optional<audit_cycle_row> audit_log::last_cycle_with(cycle_outcome outcome) const {
  const audit_row_reader read(store_);
  const std::string name(enum_name(outcome));
  return guarded(store_, "reading the last " + name + " cycle", [&]() -> std::optional<audit_cycle_row> {
    SQLite::Statement q(store_.database(), std::string("SELECT ") + cycle_columns +
                                               " FROM cycles WHERE outcome = ?1 ORDER BY id DESC LIMIT 1");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return read.cycle(q);
  });
}

std::vector<audit_operation_row> audit_log::operations(std::int64_t cycle) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the operations of cycle " + std::to_string(cycle), [&] {
    SQLite::Statement q(store_.database(), std::string("SELECT ") + operation_columns +
                                               " FROM operations WHERE cycle_id = ?1 ORDER BY id");
    q.bind(1, cycle);
    std::vector<audit_operation_row> out;
    while (q.executeStep())
      out.push_back(read.operation(q));
    return out;
  });
}

std::vector<audit_operation_row> audit_log::user_history(std::string_view key_or_user_name) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the history of " + std::string(key_or_user_name), [&] {
    SQLite::Statement q(store_.database(),
                        std::string("SELECT ") + operation_columns +
                            " FROM operations WHERE hr_key = ?1 OR user_name = ?1 COLLATE NOCASE "
                            "ORDER BY intent_at, id");
    q.bind(1, std::string(key_or_user_name));
    std::vector<audit_operation_row> out;
    while (q.executeStep())
      out.push_back(read.operation(q));
    return out;
  });
}

std::vector<quarantined_row> audit_log::quarantined(std::int64_t cycle) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the quarantined rows of cycle " + std::to_string(cycle), [&] {
    SQLite::Statement q(
        store_.database(),
        "SELECT line, record, hr_key, reason, detail FROM quarantined_rows WHERE cycle_id = ?1 "
        "ORDER BY id");
    q.bind(1, cycle);
    std::vector<quarantined_row> out;
    while (q.executeStep()) {
      quarantined_row r;
      r.line = static_cast<std::size_t>(q.getColumn(0).getInt64());
      r.record = static_cast<std::size_t>(q.getColumn(1).getInt64());
      r.key = text_or_empty(q.getColumn(2));
      r.reason = read.named<quarantine_reason>(q.getColumn(3), "quarantined_rows.reason");
      r.detail = q.getColumn(4).getString();
      out.push_back(std::move(r));
    }
    return out;
  });
}

std::vector<audit_held_row> audit_log::held(std::int64_t cycle) const {
  const audit_row_reader read(store_);
  return guarded(store_, "reading the held operations of cycle " + std::to_string(cycle), [&] {
    SQLite::Statement q(
        store_.database(),
        "SELECT id, cycle_id, kind, hr_key, scim_id, user_name, hold_reason, hold_text, reason, "
        "diff_json FROM held_operations WHERE cycle_id = ?1 ORDER BY id");
    q.bind(1, cycle);
    std::vector<audit_held_row> out;
    while (q.executeStep()) {
      audit_held_row r;
      r.id = q.getColumn(0).getInt64();
      r.cycle_id = q.getColumn(1).getInt64();
      r.kind = read.named<operation_kind>(q.getColumn(2), "held_operations.kind");
      r.hr_key = q.getColumn(3).getString();
      r.scim_id = text_or_empty(q.getColumn(4));
      r.user_name = text_or_empty(q.getColumn(5));
      r.hold.reason = read.named<plan_hold_reason>(q.getColumn(6), "held_operations.hold_reason");
      r.hold.text = q.getColumn(7).getString();
      r.reason = text_or_empty(q.getColumn(8));
      r.diffs = read.diffs(q.getColumn(9));
      out.push_back(std::move(r));
    }
    return out;
  });
}

audit_cycle_counts audit_log::counts(std::int64_t cycle) const {
  const audit_row_reader read(store_);
  auto out = guarded(store_, "counting the operations of cycle " + std::to_string(cycle), [&] {
    SQLite::Statement q(store_.database(),
                        "SELECT kind, outcome, operations FROM cycle_counts WHERE cycle_id = ?1");
    q.bind(1, cycle);
    audit_cycle_counts c;
    while (q.executeStep()) {
      audit_cycle_counts::entry e;
      e.kind = read.named<audit_operation_kind>(q.getColumn(0), "operations.kind");
      if (q.getColumn(1).getString() != "unresolved") {
        e.outcome = read.named<audit_operation_outcome>(q.getColumn(1), "operations.outcome");
      }
      e.count = static_cast<std::size_t>(q.getColumn(2).getInt64());
      c.entries.push_back(e);
    }
    return c;
  });
  std::sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.outcome < b.outcome;  // nullopt (unresolved) first
  });
  return out;
}

// ---- retention ----------------------------------------------------------------------------------

std::size_t audit_log::prune(clock::time_point older_than) {
  const std::string cut = format_utc_time(older_than);
  return guarded(store_, "pruning the audit tables", [&] {
    return store_.in_transaction([&] {
      auto& db = store_.database();
      auto run = [&](const std::string& sql) {
        SQLite::Statement q(db, sql);
        q.bind(1, cut);
        return static_cast<std::size_t>(q.exec());
      };
      std::size_t removed = run("DELETE FROM manual_actions WHERE status = 'resolved' AND resolved_at < ?1");
      for (const char* table : {"operations", "quarantined_rows", "held_operations", "approvals"}) {
        removed += run(std::string("DELETE FROM ") + table + " WHERE cycle_id IN (" + prunable_cycles + ")");
      }
      removed += run(std::string("DELETE FROM cycles WHERE id IN (") + prunable_cycles + ")");
      return removed;
    });
  });
}

}  // namespace eightsync::core
