#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include "core/clock.hpp"
#include "core/pacing.hpp"
#include "core/rate_limiter.hpp"

namespace eightsync::core {

/// Evenly spaced send slots: one every `gap` = (`window` + `guard`) / `requests` (at 8x8's 10
/// requests per 60 s, one every 6.06 s), never more than `requests` in any window of `window` +
/// `guard` (a sliding window, like 8x8's published "10 requests per 60 seconds"), and nothing
/// before a 429's Retry-After. Spacing instead of bursts: while work is queued the rate is used
/// at window / (window + guard) (99% by default), and a request that comes to an idle queue,
/// such as a leaver's, waits at most one gap, never a whole window. The window rule still
/// matters when slots come bunched from elsewhere (imported state, the slots of an older
/// eightsync, `status --clear-pause` moving slots to now).
///
/// A slot is recorded when it is handed out, but the request leaves a little later (a timer
/// wakes late, a connection is opened first), and the server measures arrivals, not slots.
/// `guard` keeps those delays from pushing `requests` + 1 arrivals into one server-side window;
/// by default it is pacing_guard(window), which scales with the window (core/pacing.hpp,
/// config/config_defaults.hpp).
///
/// No pause it is told of (on_retry_after, import_state) lasts longer than `max_pause` from then.
class sliding_window_rate_limiter final : public rate_limiter {
 public:
  /// What a limiter may be told besides its rate.
  struct options {
    std::optional<clock::duration> guard;           ///< see above; nullopt: pacing_guard(window)
    clock::duration max_pause = default_max_pause;  ///< the longest pause kept (target.retry.max_pause)
  };

  /// A limiter with the default guard, reading time from `clk`, which must outlive it. Throws
  /// std::invalid_argument when `requests` is 0 or `window` is not positive.
  sliding_window_rate_limiter(std::size_t requests, clock::duration window, const clock& clk);

  /// As above with `guard`. Throws std::invalid_argument as above, or when `guard` is negative.
  sliding_window_rate_limiter(std::size_t requests, clock::duration window, const clock& clk,
                              clock::duration guard);

  /// As above with `opts`. Throws std::invalid_argument as above, or when `opts.max_pause` is
  /// not positive.
  sliding_window_rate_limiter(std::size_t requests, clock::duration window, const clock& clk, options opts);

  ~sliding_window_rate_limiter() override;

  /// The earliest time that is at least one gap after the previous slot, keeps every window
  /// within the limit, and is not before the pause nor before now; recorded. Never throws except
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

  /// The guard added to the window. Never throws.
  clock::duration guard() const noexcept { return guard_; }

  /// The gap between two slots: (window + guard) / requests, rounded up. Never throws.
  clock::duration gap() const noexcept { return gap_; }

 private:
  clock::time_point next_slot_locked(clock::time_point now);

  std::size_t requests_;
  clock::duration window_;
  clock::duration guard_;
  clock::duration gap_;
  clock::duration max_pause_;
  const clock& clock_;
  mutable std::mutex mutex_;
  std::deque<clock::time_point> sent_;  // sorted, at most requests_ long
  std::optional<clock::time_point> paused_until_;
};

}  // namespace eightsync::core
