#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace eightsync::core {

/// What a rate limiter must remember across restarts and CLI runs (invariant 8): the send slots
/// it handed out most recently and the pause a 429 imposed. Plain data, for the state store.
struct rate_limiter_state {
  std::vector<clock::time_point> sent;            ///< recent send slots, oldest first
  std::optional<clock::time_point> paused_until;  ///< no request before this (Retry-After)
  /// When the state was stored, by the clock of the process that stored it: a witness of a wall
  /// clock stepped back since. nullopt: not stored (in memory), or by an older eightsync.
  std::optional<clock::time_point> written_at;

  /// Member-wise equality.
  friend bool operator==(const rate_limiter_state&, const rate_limiter_state&) = default;
};

/// The longest pause a limiter keeps by default (target.retry.max_pause's default): 1 hour.
inline constexpr std::chrono::milliseconds default_max_pause{std::chrono::hours{1}};

/// What clamp_to_clock changed in a rate_limiter_state.
struct rate_limiter_clamp {
  clock::duration stepped_back{};                ///< how far the clock stepped back since written_at
  std::optional<clock::time_point> pause_was;    ///< the pause as it was, when it was cut to max_pause
  std::optional<clock::time_point> pause_is;     ///< … and as it is now
  std::size_t slots = 0;                         ///< send slots moved back to now
  std::optional<clock::time_point> latest_slot;  ///< the latest of them, as it was

  /// Whether anything changed. Never throws.
  explicit operator bool() const noexcept {
    return stepped_back > clock::duration::zero() || pause_was.has_value() || slots > 0;
  }

  /// "the clock stepped back 2h since the state was stored: every time moved back by it; pause
  /// 2099-01-01T00:00:00.000Z cut to 2024-01-01T01:00:00.000Z; 1 send slot up to … moved back to
  /// now": one phrase for a log line. Throws only std::bad_alloc.
  std::string describe() const;
};

/// Clamps, at `now`, the times in a stored `state` that no running eightsync can have set at
/// this clock, so that none can hold requests up for long:
/// 1. when `state.written_at` is later than now (by more than a second), the wall clock stepped
///    back since (NTP, a VM restore): every slot and the pause move back by as much;
/// 2. a pause later than now + `max_pause` is cut to now + `max_pause` (a server's absurd
///    Retry-After, or a pause an older eightsync kept);
/// 3. a send slot later than the (clamped) pause or now, whichever is later, plus `requests`
///    windows (`window`: the rate limit's window and guard; each eightsync process holds at most
///    one slot ahead, so waiting requests are well within that) records no waiting request: it is
///    moved back to now (a send no later than now; a hand edit, or a clock stepped back without a
///    witness).
/// `state.sent` stays sorted. Returns what changed. Never throws.
rate_limiter_clamp clamp_to_clock(rate_limiter_state& state, clock::time_point now, std::size_t requests,
                                  clock::duration window, clock::duration max_pause) noexcept;

/// Paces every request to 8x8. One limiter is shared by all requests of a process; its state can
/// be exported and imported so the pacing survives restarts. Implementations are thread-safe.
class rate_limiter {
 public:
  virtual ~rate_limiter() = default;

  /// Reserves the next send slot and returns its time: the caller must not send before it (it
  /// may be now). The slot counts as used from this call on, whether or not the request is
  /// sent. Never throws except std::bad_alloc.
  virtual clock::time_point acquire() = 0;

  /// The slot acquire() would hand out now, without reserving it: for a caller that must know
  /// how long it would wait before it commits to it. Never throws except std::bad_alloc.
  virtual clock::time_point next_slot() = 0;

  /// A 429 said "not before `deadline`": every later slot is at or after it. An earlier
  /// deadline than one already known changes nothing. Never throws.
  virtual void on_retry_after(clock::time_point deadline) noexcept = 0;

  /// The state to persist. Never throws except std::bad_alloc.
  virtual rate_limiter_state export_state() const = 0;

  /// Merges a persisted state into the current one, keeping whichever is stricter (more recent
  /// slots, later pause). Never throws except std::bad_alloc.
  virtual void import_state(const rate_limiter_state& state) = 0;
};

}  // namespace eightsync::core
