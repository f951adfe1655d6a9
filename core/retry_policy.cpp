#include "core/retry_policy.hpp"

#include <algorithm>

namespace eightsync::core {

bool retry_policy::is_retryable_status(unsigned status) const noexcept {
  return std::find(retryable_statuses.begin(), retryable_statuses.end(), status) != retryable_statuses.end();
}

scim_outcome retry_policy::classify(unsigned status) const noexcept {
  for (const auto& r : status_rules) {
    if (status >= r.first && status <= r.last) return r.outcome;
  }
  return scim_outcome::protocol;
}

bool retry_policy::pauses(unsigned status, bool has_retry_after) const noexcept {
  if (classify(status) == scim_outcome::rate_limited) return true;
  return has_retry_after &&
         std::find(pause_statuses.begin(), pause_statuses.end(), status) != pause_statuses.end();
}

std::chrono::milliseconds retry_policy::backoff_cap(std::size_t attempt) const noexcept {
  const auto max = std::max<std::chrono::milliseconds::rep>(max_delay.count(), 0);
  auto cap = std::max<std::chrono::milliseconds::rep>(base_delay.count(), 0);
  // Doubling stops at max: no overflow however large `attempt` is.
  for (std::size_t i = 1; i < attempt && cap < max; ++i)
    cap = cap > max / 2 ? max : cap * 2;
  return std::chrono::milliseconds{std::min(cap, max)};
}

}  // namespace eightsync::core
