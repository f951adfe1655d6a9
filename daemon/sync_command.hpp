#pragma once
#include <iosfwd>

#include "config/eightsync_config.hpp"
#include "core/cycle_trigger.hpp"

namespace eightsync::daemon {

/// What `eightsync sync` was asked for.
struct sync_request {
  bool full = false;     ///< `--full`: read every 8x8 user (a full reconcile)
  bool verbose = false;  ///< `--verbose`: log each operation and request on `err`
  core::cycle_trigger trigger = core::cycle_trigger::cli;
};

/// `eightsync sync`: runs one cycle. Takes the state database's writer lock, settles intents an
/// earlier run left open, reads and maps the HR export, reads 8x8, plans, executes through the
/// rate limiter (persisted in the state database), and records everything in the audit tables.
/// Prints a summary on `out`. Returns the exit code of the cycle's outcome: exit_ok,
/// exit_partial, exit_held, exit_auth_failed, exit_write_forbidden or exit_source_rejected; or
/// exit_state_locked / exit_state_unusable before a cycle could start. Throws only on bugs.
int run_sync(const config::eightsync_config& cfg, const sync_request& request, std::ostream& out,
             std::ostream& err);

}  // namespace eightsync::daemon
