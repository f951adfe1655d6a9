#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/audit_log.hpp"
#include "core/audit_rows.hpp"
#include "core/clock.hpp"
#include "core/cycle_executor.hpp"
#include "core/cycle_labels.hpp"
#include "core/cycle_plan.hpp"
#include "core/expected.hpp"
#include "core/mapping_result.hpp"
#include "core/planner_options.hpp"
#include "core/scim_port.hpp"
#include "core/state_store.hpp"

// One cycle, start to end: read → plan → apply, and what it records.
//
//   hr_input        what a cycle reads from HR, as the engine receives it
//   hr_reader       the function that reads and maps the export (daemon/ supplies it)
//   cycle_settings  what a cycle takes from the config
//   cycle_result    what one cycle did: its audit row's end, the executor's counts, the requests
//   cycle_engine    runs cycles through a scim_port
namespace eightsync::core {

/// The HR side of one cycle: the mapped users and what the audit row records of the export.
struct hr_input {
  mapping_result mapped;
  std::string source_sha256;    ///< hex SHA-256 of the export read
  std::uint64_t rows_read = 0;  ///< data records read
  /// When the export last changed (the later of its mtime and ctime), for source.max_age; unset
  /// when not known.
  std::optional<clock::time_point> changed_at;
};

/// Reads and maps the HR export for one cycle. A file-level problem (unreadable, empty, a
/// missing key column, too few rows) comes back as a sentence naming the file. May throw only
/// std::bad_alloc.
using hr_reader = std::function<expected<hr_input, std::string>()>;

/// Asked between a running cycle's requests: a newer HR export that has settled (and, with
/// source.ready_file, is marked ready) since the export the cycle read or the last one handed
/// over, read and mapped; a sentence naming the file when it could not be read; nothing when
/// there is none. May throw only std::bad_alloc.
using newer_export_reader = std::function<std::optional<expected<hr_input, std::string>>()>;

/// What a cycle takes from the config.
struct cycle_settings {
  /// The planner's rules and limits; the engine sets `now` (from its clock) and
  /// `full_listing_requested` (from the cycle's `full`) before each planning.
  planner_options planner;
  /// audit.retention: finished cycles older than this are pruned after each cycle; unset: none.
  std::optional<std::chrono::milliseconds> audit_retention;
  /// target.listing_max_duration: a full listing running longer stops, incomplete; unset: none.
  std::optional<std::chrono::milliseconds> listing_max_duration;
  std::string source_path;  ///< the HR export, as the audit row names it
  /// failing.manual_action_after: failing cycles in a row before a keeps_failing manual action.
  std::uint32_t failing_action_after = config::defaults::failing_manual_action_after;
  /// Why the cycle's `stop` flag turned true, for its error; unset or empty: a signal.
  std::function<std::string()> stop_reason;
  /// Newer exports while the cycle runs (core/newer_export): their leavers are deactivated at
  /// once. Unset: the cycle only reads its own export.
  newer_export_reader newer_export;
  /// source.settle: after a newer export was read, the next is not asked for sooner, so an export
  /// rewritten every few seconds cannot starve the cycle.
  std::chrono::milliseconds newer_export_every = config::defaults::source_settle;
};

/// What one cycle did: its audit row's end, what the executor did, and what was planned.
struct cycle_result {
  std::int64_t cycle_id = 0;
  audit_cycle_end end;
  execution_summary exec;
  bool planned = false;       ///< the cycle got as far as a plan
  std::size_t held = 0;       ///< operations still held after approved ones were released
  std::size_t conflicts = 0;  ///< planner conflicts (each a manual action)
  std::size_t read_failures = 0;
  request_tally requests;  ///< every request sent, by method and status; retries, 429s, waits
  /// Newer HR exports the cycle acted on while it ran (cycle_settings::newer_export): the next
  /// cycle should start at once, to plan what they changed.
  std::size_t newer_exports = 0;
  /// Effective dates: when, on the cycle's clock, the next start, end or provisioning window of
  /// the newest export comes (the service wakes then); nullopt when none is ahead.
  std::optional<clock::time_point> next_lifecycle_event;
};

/// Runs whole cycles through a scim_port, for `eightsync sync` and the service alike: begin the
/// audit row, settle intents an earlier run left open, read and map HR, plan against 8x8
/// (plan_cycle), release approved held operations, execute, record manual actions, held
/// operations and what 8x8 holds, decide the outcome, end the audit row and prune by
/// audit.retention. The caller holds the writer lock and has marked interrupted cycles. Not
/// thread-safe.
class cycle_engine {
 public:
  /// An engine over `store` and `audit`, timing with `clk`, logging to `log`. All must outlive
  /// it. Never throws.
  cycle_engine(state_store& store, audit_log& audit, const clock& clk,
               std::shared_ptr<spdlog::logger> log) noexcept;

  /// One cycle through `port`, reading HR with `read_hr`. `full` asks for a full listing. When
  /// `stop` turns true the cycle sends no further request (the one in flight finishes or times
  /// out) and ends `interrupted`. The result's `requests` is what `port` counted. Throws
  /// state_error when the state database fails (the cycle's row is ended `partial` with the error
  /// when that still works), otherwise only std::bad_alloc.
  boost::asio::awaitable<cycle_result> run(scim_port& port, const hr_reader& read_hr,
                                           const cycle_settings& settings, cycle_trigger trigger, bool full,
                                           const std::atomic<bool>* stop = nullptr);

  /// Records a cycle that could not start talking to 8x8 (no token could be read): begun and
  /// ended at once with `outcome` and `error`. Throws state_error.
  cycle_result record_unstarted(const cycle_settings& settings, cycle_trigger trigger, bool full,
                                cycle_outcome outcome, std::string error);

  /// The audit id of the cycle running now, or 0 between cycles. Never throws.
  std::int64_t running_cycle() const noexcept { return running_; }

 private:
  std::int64_t begin(const cycle_settings& settings, cycle_trigger trigger, bool full);
  void end(cycle_result& report, const cycle_settings& settings);
  boost::asio::awaitable<void> body(scim_port& port, cycle_executor& exec, const hr_reader& read_hr,
                                    const cycle_settings& settings, bool full, const std::atomic<bool>* stop,
                                    cycle_result& report);
  plan release_approved(const plan& planned, std::int64_t cycle_id);
  std::set<std::string> approved_deactivations() const;
  std::optional<clock::time_point> next_lifecycle_event(const mapping_result& mapped, planner_options options,
                                                        clock::time_point planned_at) const;
  void record_decisions(const plan& planned, const plan& released, const std::set<std::string>& superseded,
                        cycle_result& report);
  void record_listing(const cycle_plan& c);
  void remember_site_schema(const cycle_plan& c);
  void remember_known_sites(const cycle_plan& c);
  void remember_next_lifecycle_event(const mapping_result& mapped, const cycle_settings& settings);
  void decide_outcome(const cycle_plan& c, const hr_input& hr, bool approved, cycle_result& report);

  state_store& store_;
  audit_log& audit_;
  const clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::int64_t running_ = 0;
};

}  // namespace eightsync::core
