#include "core/unlimited_rate_limiter.hpp"

namespace eightsync::core {

clock::time_point unlimited_rate_limiter::acquire() {
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  return paused_until_ && *paused_until_ > now ? *paused_until_ : now;
}

clock::time_point unlimited_rate_limiter::next_slot() {
  return acquire();
}

void unlimited_rate_limiter::on_retry_after(clock::time_point deadline) noexcept {
  const std::lock_guard lock(mutex_);
  if (!paused_until_ || deadline > *paused_until_) paused_until_ = deadline;
}

rate_limiter_state unlimited_rate_limiter::export_state() const {
  const std::lock_guard lock(mutex_);
  return rate_limiter_state{{}, paused_until_, std::nullopt};
}

void unlimited_rate_limiter::import_state(const rate_limiter_state& state) {
  if (state.paused_until) on_retry_after(*state.paused_until);
}

}  // namespace eightsync::core
