#pragma once
#include <chrono>
#include <iosfwd>

#include "config/eightsync_config.hpp"
#include "core/cycle_labels.hpp"
#include "daemon/wait_limit.hpp"

namespace eightsync::daemon {

/// What `eightsync sync` was asked for.
struct sync_request {
  bool full = false;     ///< `--full`: read every 8x8 user (a full reconcile)
  bool verbose = false;  ///< `--verbose`: log each operation and request on `err`
  core::cycle_trigger trigger = core::cycle_trigger::cli;
  /// `--max-wait`: the longest wait for 8x8 (a pause it asked for) the command makes.
  std::chrono::milliseconds max_wait = default_max_wait;
};

/// `eightsync sync`: runs one cycle. Takes the state database's writer lock, settles intents an
/// earlier run left open, reads and maps the HR export, reads 8x8, plans, executes through the
/// rate limiter (persisted in the state database), and records everything in the audit tables.
/// Prints a summary on `out`. Returns the exit code of the cycle's outcome: exit_ok,
/// exit_partial, exit_held, exit_auth_failed, exit_write_forbidden or exit_source_rejected; or
/// exit_state_locked / exit_state_unusable before a cycle could start. When a request would
/// wait longer than `max_wait` (and than target.rate_limit's window), it says how long and until
/// when on `err` and returns exit_paused: before the cycle starts (nothing sent, no cycle
/// recorded), or when the wait appears during the cycle (which stops there, `interrupted`).
/// Throws only on bugs.
int run_sync(const config::eightsync_config& cfg, const sync_request& request, std::ostream& out,
             std::ostream& err);

}  // namespace eightsync::daemon
