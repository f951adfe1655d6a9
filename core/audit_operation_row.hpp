#pragma once
#include <cstdint>
#include <optional>

#include "core/audit_intent.hpp"
#include "core/audit_outcome.hpp"
#include "core/clock.hpp"

namespace eightsync::core {

/// One operations row as read back (`eightsync audit`). `intent.scim_id` is the id as stored,
/// including one learned from a create's response (outcome->scim_id repeats it); `outcome` is
/// unset for an intent not resolved yet.
struct audit_operation_row {
  std::int64_t id = 0;
  std::int64_t cycle_id = 0;
  audit_intent intent;
  clock::time_point intent_at;
  std::optional<audit_outcome> outcome;
};

}  // namespace eightsync::core
