#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>

#include "config/config_defaults.hpp"
#include "core/clock.hpp"

// How eightsync paces requests at `requests` per `window` (target.rate_limit): evenly spaced,
// one every pacing_gap, and never more than `requests` in any window plus its guard. The rate
// limiter (sliding_window_rate_limiter), the client's idea of an ordinary wait, and the plan's
// time estimates all read these, so they agree.

namespace eightsync::core {

/// The guard added to a rate limit's `window` (config/config_defaults.hpp says why): 1% of the
/// window, at most 1 s; 600 ms at 8x8's 60 s. Never throws.
constexpr clock::duration pacing_guard(clock::duration window) noexcept {
  return std::min<clock::duration>(window / config::defaults::rate_limit_guard_divisor,
                                   config::defaults::rate_limit_guard_max);
}

/// A window with its guard: the longest wait the rate limit alone imposes on a request (60.6 s
/// at 8x8's rate). Never throws.
constexpr clock::duration pacing_window(clock::duration window) noexcept {
  return window + pacing_guard(window);
}

/// The gap between two requests at `requests` (>= 1) per `window` with `guard`:
/// (window + guard) / requests, rounded up, so that `requests` gaps never make less than the
/// window and its guard. Never throws.
constexpr clock::duration pacing_gap(std::size_t requests, clock::duration window,
                                     clock::duration guard) noexcept {
  const auto n = static_cast<clock::duration::rep>(std::max<std::size_t>(requests, 1));
  const auto span = (window + guard).count();
  return clock::duration{(span + n - 1) / n};
}

/// The gap with the default guard: 6.06 s at 10 requests per 60 s. Never throws.
constexpr clock::duration pacing_gap(std::size_t requests, clock::duration window) noexcept {
  return pacing_gap(requests, window, pacing_guard(window));
}

/// Whether a wait until `slot` is 8x8's pause (`paused_until`, a Retry-After) rather than the rate
/// limit's own pacing: the slot is at most `pacing_window` (a window and its guard) after the
/// pause ends. Requests are spaced evenly, so the one handed out at the pause's end holds the
/// next a gap later: that one waits for the pause too. Never throws.
constexpr bool held_by_pause(const std::optional<clock::time_point>& paused_until, clock::time_point slot,
                             clock::duration pacing_window) noexcept {
  return paused_until && *paused_until + pacing_window >= slot;
}

}  // namespace eightsync::core
