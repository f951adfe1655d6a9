#pragma once
#include <chrono>
#include <cstdint>

namespace eightsync::core {

/// What requests cost beyond the plan, for one cycle (the audit's cycles row) or for the life of
/// the service (its metrics): requests sent again, 429 answers, and time spent waiting on the
/// rate limiter, Retry-After pauses included.
struct request_cost {
  std::uint64_t retried = 0;                     ///< requests sent again after a timeout, reset, 5xx or 429
  std::uint64_t responses_429 = 0;               ///< 429 Too Many Requests answers
  std::chrono::milliseconds rate_limit_wait{0};  ///< waited before sending, on the rate limiter

  request_cost& operator+=(const request_cost& o) noexcept {
    retried += o.retried;
    responses_429 += o.responses_429;
    rate_limit_wait += o.rate_limit_wait;
    return *this;
  }
  friend bool operator==(const request_cost&, const request_cost&) = default;
};

}  // namespace eightsync::core
