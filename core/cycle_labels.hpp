#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/enum_names.hpp"

// The stable labels of one cycle, stored in the audit database: what it read (cycle_kind,
// `cycles.kind`), how it ended (cycle_outcome, `cycles.outcome`) and what started it
// (cycle_trigger, `cycles.triggered_by`).

namespace eightsync::core {

/// How much of 8x8 a cycle read. Stable names: stored in `cycles.kind`.
/// - full: paged through all of GET /Users
/// - incremental: trusted state.db and touched only changed users
BOOST_DEFINE_FIXED_ENUM_CLASS(cycle_kind, std::uint8_t, full, incremental)

/// How a cycle ended. Stable names: stored in `cycles.outcome`; `eightsync sync` maps each to its
/// own exit code.
/// - ok: everything planned was done
/// - partial: some users failed; the rest was done
/// - held: a safety limit held operations back until an operator approves them
/// - auth_failed: 8x8 answered 401: the token is gone; nothing more was sent
/// - write_forbidden: 403 on writes for two or more users: the rest of the cycle only read
/// - source_rejected: the HR export could not be read or failed a sanity check
/// - interrupted: the process ended before the cycle did (set by the next start)
BOOST_DEFINE_FIXED_ENUM_CLASS(cycle_outcome, std::uint8_t, ok, partial, held, auth_failed, write_forbidden,
                              source_rejected, interrupted)

/// Why a cycle ran. Stable names: stored in `cycles.triggered_by`.
/// - cli: `eightsync sync`
/// - schedule: the daemon's schedule (interval or full_reconcile)
/// - source_change: the HR export changed (schedule.on_source_change)
/// - signal: a signal asked for a cycle
/// - startup: the daemon's first cycle after it started
/// - approval: an operator approved a held cycle
BOOST_DEFINE_FIXED_ENUM_CLASS(cycle_trigger, std::uint8_t, cli, schedule, source_change, signal, startup,
                              approval)

}  // namespace eightsync::core
