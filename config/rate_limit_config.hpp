#pragma once
#include <chrono>
#include <cstddef>

#include "config/config_defaults.hpp"

namespace eightsync::config {

/// `target.rate_limit`: at most `requests` requests to 8x8 in any window of `per`.
struct rate_limit_config {
  std::size_t requests = defaults::rate_limit_requests;
  std::chrono::milliseconds per = defaults::rate_limit_per;
};

}  // namespace eightsync::config
