#pragma once
#include <string>

#include <boost/json/object.hpp>

#include "core/plan.hpp"

// A plan rendered for a person (plan_text) and for scripts (plan_json): `eightsync plan`.

namespace eightsync::core {

/// `p` as JSON for scripts (`eightsync plan --json`): the same content as plan_text, with stable
/// snake_case kind names and every request body. Keys: `summary`, `operations`, `held`, `holds`,
/// `conflicts`, `manual_actions`, `reads_needed`, `skipped`, `link_refreshes`, `cost`. Throws
/// only std::bad_alloc.
boost::json::object plan_json(const plan& p, const plan_rate& rate);

/// `p` for a person (`eightsync plan`): a summary line, then the operations grouped by kind in
/// plan order, each with its HR key, userName, 8x8 id, reason, attribute diffs (before →
/// after) and follow-ups; then held items with their holds, conflicts, manual actions, reads
/// still needed and skipped users; last, the cost in requests and the time it takes at `rate`.
/// Throws only std::bad_alloc.
std::string plan_text(const plan& p, const plan_rate& rate);

}  // namespace eightsync::core
