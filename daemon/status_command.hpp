#pragma once
#include <iosfwd>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// `eightsync status`: what an admin checks after each cycle, read from the state database
/// without the lock: the last cycle (outcome, counts, duration, error), whether a process holds
/// the writer lock (the service), when the next scheduled cycle is due, held operations waiting
/// for approval, open manual actions by kind, the last cycle's quarantined rows, users
/// backing off after failures, and a pause (a Retry-After 8x8 asked for, or a wait for a send
/// slot of more than a minute: read_pause). `json` prints one document. Returns exit_ok or
/// exit_state_unusable. Throws only on bugs.
int run_status(const config::eightsync_config& cfg, bool json, std::ostream& out, std::ostream& err);

/// `eightsync status --clear-pause`: removes the stored pause (and moves send slots stored in the
/// future back to now), so the next request may go at once, and says what it removed. It writes
/// the state database, so it takes the writer lock: while the service (or a `sync`) runs it
/// returns exit_state_locked, naming the holder, because a running process keeps its own copy
/// of the pause and would wait it out anyway (stop the service, clear, start it). Returns exit_ok
/// (also when there was no pause), exit_state_locked or exit_state_unusable. Throws only on bugs.
int run_clear_pause(const config::eightsync_config& cfg, std::ostream& out, std::ostream& err);

}  // namespace eightsync::daemon
