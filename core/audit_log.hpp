#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/approval_scope.hpp"
#include "core/audit_rows.hpp"
#include "core/clock.hpp"
#include "core/manual_action.hpp"
#include "core/plan.hpp"
#include "core/planner_state.hpp"
#include "core/row_sink.hpp"
#include "core/state_store.hpp"

namespace eightsync::core {

/// The audit tables of the state database (migrations/0003_audit.sql): cycles, the operations
/// of each (intent, then outcome), quarantined rows, held operations, manual actions,
/// approvals and per-user backoff. What it records lets an admin answer after every cycle what
/// changed, why, what failed and what a human still has to do.
///
/// Every write method is one committed transaction of its own (through
/// state_store::in_transaction; called inside an outer one, it joins it and is durable only when
/// that one commits). Failures to read or write are state_error naming the database file: the
/// caller ends the cycle. Times come from the clock given at construction. Error texts,
/// quarantine details and manual-action texts are stored through redact_credentials (every
/// known secret by value, and Bearer credentials), then bound_text (at most 4 KB, with a
/// "… (N bytes)" suffix); the token is never passed in at all (invariant 9).
/// Not thread-safe, like the store it wraps.
class audit_log {
 public:
  /// An audit log over `store` (already migrated to 0004 or later), reading time from `time`;
  /// both must outlive it. Never throws.
  explicit audit_log(state_store& store, const clock& time = wall_clock::instance()) noexcept;

  // ---- cycles ---------------------------------------------------------------------------

  /// Records a cycle as running and returns its id (ids only grow, never reused). Throws
  /// state_error.
  std::int64_t begin_cycle(const audit_cycle_start& start);

  /// Records how cycle `id` ended. Throws state_error when no running cycle has that id (it
  /// ended already, or never existed: a bug) or on a write failure.
  void end_cycle(std::int64_t id, const audit_cycle_end& end);

  /// Marks every cycle that never ended (the process died) as `interrupted`, ending now, with
  /// `error` as its error text; returns how many. Call at start, before begin_cycle. Throws
  /// state_error.
  std::size_t mark_interrupted_cycles(std::string_view error = "the process ended during the cycle");

  // ---- operations -----------------------------------------------------------------------

  /// Commits an operations row with no outcome (the crash-safety marker) for `cycle` and
  /// returns its id. Call before the request leaves. Throws state_error (then do not send).
  std::int64_t record_intent(std::int64_t cycle, const audit_intent& intent);

  /// Commits the outcome of the intent `op_id`: outcome, status, attempts, latency, the 8x8 id
  /// learned (when `outcome.scim_id` is not empty) and the redacted error detail. Throws
  /// state_error when `op_id` is not an unresolved intent (a bug) or on a write failure.
  void record_outcome(std::int64_t op_id, const audit_outcome& outcome);

  /// Commits an operations row with its outcome at once, for an operation that sends no request
  /// (adopt, or one skipped because the cycle turned read-only or the user backs off); returns
  /// its id. Throws state_error.
  std::int64_t record_completed(std::int64_t cycle, const audit_intent& intent, const audit_outcome& outcome);

  /// Every operations row without an outcome, oldest first: intents whose request may or may
  /// not have reached 8x8. Resolve each by a lookup (record_outcome with resolved_by lookup).
  /// Throws state_error.
  std::vector<audit_pending_intent> unresolved_intents() const;

  // ---- quarantine and holds -------------------------------------------------------------

  /// Records the HR rows `cycle` set aside, in one transaction. Throws state_error.
  void record_quarantined(std::int64_t cycle, std::span<const quarantined_row> rows);

  /// Records the operations a safety hold kept back in `cycle` (plan::held; each entry's
  /// `hold` says why; an entry without one is recorded as waits_for_held), in one transaction.
  /// Throws state_error.
  void record_held(std::int64_t cycle, std::span<const plan_entry> entries);

  // ---- manual actions -------------------------------------------------------------------

  /// Records `action` as open, raised in `cycle`; returns false, writing nothing, when an open
  /// action already has its dedupe_key. Throws state_error.
  bool raise_manual_action(std::int64_t cycle, const manual_action& action);

  /// The manual actions, open ones only when `open_only`, oldest first. Throws state_error.
  std::vector<audit_manual_action> manual_actions(bool open_only) const;

  /// The HR keys eightsync created inactive, ahead of a start date, and has not activated since
  /// (a create whose body said `active: false`, with no later reactivation 8x8 took), sorted.
  /// Throws state_error.
  std::vector<std::string> created_before_start() const;

  /// Resolves the open actions among `ids`, by `by` (the OS user, or "eightsync"), with an
  /// optional `note`; returns how many were open. Unknown or already resolved ids are skipped.
  /// Throws state_error.
  std::size_t resolve_manual_actions(std::span<const std::int64_t> ids, std::string_view by,
                                     std::string_view note = {});

  /// Resolves every open action of `kind`, by `by`; returns how many. Throws state_error.
  std::size_t resolve_manual_actions_of_kind(manual_action_kind kind, std::string_view by,
                                             std::string_view note = {});

  // ---- approvals ------------------------------------------------------------------------

  /// Records `by`'s consent to the operations `held_cycle` held that `scope` covers. Only
  /// consent: the next cycle applies held operations that are approved and still planned.
  /// Writes nothing and says why when the cycle does not exist, held nothing `scope` covers,
  /// or a pending approval of it already covers `scope` (one of scope `all`, or the same
  /// scope). Throws state_error on a read or write failure.
  audit_approval_result record_approval(std::int64_t held_cycle, approval_scope scope, std::string_view by);

  /// Approvals no cycle applied yet, oldest first. Throws state_error.
  std::vector<audit_approval> pending_approvals() const;

  /// Records `ops`, approved ahead by `by` for the span up to `horizon_end`, in one
  /// transaction. Throws state_error.
  void record_upcoming_approvals(std::span<const audit_upcoming_approval> ops, clock::time_point horizon_end,
                                 std::string_view by);

  /// Every operation approved ahead whose instant is at or after `since` (older ones can no longer
  /// match a plan). Throws state_error.
  std::vector<planner_state::upcoming_approval> upcoming_approvals(clock::time_point since) const;

  /// Marks the pending approvals among `approval_ids` as applied by `cycle`, so each is used
  /// once; returns how many were pending. Throws state_error.
  std::size_t consume_approvals(std::span<const std::int64_t> approval_ids, std::int64_t cycle);

  // ---- per-user backoff across cycles ---------------------------------------------------

  /// Records that `hr_key`'s operation failed in `cycle`: failures + 1, and the next
  /// min(2^(failures-1), 64) cycles skip the user (1, 2, 4 … 64). Returns the failing cycles in a
  /// row so far. Throws state_error.
  std::uint32_t record_user_failure(std::string_view hr_key, std::int64_t cycle, std::string_view error);

  /// Clears `hr_key`'s backoff after a success. Throws state_error.
  void record_user_success(std::string_view hr_key);

  /// The users cycle `next_cycle` must skip (retry_after_cycle > next_cycle), by HR key.
  /// Throws state_error.
  std::vector<audit_user_backoff> users_in_backoff(std::int64_t next_cycle) const;

  /// Every user with failures recorded, backing off or due again, by HR key (for status).
  /// Throws state_error.
  std::vector<audit_user_backoff> failing_users() const;

  // ---- reading (eightsync audit) --------------------------------------------------------

  /// The newest `limit` cycles, newest first. Throws state_error.
  std::vector<audit_cycle_row> cycles(std::size_t limit) const;

  /// Cycle `id`, or nullopt. Throws state_error.
  std::optional<audit_cycle_row> cycle(std::int64_t id) const;

  /// The newest cycle that ended with `outcome`, if any. Throws state_error.
  std::optional<audit_cycle_row> last_cycle_with(cycle_outcome outcome) const;

  /// The operations of `cycle`, in the order recorded. Throws state_error.
  std::vector<audit_operation_row> operations(std::int64_t cycle) const;

  /// Every operation on the user whose HR key is `key_or_user_name`, or whose userName is
  /// (case-insensitive, ASCII), oldest first. Throws state_error.
  std::vector<audit_operation_row> user_history(std::string_view key_or_user_name) const;

  /// The rows `cycle` quarantined, in file order. Throws state_error.
  std::vector<quarantined_row> quarantined(std::int64_t cycle) const;

  /// The operations `cycle` held, in plan order. Throws state_error.
  std::vector<audit_held_row> held(std::int64_t cycle) const;

  /// How many operations of each kind ended each way in `cycle`. Throws state_error.
  audit_cycle_counts counts(std::int64_t cycle) const;

  // ---- retention ------------------------------------------------------------------------

  /// Deletes the cycles that ended before `older_than`, with their operations, quarantined rows,
  /// held operations and approvals, and the manual actions resolved before it; returns the rows
  /// removed. Never deletes the last cycle, a cycle with an unresolved intent or a pending
  /// approval, or an open manual action (its raised_in_cycle becomes NULL). Throws state_error.
  std::size_t prune(clock::time_point older_than);

 private:
  state_store& store_;
  const clock& clock_;
};

}  // namespace eightsync::core
