#pragma once
#include "core/clock.hpp"

namespace eightsync::core {

/// The real wall clock (std::chrono::system_clock).
class wall_clock final : public clock {
 public:
  /// The current system time. Never throws.
  time_point now() const noexcept override;

  /// A process-wide instance, for callers that need a clock reference. Never throws.
  static const wall_clock& instance() noexcept;
};

}  // namespace eightsync::core
