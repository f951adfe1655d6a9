#pragma once
#include <cstddef>
#include <iosfwd>

#include "core/hr_source.hpp"

namespace eightsync::daemon {

/// Prints `snap` for a person: up to `limit` users (0 = all) with every owned attribute, every
/// quarantined row with its line and reason, and a summary line. Never throws on I/O.
void print_preview_text(std::ostream& out, const core::hr_snapshot& snap, std::size_t limit);

/// Prints `snap` as one JSON document (all users unless `limit` > 0). Never throws on I/O.
void print_preview_json(std::ostream& out, const core::hr_snapshot& snap, std::size_t limit);

}  // namespace eightsync::daemon
