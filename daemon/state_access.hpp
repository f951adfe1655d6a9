#pragma once
#include <iosfwd>
#include <string_view>

#include "config/eightsync_config.hpp"
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

}  // namespace eightsync::daemon
