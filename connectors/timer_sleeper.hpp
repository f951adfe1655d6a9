#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connectors/pacing_sleeper.hpp"

namespace eightsync::connectors {

/// The pacing_sleeper of the daemon: waits for `deadline - clk.now()` on a steady_timer of its
/// executor; interrupt() cancels the timer. Not thread-safe: call it on the executor's thread
/// (the service's signal handlers run there).
class timer_sleeper final : public pacing_sleeper {
 public:
  /// A sleeper whose timers run on `executor`. Never throws.
  explicit timer_sleeper(boost::asio::any_io_executor executor) noexcept;

  /// See pacing_sleeper. Never throws except std::bad_alloc.
  boost::asio::awaitable<bool> sleep_until(const core::clock& clk, core::clock::time_point deadline) override;

  /// Cancels the wait under way; later waits end at once. Never throws.
  void interrupt() noexcept override;

  /// Whether interrupt() was called. Never throws.
  bool interrupted() const noexcept override { return interrupted_; }

 private:
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer* waiting_ = nullptr;  // the timer of the wait under way
  bool interrupted_ = false;
};

}  // namespace eightsync::connectors
