#pragma once
#include <chrono>
#include <cstdint>
#include <iosfwd>

#include "config/eightsync_config.hpp"
#include "core/approval_scope.hpp"

namespace eightsync::daemon {

/// `eightsync approve CYCLE [--only SCOPE]`: records the operator's consent (with who and when)
/// to the operations cycle CYCLE held that SCOPE covers, and lists them. Only consent: nothing
/// is sent now; the next cycle applies those that are approved and still planned against fresh
/// data. Needs no lock, so it works while the service runs. Returns exit_ok when recorded,
/// exit_refused when the cycle does not exist, held nothing SCOPE covers or is already
/// approved for it (each said plainly), exit_state_unusable. Throws only on bugs.
int run_approve(const config::eightsync_config& cfg, std::int64_t cycle, core::approval_scope scope,
                std::ostream& out, std::ostream& err);

/// How far ahead `approve --upcoming` looks without --horizon.
inline constexpr std::chrono::days default_approve_horizon{7};

/// `eightsync approve --upcoming [--horizon DURATION]`: approves ahead the date-driven operations
/// due from now to now + `horizon` (an end-of-month batch of terminations, say), read from the
/// HR export and state.db's links: a deactivation at each end, an activation at each start of a
/// linked person, a create at the opening of a provisioning window (or at the start). Records
/// each with who, when and the horizon, and lists them; a safety limit then neither counts nor
/// holds them when their instant comes (source holds still do). Nothing is sent now. Returns
/// exit_ok when recorded, exit_refused when there is no `lifecycle:` block or nothing is due,
/// exit_source_rejected, exit_state_unusable. Throws only on bugs.
int run_approve_upcoming(const config::eightsync_config& cfg, std::chrono::milliseconds horizon,
                         std::ostream& out, std::ostream& err);

}  // namespace eightsync::daemon
