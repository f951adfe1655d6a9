#pragma once
#include <cstdint>

#include "core/audit_intent.hpp"
#include "core/clock.hpp"

namespace eightsync::core {

/// An operations row with no outcome: an intent whose request may or may not have reached 8x8
/// (the process died, or the response was lost). Resolve it by a lookup, never by resending.
struct audit_pending_intent {
  std::int64_t id = 0;        ///< operations.id, for audit_log::record_outcome
  std::int64_t cycle_id = 0;  ///< the cycle that recorded it
  audit_intent intent;
  clock::time_point intent_at;
};

}  // namespace eightsync::core
