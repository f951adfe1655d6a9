#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/audit_rows.hpp"
#include "core/clock.hpp"
#include "core/cycle_labels.hpp"
#include "core/scim_port.hpp"
#include "daemon/operator_snapshot.hpp"

namespace eightsync::daemon {

/// The service's metrics, in Prometheus text format (version 0.0.4) for `metrics.listen`.
/// Counters run from the service's start (Prometheus expects a restart to reset them):
///   eightsync_cycles_total{outcome}                 cycles finished, by outcome
///   eightsync_operations_total{kind,outcome}        audit operations, by kind and outcome
///   eightsync_scim_requests_total{method,status}    requests to 8x8 (status "none": no answer)
///   eightsync_scim_retries_total                    requests sent again
///   eightsync_scim_rate_limited_total               429 answers seen
///   eightsync_rate_limit_wait_seconds_total         time waited on the rate limiter
/// Gauges, from the audit tables after each cycle (the same facts as `eightsync status`):
///   eightsync_last_success_timestamp_seconds, eightsync_last_cycle_timestamp_seconds,
///   eightsync_last_cycle_duration_seconds, eightsync_last_cycle_outcome{outcome},
///   eightsync_held_deactivations, eightsync_held_operations, eightsync_open_manual_actions{kind},
///   eightsync_quarantined_rows, eightsync_failing_users; and from the service itself
///   eightsync_cycle_running, eightsync_auth_backoff, eightsync_start_time_seconds,
///   eightsync_build_info{version}; and the wait for 8x8: eightsync_pause_until_timestamp_seconds
///   (the stored pause, or the wait under way) and eightsync_long_wait.
/// Not thread-safe: the service updates and renders it on its one event-loop thread.
class service_metrics {
 public:
  /// Metrics of a service started at `started`, built as `version`. Throws only std::bad_alloc.
  service_metrics(std::string version, core::clock::time_point started);

  /// A finished cycle: its outcome, its operations (audit counts) and its requests. Throws only
  /// std::bad_alloc.
  void record_cycle(core::cycle_outcome outcome, const core::audit_cycle_counts& operations,
                    const core::request_tally& requests);

  /// The gauges that mirror `eightsync status`. Never throws.
  void set_snapshot(operator_snapshot s) noexcept { snapshot_ = std::move(s); }

  /// Whether a cycle runs now. Never throws.
  void set_cycle_running(bool running) noexcept { cycle_running_ = running; }
  /// Whether cycles wait for a new token after a 401. Never throws.
  void set_auth_backoff(bool backoff) noexcept { auth_backoff_ = backoff; }
  /// A request waits for 8x8 until `until` (a wait of more than a minute); nullopt: none does.
  /// Never throws.
  void set_long_wait(std::optional<core::clock::time_point> until) noexcept { long_wait_until_ = until; }

  /// The exposition text. Throws only std::bad_alloc.
  std::string render() const;

 private:
  std::string version_;
  core::clock::time_point started_;
  std::map<core::cycle_outcome, std::uint64_t> cycles_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> operations_;
  core::request_tally requests_;
  operator_snapshot snapshot_;
  bool cycle_running_ = false;
  bool auth_backoff_ = false;
  std::optional<core::clock::time_point> long_wait_until_;
};

}  // namespace eightsync::daemon
