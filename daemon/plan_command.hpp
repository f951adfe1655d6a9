#pragma once
#include <chrono>
#include <iosfwd>
#include <optional>

#include "config/eightsync_config.hpp"
#include "daemon/wait_limit.hpp"

namespace eightsync::daemon {

/// What `eightsync plan` was asked for.
struct plan_request {
  bool full = false;     ///< `--full`: read every 8x8 user (a full reconcile), whatever it costs
  bool json = false;     ///< `--json`: one JSON document on `out`
  bool verbose = false;  ///< `--verbose`: log every request on `err`
  /// `--max-wait`: the longest wait for 8x8 (a pause it asked for) the command makes.
  std::chrono::milliseconds max_wait = default_max_wait;
  /// `--horizon`: after the plan, list the lifecycle events due this far ahead of the lifecycle's
  /// now (which --as-of moves); nullopt: no such section.
  std::optional<std::chrono::seconds> horizon;
};

/// `eightsync plan`: reads the HR export and 8x8 (never writes to either) and the state database
/// opened read-only (never created, migrated or bound; an empty file counts as no state; only
/// the rate limiter's window records its requests in an existing database) and prints what a cycle would do
/// now, with a reason for each user, the held items, conflicts, manual actions and the request cost with the
/// time it takes at the configured rate, and with `request.horizon` the lifecycle events due in it (see
/// daemon/lifecycle_text.hpp). Returns exit_ok when it printed a plan from a complete read;
/// exit_source_rejected, exit_state_unusable, exit_auth_failed (no token, or 401) or exit_target_unreachable
/// (8x8 could not be read; a partial plan is still printed, marked as such), or exit_paused when a read would
/// wait longer than `max_wait` (and than target.rate_limit's window): the wait and its end are named on
/// `err`, and no plan is printed. Throws only on bugs.
int run_plan(const config::eightsync_config& cfg, const plan_request& request, std::ostream& out,
             std::ostream& err);

}  // namespace eightsync::daemon
