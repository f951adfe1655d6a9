#pragma once
#include <cstddef>
#include <vector>

#include "core/manual_action.hpp"
#include "core/plan_conflict.hpp"
#include "core/plan_cost.hpp"
#include "core/plan_entry.hpp"
#include "core/plan_hold.hpp"
#include "core/plan_link_refresh.hpp"
#include "core/plan_note.hpp"
#include "core/plan_read.hpp"

namespace eightsync::core {

/// What one cycle should do, in order, and why (core::make_plan).
///
/// `operations` run in this order: deactivations (a leaver's access is a security matter),
/// then reactivations (also PATCH `active`, and a rehire's update waits on its reactivation),
/// then creates, then adopts (no request; they precede the updates that depend on them), then
/// updates. Within a kind, by HR key. `held` has the same shape and order.
struct plan {
  std::vector<plan_entry> operations;             ///< to execute, in order
  std::vector<plan_entry> held;                   ///< over a safety limit: each carries its hold
  std::vector<plan_hold> holds;                   ///< the holds that tripped this cycle
  std::vector<plan_conflict> conflicts;           ///< by HR key
  std::vector<manual_action> manual_actions;      ///< standalone ones (follow-ups sit on entries)
  std::vector<plan_read> reads_needed;            ///< users left undecided until these reads are done
  std::vector<plan_note> skipped;                 ///< users deliberately left alone, with why
  std::vector<plan_link_refresh> link_refreshes;  ///< state to record without a request
  /// Requests: the reads the snapshot cost (remote_snapshot::spent), reads_needed, and the
  /// writes in `operations`.
  plan_cost cost;
  std::size_t held_writes = 0;         ///< writes in `held`
  std::size_t desired_users = 0;       ///< HR users planned for
  std::size_t managed_users = 0;       ///< links before this cycle
  std::size_t unchanged_users = 0;     ///< linked users needing nothing
  std::size_t unmatched_inactive = 0;  ///< HR rows inactive and not in 8x8: nothing to do
  bool authoritative = false;          ///< planned from a complete listing that shows every user
  bool first_cycle = false;            ///< no links yet

  /// Whether there is nothing to execute, hold, or read. Never throws.
  bool empty() const noexcept { return operations.empty() && held.empty() && reads_needed.empty(); }
};

}  // namespace eightsync::core
