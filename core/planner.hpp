#pragma once
#include <cstddef>
#include <optional>

#include "core/mapping_result.hpp"
#include "core/plan.hpp"
#include "core/planner_options.hpp"
#include "core/planner_state.hpp"
#include "core/remote_snapshot.hpp"

// The planner: pure functions of (HR, 8x8, state, options). No I/O and no clock (`now` is in
// the options); the same inputs give the same plan, byte for byte; time and memory are O(n)
// in users, with hash indexes.
//
// A cycle runs in two phases, so it reads 8x8 as cheaply as correctness allows:
//  1. plan_reads decides from state alone which users need a fresh object, and whether a full
//     listing costs fewer requests than reading them one by one;
//  2. make_plan decides the operations from what was read. Whatever it still cannot decide
//     safely (no fresh object, no lookup before a POST) becomes a read in plan::reads_needed,
//     never an operation.
namespace eightsync::core {

/// Phase 1: the reads this cycle needs. A full listing on the first cycle (no links), when
/// `options.full_listing_requested`, or when its pages cost no more than per-user reads. Per-user
/// reads are: a GET by id for each linked user whose desired hash or `active` differs from what
/// was applied, or who left HR (leavers.missing_from_source: deactivate), unless the link holds
/// a copy fetched within max_snapshot_age; a userName lookup for each active HR row without a
/// link (not protected, without an open conflict), and a GET by id (needed_read::index_candidate)
/// of each user of `state.unmanaged` such a row matches by a `match` key or by given and family
/// name. While no complete listing is recorded (state.unmanaged_listed_at), those rows wait and
/// get no lookup, unless the listing this cycle does cannot show everyone. Throws only
/// std::bad_alloc.
read_strategy plan_reads(const mapping_result& desired, const planner_state& state,
                         const planner_options& options);

/// The leavers a cycle reads and deactivates before anything else (its leaver pass): a GET by id
/// of each linked user whose HR row says they left (leavers.active), or whose key left the export
/// (leavers.missing_from_source: deactivate; not for a quarantined row's key), unless state.db
/// already records them deactivated or the protect list names them. By HR key. Whether each is
/// deactivated is make_plan's to say, on the fresh copy (a re-keyed person, the safety limits).
/// Throws only std::bad_alloc.
std::vector<needed_read> leaver_reads(const mapping_result& desired, const planner_state& state,
                                      const planner_options& options);

/// Phase 2: the plan. See plan.hpp for its order and core/planner.cpp for the rules. Throws
/// only std::bad_alloc.
plan make_plan(const mapping_result& desired, const remote_snapshot& remote, const planner_state& state,
               const planner_options& options);

/// Whether a cycle at `now` is due a full reconcile (schedule.full_reconcile = `every`): no
/// complete full listing is recorded (`last_complete`, state.db's last_full_listing_at, which an
/// incomplete or interrupted listing never sets), or the last one is at least `every` old. A
/// recorded time after `now` (the wall clock stepped back) cannot be trusted: due. So a restart
/// keeps the schedule instead of listing everything again. Never throws.
bool full_reconcile_due(std::optional<clock::time_point> last_complete, clock::time_point now,
                        clock::duration every) noexcept;

/// The HR row count the source-shrink hold compares (store it as last_good_cycle::source_rows):
/// mapping_result::rows_read, or users + quarantined rows when rows_read is 0. Never throws.
std::size_t source_row_count(const mapping_result& desired) noexcept;

}  // namespace eightsync::core
