#include "core/sliding_window_rate_limiter.hpp"

#include <algorithm>
#include <stdexcept>

namespace eightsync::core {

sliding_window_rate_limiter::sliding_window_rate_limiter(std::size_t requests, clock::duration window,
                                                         const clock& clk, clock::duration guard)
    : requests_(requests), window_(window), guard_(guard), clock_(clk) {
  if (requests == 0) throw std::invalid_argument("rate limit: requests per window must be at least 1");
  if (window <= clock::duration::zero())
    throw std::invalid_argument("rate limit: the window must be positive");
  if (guard < clock::duration::zero())
    throw std::invalid_argument("rate limit: the guard must not be negative");
}

clock::time_point sliding_window_rate_limiter::acquire() {
  const std::lock_guard lock(mutex_);
  auto slot = clock_.now();
  if (paused_until_ && *paused_until_ > slot) slot = *paused_until_;
  if (sent_.size() >= requests_) slot = std::max(slot, sent_[sent_.size() - requests_] + window_ + guard_);
  // Slots never go back in time, even when the wall clock does: that keeps sent_ sorted.
  if (!sent_.empty()) slot = std::max(slot, sent_.back());
  sent_.push_back(slot);
  while (sent_.size() > requests_)
    sent_.pop_front();
  return slot;
}

void sliding_window_rate_limiter::on_retry_after(clock::time_point deadline) noexcept {
  const std::lock_guard lock(mutex_);
  if (!paused_until_ || deadline > *paused_until_) paused_until_ = deadline;
}

rate_limiter_state sliding_window_rate_limiter::export_state() const {
  const std::lock_guard lock(mutex_);
  return rate_limiter_state{{sent_.begin(), sent_.end()}, paused_until_};
}

void sliding_window_rate_limiter::import_state(const rate_limiter_state& state) {
  const std::lock_guard lock(mutex_);
  std::vector<clock::time_point> all(sent_.begin(), sent_.end());
  all.insert(all.end(), state.sent.begin(), state.sent.end());
  std::sort(all.begin(), all.end());
  const auto keep = std::min(all.size(), requests_);
  sent_.assign(all.end() - static_cast<std::ptrdiff_t>(keep), all.end());
  if (state.paused_until && (!paused_until_ || *state.paused_until > *paused_until_)) {
    paused_until_ = state.paused_until;
  }
}

}  // namespace eightsync::core
