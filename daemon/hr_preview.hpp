#pragma once
#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "config/eightsync_config.hpp"
#include "connectors/source_summary.hpp"
#include "core/expected.hpp"
#include "core/user_mapper.hpp"

namespace eightsync::daemon {

/// The HR side of a cycle, read and mapped: what `preview` shows and a cycle plans from.
struct hr_snapshot {
  connectors::source_summary source;
  core::mapping_result mapped;
};

/// Reads the export `cfg.source` names and maps every row with `cfg.mapping`. A file-level
/// problem (unreadable, empty, a missing key or mapped column, too few rows) comes back as a
/// source_error whose message names the file. Throws only on bugs.
core::expected<hr_snapshot, connectors::source_error> read_and_map(const config::eightsync_config& cfg);

/// Prints `snap` for a person: up to `limit` users (0 = all) with every owned attribute, every
/// quarantined row with its line and reason, and a summary line. Never throws on I/O.
void print_preview_text(std::ostream& out, const hr_snapshot& snap, std::size_t limit);

/// Prints `snap` as one JSON document (all users unless `limit` > 0). Never throws on I/O.
void print_preview_json(std::ostream& out, const hr_snapshot& snap, std::size_t limit);

}  // namespace eightsync::daemon
