#pragma once
#include "core/clock.hpp"
#include "core/rate_limiter_state.hpp"

namespace eightsync::core {

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
