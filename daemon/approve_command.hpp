#pragma once
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

}  // namespace eightsync::daemon
