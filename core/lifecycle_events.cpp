#include "core/lifecycle_events.hpp"

#include <algorithm>

namespace eightsync::core {
namespace {

// A person has at most three events (window, start, end); the bound only guards the walk.
constexpr int max_events_per_person = 4;

upcoming_event event_of(const desired_user& u, const mapping_result& mapped, const lifecycle_event& e) {
  return upcoming_event{e.at, e.becomes, u.key, std::string(u.get(attribute::user_name)), mapped.zone_of(u)};
}

bool earlier(const upcoming_event& a, const upcoming_event& b) {
  return a.at != b.at ? a.at < b.at : a.key < b.key;
}

}  // namespace

std::vector<upcoming_event> upcoming_events(const mapping_result& mapped,
                                            std::chrono::system_clock::time_point from,
                                            std::chrono::seconds horizon, const lifecycle_policy& policy) {
  std::vector<upcoming_event> out;
  if (!policy.enabled) return out;
  const auto until = std::chrono::floor<std::chrono::seconds>(from) + horizon;
  for (const auto& u : mapped.users) {
    // next_event looks strictly after its moment: walking from each event finds the next one.
    std::chrono::system_clock::time_point at = from;
    for (int i = 0; i < max_events_per_person; ++i) {
      const auto e = next_event(u, at, policy);
      if (!e || e->at > until) break;
      out.push_back(event_of(u, mapped, *e));
      at = e->at;
    }
  }
  std::sort(out.begin(), out.end(), earlier);
  return out;
}

std::optional<upcoming_event> first_upcoming_event(const mapping_result& mapped,
                                                   std::chrono::system_clock::time_point from,
                                                   const lifecycle_policy& policy) {
  if (!policy.enabled) return std::nullopt;
  const desired_user* first = nullptr;
  lifecycle_event best{};
  for (const auto& u : mapped.users) {
    const auto e = next_event(u, from, policy);
    // Users are sorted by key: on a tie the earlier user keeps its place.
    if (e && (first == nullptr || e->at < best.at)) {
      first = &u;
      best = *e;
    }
  }
  if (first == nullptr) return std::nullopt;
  return event_of(*first, mapped, best);
}

std::string event_phrase(const upcoming_event& e, const lifecycle_policy& policy,
                         std::optional<bool> linked) {
  switch (e.becomes) {
    case hr_intent::provisioning:
      if (linked.value_or(false)) return "provisioning window opens; the linked account is kept as it is";
      return policy.provision_state == provision_state::active ? "account created active"
                                                               : "account created inactive";
    case hr_intent::active: {
      if (!linked) return "starts";
      // Without a link the window creates the account first, unless it has no width or
      // creates nothing.
      const bool made_before = *linked || (policy.provision_state != provision_state::none &&
                                           policy.provision_before_start.count() > 0);
      if (!made_before) return "created active";
      if (!*linked && policy.provision_state == provision_state::active)
        return "starts (created active when the window opened)";
      return "activated";
    }
    case hr_intent::ended:
      return "deactivated";
    case hr_intent::left:
    case hr_intent::before_window:
      break;
  }
  return std::string(enum_name(e.becomes));
}

std::string format_local(std::chrono::sys_seconds t, const date::time_zone* zone) {
  const bool whole_minute = t.time_since_epoch() % std::chrono::minutes{1} == std::chrono::seconds{0};
  if (zone == nullptr) return date::format(whole_minute ? "%F %R UTC" : "%F %T UTC", t);
  return date::format(whole_minute ? "%F %R %Z" : "%F %T %Z",
                      date::zoned_time<std::chrono::seconds>(zone, t));
}

boost::json::object event_json(const upcoming_event& e, const std::string& what) {
  return boost::json::object{{"at", format_utc(e.at)},
                             {"local", format_local(e.at, e.zone)},
                             {"zone", e.zone != nullptr ? std::string(e.zone->name()) : std::string("UTC")},
                             {"hr_key", e.key},
                             {"user_name", e.user_name},
                             {"becomes", enum_name(e.becomes)},
                             {"what", what}};
}

}  // namespace eightsync::core
