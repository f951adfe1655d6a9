#pragma once
#include <string>

#include "core/plan_hold_reason.hpp"

namespace eightsync::core {

/// One safety hold: which limit tripped, and a sentence with the numbers.
struct plan_hold {
  plan_hold_reason reason = plan_hold_reason::max_deactivations;
  std::string text;  ///< e.g. "12 deactivations exceed safety.max_deactivations (10)"
};

}  // namespace eightsync::core
