#pragma once
#include <mutex>
#include <optional>

#include "core/clock.hpp"
#include "core/rate_limiter.hpp"

namespace eightsync::core {

/// No request limit, but a 429's Retry-After is still honoured: for benchmarks and for servers
/// whose limit is enforced elsewhere. Never use it against 8x8 itself.
class unlimited_rate_limiter final : public rate_limiter {
 public:
  /// A limiter reading time from `clk`, which must outlive it. Never throws.
  explicit unlimited_rate_limiter(const clock& clk) noexcept : clock_(clk) {}

  /// Now, or the end of the pause. Never throws.
  clock::time_point acquire() override;

  /// What acquire() returns now. Never throws.
  clock::time_point next_slot() override;

  /// Pauses every slot until `deadline` (keeps the later). Never throws.
  void on_retry_after(clock::time_point deadline) noexcept override;

  /// The pause only (no slots are kept). Never throws except std::bad_alloc.
  rate_limiter_state export_state() const override;

  /// Takes the later pause. Never throws.
  void import_state(const rate_limiter_state& state) override;

 private:
  const clock& clock_;
  mutable std::mutex mutex_;
  std::optional<clock::time_point> paused_until_;
};

}  // namespace eightsync::core
