#pragma once
#include <chrono>
#include <cstddef>

namespace eightsync::core {

/// A request rate to state a plan's cost as time: `requests` per sliding `per` window
/// (target.rate_limit; 8x8's only published figure is 10 a minute).
struct plan_rate {
  std::size_t requests = 10;
  std::chrono::milliseconds per{std::chrono::seconds{60}};
};

}  // namespace eightsync::core
