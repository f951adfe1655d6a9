#include "daemon/lifecycle_text.hpp"

#include <algorithm>
#include <ostream>
#include <unordered_set>

#include <boost/json/array.hpp>

#include "config/duration.hpp"
#include "core/effective_date.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::daemon {
horizon_report upcoming_in(const core::mapping_result& mapped, std::chrono::system_clock::time_point from,
                           std::chrono::seconds horizon, const core::lifecycle_policy& policy,
                           std::span<const core::user_link> links) {
  horizon_report r;
  r.enabled = policy.enabled;
  r.from = std::chrono::floor<std::chrono::seconds>(from);
  r.horizon = horizon;
  r.events = core::upcoming_events(mapped, from, horizon, policy);
  std::unordered_set<std::string_view> linked;
  for (const auto& l : links)
    linked.insert(l.hr_key);
  for (const auto& e : r.events)
    r.what.push_back(core::event_phrase(e, policy, linked.contains(e.key)));
  return r;
}

void print_horizon_text(std::ostream& out, const horizon_report& r) {
  const std::string span = config::format_duration(r.horizon);
  if (!r.enabled) {
    out << "Lifecycle events in the next " << span
        << ": none, the config has no `lifecycle:` block (HR's status alone decides)\n";
    return;
  }
  out << "Lifecycle events in the next " << span << " (after " << core::format_utc(r.from) << ", until "
      << core::format_utc(r.from + r.horizon) << "): " << r.events.size() << '\n';
  if (r.events.empty()) {
    out << "  none: no provisioning window opens, nobody starts and nobody's end comes\n";
    return;
  }
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const auto& e = r.events[i];
    out << "  " << core::format_local(e.at, e.zone) << "  " << core::format_utc(e.at) << "  HR key "
        << core::escaped(e.key) << "  " << core::escaped(e.user_name) << "  " << r.what[i] << '\n';
  }
}

boost::json::object horizon_json(const horizon_report& r) {
  boost::json::object o{{"enabled", r.enabled}, {"horizon_seconds", r.horizon.count()}};
  if (!r.enabled) return o;
  o["from"] = core::format_utc(r.from);
  o["until"] = core::format_utc(r.from + r.horizon);
  boost::json::array events;
  for (std::size_t i = 0; i < r.events.size(); ++i)
    events.push_back(core::event_json(r.events[i], r.what[i]));
  o["events"] = std::move(events);
  return o;
}

}  // namespace eightsync::daemon
