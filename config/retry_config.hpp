#pragma once
#include <chrono>
#include <cstddef>

#include "config/config_defaults.hpp"

namespace eightsync::config {

/// `target.retry`: how often a retryable request is tried (`attempts` counts the first try)
/// and the exponential backoff between tries, from `base_delay` doubling up to `max_delay`;
/// `max_pause` is the longest pause a Retry-After (or a stored pause) may impose.
struct retry_config {
  std::size_t attempts = defaults::retry_attempts;
  std::chrono::milliseconds base_delay = defaults::retry_base_delay;
  std::chrono::milliseconds max_delay = defaults::retry_max_delay;
  std::chrono::milliseconds max_pause = defaults::retry_max_pause;
};

}  // namespace eightsync::config
