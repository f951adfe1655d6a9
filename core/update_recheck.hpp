#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/desired_user.hpp"
#include "core/enum_names.hpp"
#include "core/manual_action.hpp"
#include "core/plan.hpp"
#include "core/planner_options.hpp"
#include "core/planner_state.hpp"
#include "core/remote_user.hpp"

// Deciding a planned PUT again, for one user, from a fresh GET (invariant 2 at 8x8's pace).
//
// At 10 requests a minute a write phase outlives its snapshot: a PUT built on a copy of the user
// older than max_snapshot_age would send back values an admin changed in 8x8 since. When such a
// PUT's turn comes, the executor fetches the user again and asks recheck_update what to do. It
// runs the planner itself (make_plan) on that one user, so the rules are the very same, and
// accepts only a decision that narrows the planned change.
//
//   recheck_verdict  what the new decision is: send, narrowed, unchanged, left_alone, deferred
//   update_recheck   the verdict, the PUT to send, the manual actions, and why
//   recheck_update   the pure decision
namespace eightsync::core {

/// What deciding a planned PUT again on a fresh copy of the user concluded. Stable names (audit
/// rows and logs show them).
/// - send: the same attributes still differ: the PUT, rebuilt on the fresh copy, goes
/// - narrowed: only some of the planned attributes still differ: a PUT of those goes
/// - unchanged: 8x8 already shows what HR wants: nothing is sent, the link is refreshed
/// - left_alone: the user now needs a person (an admin deactivated them, a conflict, now
///   protected): nothing is sent; the manual actions are raised
/// - deferred: the fresh copy calls for more than was planned (another owned attribute differs,
///   another kind of operation, the link changed): nothing is sent; the next plan decides, with
///   its safety holds
BOOST_DEFINE_FIXED_ENUM_CLASS(recheck_verdict, std::uint8_t, send, narrowed, unchanged, left_alone, deferred)

/// The new decision for one stale PUT.
struct update_recheck {
  recheck_verdict verdict = recheck_verdict::deferred;
  /// send and narrowed: the update to send, its body built on the fresh copy.
  plan_entry entry;
  /// Manual actions the new decision raises (a conflict's included), whatever the verdict.
  std::vector<manual_action> manual_actions;
  /// unchanged: what the link records now (8x8 shows HR's values).
  std::optional<plan_link_refresh> refresh;
  /// For the audit and the log: what was planned against what is decided, e.g. "planned title,
  /// department; 8x8 now differs in title only".
  std::string reason;
};

/// Decides `planned` (an update) again on `fresh`, the user as a GET just returned it, for HR's
/// `desired` from the export the plan was made from. `state` holds the links that matter (this
/// HR key's, and any other to fresh's id), and the site schema and known sites the plan used;
/// `options` are the plan's, with `now` the time of the GET. The safety limits are not applied
/// again (the plan, or an approval, already let this PUT through). Pure: no I/O and no clock.
/// Throws only std::bad_alloc.
update_recheck recheck_update(const plan_entry& planned, const desired_user& desired,
                              const remote_user& fresh, planner_state state, planner_options options);

}  // namespace eightsync::core
