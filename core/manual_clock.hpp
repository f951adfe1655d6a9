#pragma once
#include <atomic>

#include "core/clock.hpp"

namespace eightsync::core {

/// A clock that moves only when told to: the fake clock of pacing tests.
class manual_clock final : public clock {
 public:
  /// A clock reading `start` (by default 2024-01-01T00:00:00Z). Never throws.
  explicit manual_clock(time_point start = time_point{std::chrono::seconds{1'704'067'200}}) noexcept
      : now_(start.time_since_epoch().count()) {}

  /// The time last set. Never throws.
  time_point now() const noexcept override { return time_point{duration{now_.load()}}; }

  /// Moves the clock forward (or, with a negative `d`, back, as a wall clock can). Never throws.
  void advance(duration d) noexcept { now_ += d.count(); }

  /// Sets the clock to `t`. Never throws.
  void set(time_point t) noexcept { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<duration::rep> now_;
};

}  // namespace eightsync::core
