#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "config/eightsync_config.hpp"
#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/cycle_engine.hpp"
#include "core/cycle_labels.hpp"
#include "core/rate_limiter.hpp"
#include "core/state_store.hpp"
#include "daemon/wait_limit.hpp"

namespace eightsync::daemon {

/// Wires one cycle for `eightsync sync` and the service alike: reads the token, builds the SCIM
/// client (the engine's scim_port) on the caller's executor, hands the HR export's reader and the
/// config's settings to core::cycle_engine, closes the connection and logs the summary. Every
/// rule of the cycle lives in the engine. The caller holds the writer lock and has marked
/// interrupted cycles. Not thread-safe.
class cycle_runner {
 public:
  /// A runner over `cfg`, `store` and `audit`, pacing with `limiter` (shared by every cycle of
  /// the process), logging to `log`, timing with `clk`. All must outlive it. Never throws.
  cycle_runner(const config::eightsync_config& cfg, core::state_store& store, core::audit_log& audit,
               std::shared_ptr<core::rate_limiter> limiter, std::shared_ptr<spdlog::logger> log,
               const core::clock& clk) noexcept;

  /// One cycle on `executor` (see core::cycle_engine::run), its requests waiting as `waits`
  /// says. Without a token the cycle is recorded `auth_failed` and nothing is sent. A wait
  /// `waits.max_wait` refuses sets `*stop` and ends the cycle `interrupted`, with the wait in its
  /// error (refused_wait() tells it). Throws state_error when the state database fails,
  /// std::invalid_argument when the config's URL, proxy or CA file cannot be used, otherwise
  /// only std::bad_alloc.
  boost::asio::awaitable<core::cycle_result> run(boost::asio::any_io_executor executor,
                                                 core::cycle_trigger trigger, bool full,
                                                 std::atomic<bool>* stop = nullptr, wait_policy waits = {});

  /// The audit id of the cycle running now, or 0 between cycles. Never throws.
  std::int64_t running_cycle() const noexcept { return engine_.running_cycle(); }

  /// The wait the last run refused (see run), if any. Never throws.
  const std::optional<connectors::long_wait>& refused_wait() const noexcept { return refused_; }

 private:
  const config::eightsync_config& cfg_;
  std::shared_ptr<core::rate_limiter> limiter_;
  std::shared_ptr<spdlog::logger> log_;
  const core::clock& clock_;
  core::cycle_engine engine_;
  std::optional<connectors::long_wait> refused_;
};

/// "cycle 12: ok (28 done, 0 failed, …; 26 requests sent, 26 planned)": one line for a person.
/// Throws only std::bad_alloc.
std::string cycle_summary(const core::cycle_result& r);

}  // namespace eightsync::daemon
