#pragma once
#include <filesystem>
#include <iosfwd>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// `eightsync run`: the long-running service. One Asio io_context owns everything:
/// - a cycle every schedule.interval (with up to 5% jitter), a full reconcile on the first cycle
///   and every schedule.full_reconcile, and with schedule.on_source_change a cycle once the HR
///   export changed and stayed the same for a few seconds (inotify on its directory). Never two
///   cycles at once: triggers during a cycle fold into one follow-up cycle;
/// - SIGHUP reloads the config between cycles (a bad one is logged and the old one kept; a new
///   state.path or target.url needs a restart); SIGUSR1 starts a cycle now; SIGTERM/SIGINT
///   stop starting requests, let the one in flight finish (bounded by target.timeout), record
///   the cycle `interrupted` and return 0;
/// - sd_notify READY=1 after the lock, the migrations and the token check, STATUS= after each
///   cycle, WATCHDOG=1 at half of WatchdogSec=, STOPPING=1 (no-ops outside systemd);
/// - after auth_failed, cycles back off to at least an hour and STATUS says why, until the
///   token file changes or SIGHUP/SIGUSR1.
/// Returns the process exit code: 0 after a clean stop; exit_state_locked, exit_state_unusable or
/// exit_auth_failed (no token source) at start. Logs go to stderr (see log_setup.hpp); startup
/// errors also go to `err`. Throws only on bugs.
int run_service(const std::filesystem::path& config_file, config::eightsync_config cfg, std::ostream& err);

}  // namespace eightsync::daemon
