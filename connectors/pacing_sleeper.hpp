#pragma once
#include <boost/asio/awaitable.hpp>

#include "core/clock.hpp"

namespace eightsync::connectors {

/// How the SCIM client waits: for a send slot the rate limiter handed out (a Retry-After pause
/// included) and for a retry's backoff. timer_sleeper waits on a steady_timer; the service
/// interrupts it on SIGTERM, so a long pause never delays a stop; tests substitute one that
/// moves a manual clock instead of sleeping. Used on one executor's thread.
class pacing_sleeper {
 public:
  virtual ~pacing_sleeper() = default;

  /// Waits until `clk` reads `deadline` (at once when it already does). Returns true when the
  /// deadline came, false when interrupt() ended the wait or had been called before it. Never
  /// throws except std::bad_alloc.
  virtual boost::asio::awaitable<bool> sleep_until(const core::clock& clk,
                                                   core::clock::time_point deadline) = 0;

  /// Ends the wait under way, and makes every later one end at once: eightsync is stopping.
  /// Never throws.
  virtual void interrupt() noexcept = 0;

  /// Whether interrupt() was called. Never throws.
  virtual bool interrupted() const noexcept = 0;

 protected:
  pacing_sleeper() = default;
  pacing_sleeper(const pacing_sleeper&) = default;
  pacing_sleeper& operator=(const pacing_sleeper&) = default;
};

}  // namespace eightsync::connectors
