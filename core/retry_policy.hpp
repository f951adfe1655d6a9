#pragma once
#include <chrono>
#include <cstddef>
#include <random>
#include <vector>

#include "config/config_defaults.hpp"

namespace eightsync::core {

/// How a failed request is tried again, as data (like bmcweb's ConnectionPolicy). Which
/// requests may be tried again at all is the client's business: a POST is resent only when it
/// provably never left the machine, whatever this says.
struct retry_policy {
  /// Tries in all, the first one included (>= 1).
  std::size_t attempts = config::defaults::retry_attempts;
  /// The backoff cap before the 2nd try.
  std::chrono::milliseconds base_delay = config::defaults::retry_base_delay;
  /// Backoff never exceeds this; nor does a wait for Retry-After inside one call.
  std::chrono::milliseconds max_delay = config::defaults::retry_max_delay;
  /// A longer Retry-After is cut to this.
  std::chrono::milliseconds max_pause = config::defaults::retry_max_pause;
  std::vector<unsigned> retryable_statuses{500, 502, 503, 504};  ///< statuses worth another try
  bool retry_transport_errors = true;  ///< retry timeouts, resets, truncated answers

  /// Whether `status` is in retryable_statuses. Never throws.
  bool is_retryable_status(unsigned status) const noexcept;

  /// Whether another try is allowed after `attempts_made` tries. Never throws.
  bool may_try_again(std::size_t attempts_made) const noexcept { return attempts_made < attempts; }

  /// The backoff cap after try number `attempt` (1-based): min(max_delay, base_delay * 2^(attempt-1)),
  /// without overflow. Never throws.
  std::chrono::milliseconds backoff_cap(std::size_t attempt) const noexcept;

  /// The wait after try number `attempt` with full jitter: uniform in [0, backoff_cap(attempt)],
  /// drawn from `rng`. Never throws.
  template <class Rng>
  std::chrono::milliseconds delay_for(std::size_t attempt, Rng& rng) const {
    const auto cap = backoff_cap(attempt).count();
    if (cap <= 0) return std::chrono::milliseconds{0};
    std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, cap);
    return std::chrono::milliseconds{pick(rng)};
  }
};

}  // namespace eightsync::core
