#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

namespace eightsync::emulator {

/// A sliding-window limiter: at most `limit` admitted requests in any `window`. Refused requests
/// are not counted, so a client that honours Retry-After is served on its next attempt.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  /// A limiter allowing `limit` (> 0) requests per `window` (> 0). Never throws.
  rate_limiter(std::size_t limit, std::chrono::milliseconds window) noexcept;

  /// Admits a request at `now` and returns nullopt, or refuses it and returns how long until a
  /// slot frees up, rounded up to whole seconds (at least 1): the Retry-After value.
  std::optional<std::chrono::seconds> try_acquire(clock::time_point now);

 private:
  std::size_t limit_;
  std::chrono::milliseconds window_;
  std::deque<clock::time_point> admitted_;
};

}  // namespace eightsync::emulator
