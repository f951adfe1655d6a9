#pragma once
#include <iosfwd>
#include <memory>

#include <spdlog/logger.h>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// The daemon's logger, one line per event (`cycle.start`, `op.create.ok`, …) on stderr:
/// - under journald ($JOURNAL_STREAM set, as systemd sets it for a service's stderr): no
///   timestamp (journald adds its own) and a `<N>` syslog priority prefix, so `journalctl -p`
///   filters by level;
/// - otherwise `log.format` text (`2026-11-24T02:39:44.215Z info eightsync: …`) or json (one
///   object per line: time, level, logger, msg; msg JSON-escaped).
/// At `log.level`. Every message passes a redacting_sink first (no known secret is written).
/// Throws only std::bad_alloc.
std::shared_ptr<spdlog::logger> make_daemon_logger(const config::log_config& log);

/// The logger of an interactive command (`plan`, `sync`): `eightsync: LEVEL: message` lines on
/// `err`, warnings and errors only unless `verbose` (then every request and operation too), each
/// through a redacting_sink. Throws only std::bad_alloc.
std::shared_ptr<spdlog::logger> make_cli_logger(std::ostream& err, bool verbose);

/// Whether stderr is connected to journald ($JOURNAL_STREAM names stderr's device and inode).
/// Never throws.
bool stderr_is_journal() noexcept;

}  // namespace eightsync::daemon
