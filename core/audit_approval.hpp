#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/approval_scope.hpp"
#include "core/clock.hpp"

namespace eightsync::core {

/// An operator's consent to the operations held in one cycle (approvals).
struct audit_approval {
  std::int64_t id = 0;
  std::int64_t cycle_id = 0;  ///< the held cycle
  approval_scope scope = approval_scope::all;
  clock::time_point approved_at;
  std::string approved_by;
  std::optional<std::int64_t> consumed_in_cycle;  ///< unset while pending
};

}  // namespace eightsync::core
