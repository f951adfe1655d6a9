#pragma once
#include <date/tz.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/lifecycle_rule.hpp"
#include "core/mapping_result.hpp"

// Seeing what is coming (issue 18): the lifecycle events of a mapped export inside a horizon, as
// `plan --horizon` lists them and `status` names the next one. Pure: the moment is a parameter.
namespace eightsync::core {

/// One lifecycle event of one person.
struct upcoming_event {
  std::chrono::sys_seconds at;            ///< when the intent changes
  hr_intent becomes = hr_intent::active;  ///< what it becomes (provisioning, active or ended)
  std::string key;                        ///< the HR key
  std::string user_name;                  ///< the mapped userName
  const date::time_zone* zone = nullptr;  ///< the person's zone; nullptr: none known

  /// Member-wise equality.
  friend bool operator==(const upcoming_event&, const upcoming_event&) = default;
};

/// Every lifecycle event of `mapped`'s users after `from` and at most `horizon` later (an event
/// exactly at `from` has come: a cycle then already acts on it), several per person when they
/// fall inside (window, start, end), sorted by instant, then key. Empty when `policy` is
/// disabled. Throws only std::bad_alloc.
std::vector<upcoming_event> upcoming_events(const mapping_result& mapped,
                                            std::chrono::system_clock::time_point from,
                                            std::chrono::seconds horizon, const lifecycle_policy& policy);

/// The earliest lifecycle event of `mapped`'s users after `from` (the lowest key on a tie), or
/// nullopt when none lies ahead. Throws only std::bad_alloc.
std::optional<upcoming_event> first_upcoming_event(const mapping_result& mapped,
                                                   std::chrono::system_clock::time_point from,
                                                   const lifecycle_policy& policy);

/// What happens at `e`, as a phrase. `linked`: whether an 8x8 account is linked to the key now,
/// nullopt when unknown. The window opening: "account created inactive" (or "… active", per
/// policy.provision_state), or with a link "provisioning window opens; the linked account is
/// kept as it is". The start: "activated"; "created active" when nothing is linked and no
/// window creates the account first; "starts" when `linked` is unknown. The end: "deactivated".
/// Throws only std::bad_alloc.
std::string event_phrase(const upcoming_event& e, const lifecycle_policy& policy, std::optional<bool> linked);

/// `t` in `zone` as "2030-01-07 08:00 CST" (seconds only when not zero); in UTC, "… UTC", when
/// `zone` is nullptr. Throws only std::bad_alloc.
std::string format_local(std::chrono::sys_seconds t, const date::time_zone* zone);

/// `e` as JSON: at (UTC), local (format_local), zone (its name, "UTC" without one), hr_key,
/// user_name, becomes and `what` (its phrase). Throws only std::bad_alloc.
boost::json::object event_json(const upcoming_event& e, const std::string& what);

}  // namespace eightsync::core
