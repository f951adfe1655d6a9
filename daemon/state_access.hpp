#pragma once
#include <iosfwd>
#include <string_view>

#include "config/eightsync_config.hpp"
#include "core/db_lock.hpp"
#include "core/expected.hpp"
#include "core/state_store.hpp"

namespace eightsync::daemon {

/// Opens the state database `cfg.state.path` for a command that reads it or records an operator's
/// word in it (approve, manual-actions, status, audit), without the writer lock: SQLite's WAL
/// lets these run while the service works. Never creates the file: when it is missing, says so
/// on `err` ("eightsync COMMAND: no state database at PATH yet: …") and returns
/// exit_state_unusable, as for any other state_error. With `read_only` (status, audit, listing
/// manual actions) it writes nothing, so a member of the service's group without write access
/// can read (state_store::options::read_only). Throws only std::bad_alloc.
core::expected<core::state_store, int> open_existing_state(const config::eightsync_config& cfg,
                                                           std::string_view command, std::ostream& err,
                                                           bool read_only = false);

/// Takes the state database's writer lock for `command` (run, sync, unlink). When another
/// process holds it, says so on `err` naming its pid ("eightsync COMMAND: … is locked by eightsync
/// pid N …") and returns exit_state_locked; when the lock file cannot be made, exit_state_unusable.
/// Throws only std::bad_alloc.
core::expected<core::db_lock, int> take_writer_lock(const config::eightsync_config& cfg,
                                                    std::string_view command, std::ostream& err);

}  // namespace eightsync::daemon
