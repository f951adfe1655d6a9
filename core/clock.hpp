#pragma once
#include <atomic>
#include <chrono>

// Wall-clock time behind an interface: clock, the real wall_clock, and the manual_clock that
// tests move by hand so every rule that depends on time runs without sleeping.

namespace eightsync::core {

/// A source of wall-clock time. Pacing logic takes one by reference, so tests can drive it with
/// a manual_clock instead of sleeping. Time points are system_clock ones because the rate
/// limiter's state outlives the process (it is persisted and reloaded after a restart).
class clock {
 public:
  using time_point = std::chrono::system_clock::time_point;  ///< a point on the wall clock
  using duration = std::chrono::system_clock::duration;      ///< a span of wall-clock time

  virtual ~clock() = default;

  /// The current time. Never throws.
  virtual time_point now() const noexcept = 0;
};

/// The real wall clock (std::chrono::system_clock).
class wall_clock final : public clock {
 public:
  /// The current system time. Never throws.
  time_point now() const noexcept override;

  /// A process-wide instance, for callers that need a clock reference. Never throws.
  static const wall_clock& instance() noexcept;
};

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
