#pragma once
#include <chrono>
#include <cstddef>

namespace eightsync::emulator {

/// A sliding-window request limit: at most `requests` in any `window`.
struct rate_limit_spec {
  std::size_t requests = 0;            ///< requests allowed per window (> 0)
  std::chrono::milliseconds window{};  ///< window length (> 0)
};

}  // namespace eightsync::emulator
