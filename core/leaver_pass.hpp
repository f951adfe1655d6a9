#pragma once
#include <atomic>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/clock.hpp"
#include "core/cycle_executor.hpp"
#include "core/mapping_result.hpp"
#include "core/plan.hpp"
#include "core/planner_options.hpp"
#include "core/planner_state.hpp"
#include "core/remote_snapshot.hpp"
#include "core/scim_port.hpp"
#include "core/state_store.hpp"

// The leaver pass: a cycle's deactivations before anything else it sends (listing pages, GETs of
// other users, creates, updates). Until a leaver's PATCH is sent they can still make calls as the
// company, and at 8x8's pace a full listing alone takes an hour or more.
//
//   leaver_pass_result  what one pass did
//   assumed_active      the snapshot a pass first plans on, from state.db alone (pure)
//   first_leavers       the deactivations of a plan that the pass sends (pure)
//   run_leaver_pass     decide, read, decide again, send
namespace eightsync::core {

/// What one leaver pass did.
struct leaver_pass_result {
  std::size_t candidates = 0;            ///< linked users leaver_reads named
  std::size_t held = 0;                  ///< of them, held by a source hold or a safety limit
  std::vector<plan_entry> held_entries;  ///< those held deactivations, each with its hold
  std::size_t read = 0;                  ///< GETs sent (one per candidate not held)
  std::size_t sent = 0;                  ///< deactivations 8x8 accepted
  plan_cost cost;                        ///< the requests the pass planned: its GETs and PATCHes
  std::set<std::string> keys;            ///< HR keys whose deactivation the pass sent (whatever 8x8 answered)
  /// The state the pass planned from (links without their 8x8 copies; no unmanaged index), and
  /// whether it wrote anything since: unchanged, the cycle's plan starts from it instead of
  /// loading it again.
  planner_state state;
  bool state_changed = false;
};

/// For each of `reads` (GETs by id of linked users), a copy of that user as state.db knows it:
/// its id, its last userName and `active` true, fetched at `now`. Planning on these tells which
/// leavers a plan would deactivate before spending a request: a held export (shrink, key churn,
/// a keyless quarantined row, a stale export) or a deactivation count over the limits holds them
/// all. Throws only std::bad_alloc.
remote_snapshot assumed_active(const std::vector<needed_read>& reads, const planner_state& state,
                               clock::time_point now);

/// The deactivations in `p` of the HR keys `reads` names, in plan order, as a plan of their own
/// (the held ones in its `held`, unless their key is in `approved`: an operator's pending
/// approval releases them). Everything else in `p` (a rehire, an update, a create, a re-keyed
/// person's adoption) is left to the cycle's full plan. Throws only std::bad_alloc.
plan first_leavers(const plan& p, const std::vector<needed_read>& reads,
                   const std::set<std::string>& approved = {});

/// The GETs a cycle's leaver pass adds to `p`, a plan made after a full listing (`full_listing`):
/// one for each deactivation in `p` of a key `leavers` (leaver_reads) names, read again before
/// its PATCH, ahead of the listing. With per-user reads the plan's own GET is the pass's: 0. For
/// `plan`'s cost, which the cycle's requests planned match. Never throws.
std::size_t leaver_pass_gets(const plan& p, bool full_listing,
                             const std::vector<needed_read>& leavers) noexcept;

/// One leaver pass on `desired` (the export just read): loads the links from `store`, takes
/// leaver_reads (minus users in `backoff`; a held deactivation of a key in `approved` counts as
/// not held), plans on assumed_active copies and drops the held
/// ones, then for each of the rest in turn: a GET, a plan on that fresh copy (make_plan: a
/// re-keyed person, an admin's deactivation, the limits counting what went before) and its
/// first_leavers sent through `exec` (audit rows, intents and links as for any write).
/// `options.deactivations_this_cycle` counts deactivations already sent this cycle. Reading stops as the
/// reader does (401, no connection, a long 429); the cycle's own reads then meet the same. Throws
/// state_error, otherwise only std::bad_alloc.
boost::asio::awaitable<leaver_pass_result> run_leaver_pass(scim_port& port, cycle_executor& exec,
                                                           const clock& clk, const mapping_result& desired,
                                                           const state_store& store, planner_options options,
                                                           const std::set<std::string>& backoff,
                                                           execution_summary& summary,
                                                           const std::atomic<bool>* stop, spdlog::logger& log,
                                                           const std::set<std::string>& approved = {});

}  // namespace eightsync::core
