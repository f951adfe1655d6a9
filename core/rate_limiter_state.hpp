#pragma once
#include <optional>
#include <vector>

#include "core/clock.hpp"

namespace eightsync::core {

/// What a rate limiter must remember across restarts and CLI runs (invariant 8): the send slots
/// it handed out most recently and the pause a 429 imposed. Plain data, for the state store.
struct rate_limiter_state {
  std::vector<clock::time_point> sent;            ///< recent send slots, oldest first
  std::optional<clock::time_point> paused_until;  ///< no request before this (Retry-After)

  /// Member-wise equality.
  friend bool operator==(const rate_limiter_state&, const rate_limiter_state&) = default;
};

}  // namespace eightsync::core
