#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/audit_log.hpp"
#include "core/audit_rows.hpp"
#include "core/clock.hpp"
#include "core/source_options.hpp"
#include "core/state_store.hpp"

namespace eightsync::daemon {

/// A wait for 8x8 a person should know of: eightsync sends nothing before `until`.
struct operator_pause {
  /// The earliest time the next request may go: the pause's end when the pause holds it (see
  /// core::held_by_pause), else the next send slot.
  core::clock::time_point until;
  /// Why: `retry_after` (a pause 8x8 asked for) or `rate_limit` (the recorded send slots).
  std::string_view reason;
  /// The pause as stored, when it is later than max_pause allows (the next request clamps it).
  std::optional<core::clock::time_point> stored;
};

/// What an admin has to know after a cycle, read from the audit tables in one place so that
/// `eightsync status` and the service's metrics always agree.
/// How old the HR export is, against source.max_age.
struct export_age {
  core::clock::duration age{};                       ///< since it last changed (mtime or ctime)
  std::optional<std::chrono::milliseconds> max_age;  ///< source.max_age, if set
  /// Older than source.max_age: the HR export stopped arriving (its missing users are held).
  bool stale() const noexcept { return max_age && age > *max_age; }
};

struct operator_snapshot {
  std::optional<core::audit_cycle_row> last;        ///< the newest cycle
  core::audit_cycle_counts last_counts;             ///< its operations by kind and outcome
  std::optional<core::audit_cycle_row> last_ok;     ///< the newest cycle that ended ok
  std::int64_t held_cycle = 0;                      ///< the cycle whose held operations wait; 0: none
  std::vector<core::audit_held_row> waiting;        ///< held operations no approval covers yet
  std::map<std::string, std::size_t> open_by_kind;  ///< open manual actions by kind
  std::size_t open_total = 0;                       ///< open manual actions
  std::size_t quarantined = 0;                      ///< HR rows set aside by the newest cycle
  std::vector<core::audit_user_backoff> failing;    ///< users backing off after failures
  std::optional<operator_pause> pause;              ///< see read_pause; set by the caller
  std::optional<export_age> source;                 ///< see read_export_age; set by the caller

  /// Held deactivations among `waiting`. Never throws.
  std::size_t held_deactivations() const noexcept;
};

/// Reads the snapshot. Held operations wait when they belong to the newest of the last 20
/// cycles that held any, no cycle since ended ok, and no approval of that cycle is pending (older
/// holds were planned again since, and are held again there if still over a limit). Throws
/// state_error.
operator_snapshot take_operator_snapshot(const core::audit_log& audit);

/// How old the export `source` names is at `now` (the later of its mtime and ctime), with
/// source.max_age; nullopt when it cannot be looked at (missing, not a local file). Never throws.
std::optional<export_age> read_export_age(const core::source_options& source,
                                          core::clock::time_point now) noexcept;

/// The wait for 8x8 stored in `store` (the rate limiter's slots and pause) as the next request
/// would meet it at `now` with a limit of `requests` per `window` and `max_pause`: set while a
/// pause is in the future, or while the next slot is more than a minute away and beyond the
/// window; nullopt otherwise. Stored times that no running eightsync can have set at this clock
/// are read clamped, as the next request will clamp them. Throws state_error.
std::optional<operator_pause> read_pause(core::state_store& store, std::size_t requests,
                                         core::clock::duration window, core::clock::duration max_pause,
                                         core::clock::time_point now);

}  // namespace eightsync::daemon
