#pragma once
#include <boost/json/object.hpp>

#include "core/plan.hpp"
#include "core/plan_rate.hpp"

namespace eightsync::core {

/// `p` as JSON for scripts (`eightsync plan --json`): the same content as plan_text, with stable
/// snake_case kind names and every request body. Keys: `summary`, `operations`, `held`, `holds`,
/// `conflicts`, `manual_actions`, `reads_needed`, `skipped`, `link_refreshes`, `cost`. Throws
/// only std::bad_alloc.
boost::json::object plan_json(const plan& p, const plan_rate& rate);

}  // namespace eightsync::core
