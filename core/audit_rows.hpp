#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/approval_scope.hpp"
#include "core/clock.hpp"
#include "core/cycle_labels.hpp"
#include "core/enum_names.hpp"
#include "core/manual_action.hpp"
#include "core/operation_kind.hpp"
#include "core/plan.hpp"
#include "core/request_cost.hpp"

// The rows of the audit database, as core::audit_log writes and reads them (migrations/ has
// the tables):
// - audit_cycle_start, audit_cycle_end, audit_cycle_row, audit_cycle_counts: one cycle;
// - audit_intent, audit_pending_intent, audit_outcome, audit_resolution, audit_operation_row,
//   audit_operation_kind, audit_operation_outcome: one operation, before and after it ran;
// - audit_held_row, audit_approval, audit_approval_result: operations held for approval;
// - audit_manual_action, audit_user_backoff: what a person still has to do, and who waits.
// Stored names (kinds, outcomes) never change: old rows must read the same.

namespace eightsync::core {

/// What one audited operation was. The planner's operation_kind plus `lookup` (a GET that decided
/// something, e.g. after a 409). Stable names: stored in `operations.kind`.
/// - create: POST /Users
/// - update: PUT /Users/{id}
/// - deactivate: PATCH active=false
/// - reactivate: PATCH active=true
/// - adopt: link an existing 8x8 user (no request)
/// - lookup: a GET whose answer decided something
BOOST_DEFINE_FIXED_ENUM_CLASS(audit_operation_kind, std::uint8_t, create, update, deactivate, reactivate,
                              adopt, lookup)

/// The audit kind of a planned operation. Never throws.
constexpr audit_operation_kind audit_operation_kind_of(operation_kind k) noexcept {
  switch (k) {
    case operation_kind::create:
      return audit_operation_kind::create;
    case operation_kind::update:
      return audit_operation_kind::update;
    case operation_kind::deactivate:
      return audit_operation_kind::deactivate;
    case operation_kind::reactivate:
      return audit_operation_kind::reactivate;
    case operation_kind::adopt:
      return audit_operation_kind::adopt;
  }
  return audit_operation_kind::update;
}

/// How one audited operation ended (an intent with no outcome yet is unresolved). Stable names:
/// stored in `operations.outcome`; migrations/0003_audit.sql documents each for admins.
/// - ok: 8x8 confirmed the change (2xx), or a no-request operation (adopt) was recorded
/// - failed: 8x8 refused it, or it provably never left: the change was not made
/// - not_applied: 8x8 answered 2xx but its object shows the change (or part of it) was not made
/// - conflict: a create met an existing userName (409) that cannot be adopted
/// - skipped: not sent: the cycle ended or turned read-only, the user backs off, or a dependency failed
/// - resolved_applied: the response was lost; a lookup showed the change is in 8x8
/// - resolved_not_applied: the response was lost; a lookup showed the change is not in 8x8
BOOST_DEFINE_FIXED_ENUM_CLASS(audit_operation_outcome, std::uint8_t, ok, failed, not_applied, conflict,
                              skipped, resolved_applied, resolved_not_applied)

/// One operation as recorded before its request leaves (audit_log::record_intent): enough to
/// resolve it by a lookup after a crash (the 8x8 id, or the userName and externalId of a create).
/// `method`, `path` and `body_json` stay empty for an operation that sends no request (adopt).
/// Never put the token or an Authorization header in any field.
struct audit_intent {
  audit_operation_kind kind = audit_operation_kind::update;
  std::string hr_key;
  std::string scim_id;  ///< 8x8's id; empty for a create (the response names it)
  std::string user_name;
  std::string external_id;
  std::string reason;            ///< why, as a sentence (plan_entry::reason)
  std::vector<plan_diff> diffs;  ///< only the attributes that change
  std::string method;            ///< "POST", "PUT", "PATCH", "GET"
  std::string path;              ///< relative to the SCIM base URL, e.g. "/Users/abc"
  std::string body_json;         ///< the request body as sent
  /// The manual actions the operation makes due once 8x8 applied it (plan_entry::follow_ups),
  /// kept with the intent so a lookup at the next start raises them too.
  std::vector<manual_action> follow_ups;
  /// The hex SHA-256 of the HR export the operation came from: the cycle's, or a newer export's
  /// read while the cycle ran (its leavers); empty when not known.
  std::string source_sha256;
};

/// An operations row with no outcome: an intent whose request may or may not have reached 8x8
/// (the process died, or the response was lost). Resolve it by a lookup, never by resending.
struct audit_pending_intent {
  std::int64_t id = 0;        ///< operations.id, for audit_log::record_outcome
  std::int64_t cycle_id = 0;  ///< the cycle that recorded it
  audit_intent intent;
  clock::time_point intent_at;
};

/// How an operation's outcome was learned. Stable names: stored in `operations.resolved_by`.
/// - response: from 8x8's response to the request
/// - lookup: from a GET after the response was lost
/// - local: without a request (adopt, skipped)
BOOST_DEFINE_FIXED_ENUM_CLASS(audit_resolution, std::uint8_t, response, lookup, local)

/// How one recorded intent ended (audit_log::record_outcome).
struct audit_outcome {
  audit_operation_outcome outcome = audit_operation_outcome::ok;
  audit_resolution resolved_by = audit_resolution::response;
  std::optional<int> status;                         ///< the last HTTP status received, if any
  std::uint32_t attempts = 0;                        ///< requests sent, retries included
  std::optional<std::chrono::milliseconds> latency;  ///< first attempt to last response
  std::string scim_id;                  ///< the 8x8 id learned (a create's); empty: keep the intent's
  std::string error_detail;             ///< what went wrong; redacted when stored (`Bearer [redacted]`)
  std::optional<clock::time_point> at;  ///< unset: the audit log's clock, now
};

/// One operations row as read back (`eightsync audit`). `intent.scim_id` is the id as stored,
/// including one learned from a create's response (outcome->scim_id repeats it); `outcome` is
/// unset for an intent not resolved yet.
struct audit_operation_row {
  std::int64_t id = 0;
  std::int64_t cycle_id = 0;
  audit_intent intent;
  clock::time_point intent_at;
  std::optional<audit_outcome> outcome;
};

/// What is known when a cycle begins (audit_log::begin_cycle).
struct audit_cycle_start {
  cycle_kind kind = cycle_kind::incremental;
  cycle_trigger trigger = cycle_trigger::schedule;
  std::string source_path;                      ///< the HR export to read; empty: not known yet
  std::optional<clock::time_point> started_at;  ///< unset: the audit log's clock, now
};

/// How many operations of each kind ended each way in one cycle (the cycle_counts view).
struct audit_cycle_counts {
  /// One group; `outcome` unset for intents not resolved yet.
  struct entry {
    audit_operation_kind kind = audit_operation_kind::update;
    std::optional<audit_operation_outcome> outcome;
    std::size_t count = 0;
  };
  std::vector<entry> entries;  ///< ordered by kind, then outcome (unresolved first)

  /// Operations of `kind` that ended as `outcome` (unset: unresolved). Never throws.
  std::size_t of(audit_operation_kind kind, std::optional<audit_operation_outcome> outcome) const noexcept {
    std::size_t n = 0;
    for (const auto& e : entries)
      if (e.kind == kind && e.outcome == outcome) n += e.count;
    return n;
  }

  /// Operations of any kind that ended as `outcome` (unset: unresolved). Never throws.
  std::size_t with_outcome(std::optional<audit_operation_outcome> outcome) const noexcept {
    std::size_t n = 0;
    for (const auto& e : entries)
      if (e.outcome == outcome) n += e.count;
    return n;
  }

  /// Every operation of the cycle. Never throws.
  std::size_t total() const noexcept {
    std::size_t n = 0;
    for (const auto& e : entries)
      n += e.count;
    return n;
  }
};

/// How a cycle ended (audit_log::end_cycle), with what it learned about the HR export on the
/// way. The source fields stay unset when the export was never read.
struct audit_cycle_end {
  cycle_outcome outcome = cycle_outcome::ok;
  std::string error;                              ///< for a person; empty: none (redacted when stored)
  std::uint64_t requests_planned = 0;             ///< requests the plan expected (plan::cost)
  std::uint64_t requests_sent = 0;                ///< requests actually sent, retries and 429s included
  request_cost cost;                              ///< retries, 429s and rate-limit waits among them
  std::string source_sha256;                      ///< hex SHA-256 of the export read; empty: not read
  std::optional<std::uint64_t> rows_read;         ///< data records read
  std::optional<std::uint64_t> rows_in_scope;     ///< of those, in scope
  std::optional<std::uint64_t> rows_quarantined;  ///< of those, set aside
  /// The kind the cycle turned out to be (an incremental cycle may decide a full listing is
  /// cheaper); unset: as begun.
  std::optional<cycle_kind> kind;
  std::optional<clock::time_point> ended_at;  ///< unset: the audit log's clock, now
};

/// One cycles row as read back. `ended_at` and `outcome` are unset while the cycle runs (or
/// after a crash, until the next start marks it interrupted).
struct audit_cycle_row {
  std::int64_t id = 0;
  clock::time_point started_at;
  std::optional<clock::time_point> ended_at;
  cycle_kind kind = cycle_kind::incremental;
  cycle_trigger trigger = cycle_trigger::schedule;
  std::string source_path;
  std::string source_sha256;
  std::optional<std::uint64_t> rows_read;
  std::optional<std::uint64_t> rows_in_scope;
  std::optional<std::uint64_t> rows_quarantined;
  std::uint64_t requests_planned = 0;
  std::uint64_t requests_sent = 0;
  request_cost cost;  ///< retries, 429s and rate-limit waits (0 for cycles before migration 0004)
  std::optional<cycle_outcome> outcome;
  std::string error;
};

/// A user whose operations keep failing, backing off across cycles (user_backoff).
struct audit_user_backoff {
  std::string hr_key;
  std::uint32_t failures = 0;          ///< failures in a row
  std::int64_t retry_after_cycle = 0;  ///< the first cycle id that tries this user again
  std::string last_error;              ///< redacted
  clock::time_point first_failed_at;
  clock::time_point last_failed_at;
};

/// An operator's consent to the operations held in one cycle (approvals).
/// One date-driven operation to approve ahead (`approve --upcoming`), and who did.
struct audit_upcoming_approval {
  std::string hr_key;
  std::string user_name;  ///< for the listing only
  operation_kind kind = operation_kind::deactivate;
  std::chrono::sys_seconds due_at{};
};

struct audit_approval {
  std::int64_t id = 0;
  std::int64_t cycle_id = 0;  ///< the held cycle
  approval_scope scope = approval_scope::all;
  clock::time_point approved_at;
  std::string approved_by;
  std::optional<std::int64_t> consumed_in_cycle;  ///< unset while pending
};

/// What audit_log::record_approval did. Anything but `recorded` wrote nothing: the CLI tells the
/// operator why.
/// - recorded: the approval was recorded; the next cycle may apply it
/// - no_such_cycle: no cycle has that id (or it was pruned)
/// - nothing_held: the cycle held no operation the scope covers
/// - already_approved: a pending approval of that cycle already covers the scope
BOOST_DEFINE_FIXED_ENUM_CLASS(audit_approval_result, std::uint8_t, recorded, no_such_cycle, nothing_held,
                              already_approved)

/// One manual_actions row as read back (`eightsync manual-actions`). `action.already_open` is
/// true for an open one.
struct audit_manual_action {
  std::int64_t id = 0;  ///< for `--resolve ID`
  manual_action action;
  std::optional<std::int64_t> raised_in_cycle;  ///< unset once that cycle was pruned
  clock::time_point raised_at;
  bool open = true;
  std::optional<clock::time_point> resolved_at;
  std::string resolved_by;  ///< the OS user, or "eightsync"
  std::string note;
};

/// One operation a safety hold kept back in a cycle (held_operations), as read back.
struct audit_held_row {
  std::int64_t id = 0;
  std::int64_t cycle_id = 0;
  operation_kind kind = operation_kind::update;
  std::string hr_key;
  std::string scim_id;
  std::string user_name;
  plan_hold hold;      ///< which limit tripped, and the sentence with the numbers
  std::string reason;  ///< why the operation was planned
  std::vector<plan_diff> diffs;
};

}  // namespace eightsync::core
