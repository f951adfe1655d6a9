#pragma once
#include <iosfwd>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// `eightsync status`: what an admin checks after each cycle, read from the state database
/// without the lock: the last cycle (outcome, counts, duration, error), whether a process holds
/// the writer lock (the service), when the next scheduled cycle is due, held operations waiting
/// for approval, open manual actions by kind, the last cycle's quarantined rows, and users
/// backing off after failures. `json` prints one document. Returns exit_ok or
/// exit_state_unusable. Throws only on bugs.
int run_status(const config::eightsync_config& cfg, bool json, std::ostream& out, std::ostream& err);

}  // namespace eightsync::daemon
