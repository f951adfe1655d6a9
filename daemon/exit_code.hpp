#pragma once

namespace eightsync::daemon {

/// eightsync's process exit codes, documented in README.md. Scripts and systemd rely on them.
enum exit_code : int {
  exit_ok = 0,               ///< the command did what was asked
  exit_config_invalid = 1,   ///< the config file could not be loaded or is invalid
  exit_source_rejected = 2,  ///< the HR export was rejected as a whole (nothing from it was used)
  exit_usage = 64,           ///< the command line was wrong (EX_USAGE)
  exit_internal = 70,        ///< a bug: please report it (EX_SOFTWARE)
};

}  // namespace eightsync::daemon
