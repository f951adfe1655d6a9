#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>

#include "core/clock.hpp"
#include "core/rate_limiter.hpp"

namespace eightsync::core {

/// At most `requests` send slots in any window of `window` (a sliding window, like 8x8's
/// published "10 requests per 60 seconds"), and nothing before a 429's Retry-After.
///
/// A slot is recorded when it is handed out, but the request leaves a little later (a timer
/// wakes late, a connection is opened first), and the server measures arrivals, not slots.
/// `guard` is added to the window between a slot and the slot `requests` later so those delays
/// cannot push two requests into one server-side window.
///
/// No pause it is told of (on_retry_after, import_state) lasts longer than `max_pause` from then.
class sliding_window_rate_limiter final : public rate_limiter {
 public:
  /// The default `guard`.
  static constexpr std::chrono::milliseconds default_guard{250};

  /// What a limiter may be told besides its rate.
  struct options {
    clock::duration guard = default_guard;          ///< see above
    clock::duration max_pause = default_max_pause;  ///< the longest pause kept (target.retry.max_pause)
  };

  /// A limiter reading time from `clk`, which must outlive it. Throws std::invalid_argument
  /// when `requests` is 0 or `window` or `guard` is negative (or `window` zero).
  sliding_window_rate_limiter(std::size_t requests, clock::duration window, const clock& clk,
                              clock::duration guard = default_guard);

  /// As above with `opts`. Throws std::invalid_argument as above, or when `opts.max_pause` is
  /// not positive.
  sliding_window_rate_limiter(std::size_t requests, clock::duration window, const clock& clk, options opts);

  ~sliding_window_rate_limiter() override;

  /// The earliest time that keeps every window within the limit and is not before the pause
  /// (and not before now, nor before the previous slot); recorded. Never throws except
  /// std::bad_alloc.
  clock::time_point acquire() override;

  /// What acquire() would return now, not recorded. Never throws except std::bad_alloc.
  clock::time_point next_slot() override;

  /// Pauses every slot until `deadline`, cut to now + max_pause (keeps the later of the known and
  /// the given). Never throws.
  void on_retry_after(clock::time_point deadline) noexcept override;

  /// The last `requests` slots and the pause. Never throws except std::bad_alloc.
  rate_limiter_state export_state() const override;

  /// Merges `state`: the union of slots (the latest `requests` kept) and the later pause (cut to
  /// now + max_pause). Never throws except std::bad_alloc.
  void import_state(const rate_limiter_state& state) override;

  /// Requests allowed per window. Never throws.
  std::size_t requests() const noexcept { return requests_; }

  /// The window length. Never throws.
  clock::duration window() const noexcept { return window_; }

 private:
  clock::time_point next_slot_locked(clock::time_point now);

  std::size_t requests_;
  clock::duration window_;
  clock::duration guard_;
  clock::duration max_pause_;
  const clock& clock_;
  mutable std::mutex mutex_;
  std::deque<clock::time_point> sent_;  // sorted, at most requests_ long
  std::optional<clock::time_point> paused_until_;
};

}  // namespace eightsync::core
