#include "core/sliding_window_rate_limiter.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/pacing.hpp"

namespace eightsync::core {

sliding_window_rate_limiter::sliding_window_rate_limiter(std::size_t requests, clock::duration window,
                                                         const clock& clk)
    : sliding_window_rate_limiter(requests, window, clk, options{}) {}

sliding_window_rate_limiter::sliding_window_rate_limiter(std::size_t requests, clock::duration window,
                                                         const clock& clk, clock::duration guard)
    : sliding_window_rate_limiter(requests, window, clk, options{guard, default_max_pause}) {}

sliding_window_rate_limiter::sliding_window_rate_limiter(std::size_t requests, clock::duration window,
                                                         const clock& clk, options opts)
    : requests_(requests),
      window_(window),
      guard_(opts.guard.value_or(pacing_guard(window))),
      max_pause_(opts.max_pause),
      clock_(clk) {
  if (requests == 0) throw std::invalid_argument("rate limit: requests per window must be at least 1");
  if (window <= clock::duration::zero())
    throw std::invalid_argument("rate limit: the window must be positive");
  if (guard_ < clock::duration::zero())
    throw std::invalid_argument("rate limit: the guard must not be negative");
  if (max_pause_ <= clock::duration::zero())
    throw std::invalid_argument("rate limit: the longest pause must be positive");
  gap_ = pacing_gap(requests_, window_, guard_);
}

sliding_window_rate_limiter::~sliding_window_rate_limiter() = default;

clock::time_point sliding_window_rate_limiter::next_slot_locked(clock::time_point now) {
  auto slot = now;
  if (paused_until_ && *paused_until_ > slot) slot = *paused_until_;
  // Evenly spaced: one gap after the latest slot, whoever handed it out. Slots therefore never
  // go back in time, even when the wall clock does, which keeps sent_ sorted. (The persistent
  // limiter clamps what a clock stepped back leaves in the state database.)
  if (!sent_.empty()) slot = std::max(slot, sent_.back() + gap_);
  // Spacing alone keeps each window within the limit only for slots it placed itself: imported
  // ones may come bunched.
  if (sent_.size() >= requests_) slot = std::max(slot, sent_[sent_.size() - requests_] + window_ + guard_);
  return slot;
}

clock::time_point sliding_window_rate_limiter::acquire() {
  const std::lock_guard lock(mutex_);
  const auto slot = next_slot_locked(clock_.now());
  sent_.push_back(slot);
  while (sent_.size() > requests_)
    sent_.pop_front();
  return slot;
}

clock::time_point sliding_window_rate_limiter::next_slot() {
  const std::lock_guard lock(mutex_);
  return next_slot_locked(clock_.now());
}

void sliding_window_rate_limiter::on_retry_after(clock::time_point deadline) noexcept {
  const std::lock_guard lock(mutex_);
  deadline = std::min(deadline, clock_.now() + max_pause_);
  if (!paused_until_ || deadline > *paused_until_) paused_until_ = deadline;
}

rate_limiter_state sliding_window_rate_limiter::export_state() const {
  const std::lock_guard lock(mutex_);
  return rate_limiter_state{{sent_.begin(), sent_.end()}, paused_until_, std::nullopt};
}

void sliding_window_rate_limiter::import_state(const rate_limiter_state& state) {
  const std::lock_guard lock(mutex_);
  std::vector<clock::time_point> all(sent_.begin(), sent_.end());
  all.insert(all.end(), state.sent.begin(), state.sent.end());
  std::sort(all.begin(), all.end());
  const auto keep = std::min(all.size(), requests_);
  sent_.assign(all.end() - static_cast<std::ptrdiff_t>(keep), all.end());
  if (state.paused_until) {
    const auto pause = std::min(*state.paused_until, clock_.now() + max_pause_);
    if (!paused_until_ || pause > *paused_until_) paused_until_ = pause;
  }
}

}  // namespace eightsync::core
