#pragma once
#include <chrono>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/lifecycle_events.hpp"
#include "core/user_link.hpp"

// Seeing what is coming, for people: `plan --horizon`'s section, the event lines `status` and
// `plan` print, and the date columns of `preview`.
namespace eightsync::daemon {

/// `plan --horizon`: the lifecycle events due in a horizon, with what eightsync does at each.
struct horizon_report {
  bool enabled = false;                      ///< the config has a `lifecycle:` block
  std::chrono::sys_seconds from;             ///< the lifecycle's now (--as-of moves it)
  std::chrono::seconds horizon{0};           ///< --horizon
  std::vector<core::upcoming_event> events;  ///< sorted by instant, then key
  std::vector<std::string> what;             ///< events[i]'s phrase (core::event_phrase)
};

/// The events of `mapped` after `from` and at most `horizon` later under `policy`, each phrased
/// knowing which HR keys `links` (state.db's, possibly none) holds. Throws only std::bad_alloc.
horizon_report upcoming_in(const core::mapping_result& mapped, std::chrono::system_clock::time_point from,
                           std::chrono::seconds horizon, const core::lifecycle_policy& policy,
                           std::span<const core::user_link> links);

/// `r` as text: a heading naming the span, then one line per event ("2030-01-07 08:00 CST
/// 2030-01-07T14:00:00Z  HR key 00131  priya.raman@example.com  activated"), "none" when
/// empty, or one line saying the config has no `lifecycle:` block. HR's text is escaped for the
/// terminal. Throws only std::bad_alloc (and what `out` throws).
void print_horizon_text(std::ostream& out, const horizon_report& r);

/// `r` as JSON: {"enabled", "from", "until", "horizon_seconds", "events": [event_json…]}
/// (from, until and events, as core::event_json, only when enabled). Throws only std::bad_alloc.
boost::json::object horizon_json(const horizon_report& r);

}  // namespace eightsync::daemon
