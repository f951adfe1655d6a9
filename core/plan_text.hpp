#pragma once
#include <string>

#include "core/plan.hpp"
#include "core/plan_rate.hpp"

namespace eightsync::core {

/// `p` for a person (`eightsync plan`): a summary line, then the operations grouped by kind in
/// plan order, each with its HR key, userName, 8x8 id, reason, attribute diffs (before →
/// after) and follow-ups; then held items with their holds, conflicts, manual actions, reads
/// still needed and skipped users; last, the cost in requests and the time it takes at `rate`.
/// Throws only std::bad_alloc.
std::string plan_text(const plan& p, const plan_rate& rate);

}  // namespace eightsync::core
