#pragma once

namespace eightsync::daemon {

/// eightsync's process exit codes, documented in README.md. Scripts and systemd rely on them.
enum exit_code : int {
  exit_ok = 0,               ///< the command did what was asked
  exit_config_invalid = 1,   ///< the config file could not be loaded or is invalid
  exit_source_rejected = 2,  ///< the HR export was rejected as a whole (nothing from it was used)
  exit_state_unusable =
      3,                  ///< the state database cannot be used: unopenable, newer schema, another target URL
  exit_state_locked = 4,  ///< another eightsync process holds the state database's writer lock
  exit_refused = 5,       ///< refused because it conflicts with the recorded state; nothing was changed
  exit_auth_failed = 6,   ///< 8x8 refused the token (401), or no token could be read: nothing was written
  exit_target_unreachable =
      7,             ///< 8x8 could not be read (connection, TLS, timeout, 5xx or 429 after the retries)
  exit_partial = 8,  ///< sync: some users failed (recorded); the rest was done
  exit_held = 9,     ///< sync: a safety limit held operations until an operator approves them
  exit_write_forbidden = 10,  ///< sync: 8x8 answered 403 to writes for several users; the rest only read
  exit_paused =
      11,  ///< sync, plan: the next request would wait longer than --max-wait (a pause 8x8 asked for)
  exit_usage = 64,     ///< the command line was wrong (EX_USAGE)
  exit_internal = 70,  ///< a bug: please report it (EX_SOFTWARE)
};

}  // namespace eightsync::daemon
