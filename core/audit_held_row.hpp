#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/operation_kind.hpp"
#include "core/plan_diff.hpp"
#include "core/plan_hold.hpp"

namespace eightsync::core {

/// One operation a safety hold kept back in a cycle (held_operations), as read back.
struct audit_held_row {
  std::int64_t id = 0;
  std::int64_t cycle_id = 0;
  operation_kind kind = operation_kind::update;
  std::string hr_key;
  std::string scim_id;
  std::string user_name;
  plan_hold hold;      ///< which limit tripped, and the sentence with the numbers
  std::string reason;  ///< why the operation was planned
  std::vector<plan_diff> diffs;
};

}  // namespace eightsync::core
