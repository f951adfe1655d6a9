#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/cycle_engine.hpp"
#include "core/cycle_executor.hpp"
#include "core/mapping_result.hpp"
#include "core/plan.hpp"
#include "core/scim_port.hpp"
#include "core/state_store.hpp"

// A newer HR export read while a cycle runs. At 8x8's pace a full reconcile of a large account
// runs for hours; a leaver written into the export meanwhile is deactivated between two of the
// cycle's requests, not after it.
//
//   changed_keys         the HR keys whose row differs between two exports (pure)
//   held_export          the hold that makes a whole export change nothing (pure)
//   newer_export_context what a running cycle lends to act on newer exports
//   newer_exports        asks for newer exports between requests and acts on each
namespace eightsync::core {

/// The HR keys whose row differs between `was` and `now`: added, removed, another content hash
/// or `active`, or quarantined in `now`. Sorted. Throws only std::bad_alloc.
std::vector<std::string> changed_keys(const mapping_result& was, const mapping_result& now);

/// The first of `p`'s holds that concerns the export as a whole (source_shrink, empty_source,
/// key_churn), or nothing. A newer export so held changes nothing in the running cycle. (A
/// keyless quarantined row, or an export older than source.max_age, holds only the deactivations
/// of people missing from it, as in any plan: the leaver pass records those held.) Never throws
/// except std::bad_alloc.
std::optional<plan_hold> held_export(const plan& p);

/// What a running cycle lends newer_exports; all must outlive it.
struct newer_export_context {
  scim_port& port;
  state_store& store;
  audit_log& audit;
  const clock& clk;
  std::shared_ptr<spdlog::logger> log;
  std::int64_t cycle = 0;                ///< the running cycle's audit id
  const cycle_settings& settings;        ///< newer_export, newer_export_every, the planner's rules
  const hr_input& cycle_export;          ///< the export the running cycle read
  const std::set<std::string>& backoff;  ///< users backing off: left to their turn
  execution_summary& summary;            ///< the running cycle's
  const std::atomic<bool>* stop = nullptr;
};

/// Newer exports for one running cycle. between_requests() is awaited between the cycle's
/// requests (listing pages, per-user reads, operations). When settings.newer_export hands over
/// an export with other content than the last one seen:
///   (a) the whole export is mapped and planned on what state.db knows first (make_plan): a
///       hold on the whole export (shrink against the last completed good cycle, empty, key
///       churn) makes it change nothing; a keyless quarantined row holds who is missing from it;
///   (b) its certain leavers (a status flip, a key gone with no new key matching them) are read
///       and deactivated (run_leaver_pass), each PATCH's audit row carrying that export's SHA-256;
///   (c) counting the running cycle's deactivations (set_deactivations_before) toward the
///       limits; those over a limit are recorded held under the running cycle;
///   (e) the HR keys whose row it changed become superseded(): the running plan's unsent
///       operations for them are dropped;
///   (g) after one is read, none is asked for until settings.newer_export_every has passed.
/// With effective dates (settings.planner.lifecycle), an end date that comes while the cycle runs
/// makes a leaver too: between_requests() then runs the same leaver pass on the newest export,
/// and the unsent operations of those who left are dropped (superseded()). A 17:00 termination
/// is revoked at 17:00, within the next two requests, even during a long reconcile.
/// Not thread-safe; never re-entered (a call during its own work returns at once).
class newer_exports {
 public:
  /// For the cycle `ctx` describes. Never throws.
  explicit newer_exports(newer_export_context ctx) noexcept;

  /// Deactivates those whose end date has come, then asks for a newer export and acts on it
  /// (see above). Throws state_error, otherwise only std::bad_alloc.
  boost::asio::awaitable<void> between_requests();

  /// The newest export this cycle knows: the one it read, or the newest acted on. Never throws.
  const mapping_result& latest() const noexcept {
    return latest_ ? latest_->mapped : ctx_.cycle_export.mapped;
  }

  std::size_t ended() const noexcept { return ended_; }  ///< leavers by an end date met mid-cycle

  /// Deactivations the running cycle counts toward the limits besides newer exports' own: its
  /// leaver pass's and its plan's. Never throws.
  void set_deactivations_before(std::size_t n) noexcept { before_ = n; }

  /// HR keys a newer export changed (see changed_keys), for cycle_executor::set_between. Never
  /// throws.
  const std::set<std::string>& superseded() const noexcept { return superseded_; }

  std::size_t acted_on() const noexcept { return acted_on_; }  ///< newer exports acted on
  std::size_t sent() const noexcept { return sent_; }          ///< deactivations 8x8 accepted
  std::size_t held() const noexcept { return held_; }          ///< deactivations recorded held
  const plan_cost& cost() const noexcept { return cost_; }     ///< the requests their passes planned

 private:
  boost::asio::awaitable<void> act_on(hr_input next);
  boost::asio::awaitable<void> act_on_ends();
  bool an_end_has_come() const;
  planner_options options_now() const;
  void find_next_end();
  clock::time_point lifecycle_now() const;

  newer_export_context ctx_;
  std::string latest_sha256_;  // of the last export seen (the cycle's at first)
  std::optional<clock::time_point> last_read_;
  std::optional<hr_input> latest_;                    // the newest export acted on
  std::optional<std::chrono::sys_seconds> next_end_;  // in lifecycle time (see planner_options)
  std::chrono::sys_seconds ends_seen_until_{};        // ends up to here were acted on (lifecycle time)
  std::size_t ended_ = 0;
  std::set<std::string> superseded_;
  std::size_t before_ = 0;
  std::size_t acted_on_ = 0;
  std::size_t sent_ = 0;
  std::size_t held_ = 0;
  plan_cost cost_;
  bool busy_ = false;
};

}  // namespace eightsync::core
