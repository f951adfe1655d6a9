#pragma once
#include <chrono>

namespace eightsync::core {

/// A source of wall-clock time. Pacing logic takes one by reference, so tests can drive it with
/// a manual_clock instead of sleeping. Time points are system_clock ones because the rate
/// limiter's state outlives the process (it is persisted and reloaded after a restart).
class clock {
 public:
  using time_point = std::chrono::system_clock::time_point;  ///< a point on the wall clock
  using duration = std::chrono::system_clock::duration;      ///< a span of wall-clock time

  virtual ~clock() = default;

  /// The current time. Never throws.
  virtual time_point now() const noexcept = 0;
};

}  // namespace eightsync::core
