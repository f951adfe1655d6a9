#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "config/eightsync_config.hpp"
#include "connectors/request_tally.hpp"
#include "connectors/scim_client.hpp"
#include "core/audit_cycle_end.hpp"
#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/cycle_trigger.hpp"
#include "core/rate_limiter.hpp"
#include "core/state_store.hpp"
#include "daemon/cycle_executor.hpp"
#include "daemon/cycle_plan.hpp"

namespace eightsync::daemon {

/// What one cycle did: its audit row's end, what the executor did, and what was planned.
struct cycle_result {
  std::int64_t cycle_id = 0;
  core::audit_cycle_end end;
  execution_summary exec;
  bool planned = false;       ///< the cycle got as far as a plan
  std::size_t held = 0;       ///< operations still held after approved ones were released
  std::size_t conflicts = 0;  ///< planner conflicts (each a manual action)
  std::size_t read_failures = 0;
  connectors::request_tally requests;  ///< every request sent, by method and status; retries, 429s, waits
};

/// Runs whole cycles, for `eightsync sync` and for the daemon alike: begin the audit row, read
/// the token, settle intents an earlier run left open, read and map HR, plan against 8x8
/// (plan_cycle), release approved held operations, execute, record manual actions, held
/// operations and what 8x8 holds, end the audit row and prune by audit.retention. The caller
/// holds the writer lock and has marked interrupted cycles. Not thread-safe.
class cycle_runner {
 public:
  /// A runner over `cfg`, `store` and `audit`, pacing with `limiter` (shared by every cycle of
  /// the process), logging to `log`, timing with `clk`. All must outlive it. Never throws.
  cycle_runner(const config::eightsync_config& cfg, core::state_store& store, core::audit_log& audit,
               std::shared_ptr<core::rate_limiter> limiter, std::shared_ptr<spdlog::logger> log,
               const core::clock& clk) noexcept;

  /// One cycle on `executor`. `full` asks for a full listing. When `stop` turns true the cycle
  /// sends no further request (the one in flight finishes or times out) and ends `interrupted`.
  /// Throws state_error when the state database fails (the cycle's row is ended `partial` with
  /// the error when that still works), otherwise only std::bad_alloc.
  boost::asio::awaitable<cycle_result> run(boost::asio::any_io_executor executor, core::cycle_trigger trigger,
                                           bool full, const std::atomic<bool>* stop = nullptr);

  /// The audit id of the cycle running now, or 0 between cycles. Never throws.
  std::int64_t running_cycle() const noexcept { return running_; }

 private:
  boost::asio::awaitable<void> body(connectors::scim_client& client, cycle_executor& exec,
                                    std::int64_t cycle_id, bool full, const std::atomic<bool>* stop,
                                    cycle_result& report);

  const config::eightsync_config& cfg_;
  core::state_store& store_;
  core::audit_log& audit_;
  std::shared_ptr<core::rate_limiter> limiter_;
  std::shared_ptr<spdlog::logger> log_;
  const core::clock& clock_;
  std::int64_t running_ = 0;
};

/// "cycle 12: ok (28 done, 0 failed, …; 26 requests sent, 26 planned)": one line for a person.
/// Throws only std::bad_alloc.
std::string cycle_summary(const cycle_result& r);

}  // namespace eightsync::daemon
