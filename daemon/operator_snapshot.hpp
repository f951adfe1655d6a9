#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/audit_cycle_counts.hpp"
#include "core/audit_cycle_row.hpp"
#include "core/audit_held_row.hpp"
#include "core/audit_log.hpp"
#include "core/audit_user_backoff.hpp"

namespace eightsync::daemon {

/// What an admin has to know after a cycle, read from the audit tables in one place so that
/// `eightsync status` and the service's metrics always agree.
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

  /// Held deactivations among `waiting`. Never throws.
  std::size_t held_deactivations() const noexcept;
};

/// Reads the snapshot. Held operations wait when they belong to the newest of the last 20
/// cycles that held any and no approval of that cycle is pending (older holds were planned
/// again since, and are held again there if still over a limit). Throws state_error.
operator_snapshot take_operator_snapshot(const core::audit_log& audit);

}  // namespace eightsync::daemon
