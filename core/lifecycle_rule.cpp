#include "core/lifecycle_rule.hpp"

namespace eightsync::core {

namespace {

using std::chrono::sys_seconds;

sys_seconds floor_seconds(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t);
}

// When the provisioning window of a start at `start` opens.
sys_seconds window_opens(sys_seconds start, const lifecycle_policy& policy) noexcept {
  return start - std::chrono::ceil<std::chrono::seconds>(policy.provision_before_start);
}

}  // namespace

hr_intent intent_of(const desired_user& d, std::chrono::system_clock::time_point now,
                    const lifecycle_policy& policy) noexcept {
  if (!policy.enabled) return d.active ? hr_intent::active : hr_intent::left;
  const sys_seconds at = floor_seconds(now);
  const auto end = d.ends_at();
  if (end && at >= *end) return hr_intent::ended;
  if (!d.active && !d.pre_hire) return hr_intent::left;
  const auto start = d.starts_at();
  if (start && at < *start)
    return at >= window_opens(*start, policy) ? hr_intent::provisioning : hr_intent::before_window;
  // A pre-hire row without a start date has nothing to start on: it waits for one, or for
  // the status to say active.
  if (!start && !d.active) return hr_intent::before_window;
  return hr_intent::active;
}

std::optional<bool> create_active(hr_intent intent, const lifecycle_policy& policy) noexcept {
  switch (intent) {
    case hr_intent::active:
      return true;
    case hr_intent::provisioning:
      if (policy.provision_state == provision_state::none) return std::nullopt;
      return policy.provision_state == provision_state::active;
    case hr_intent::left:
    case hr_intent::ended:
    case hr_intent::before_window:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<lifecycle_event> next_event(const desired_user& d, std::chrono::system_clock::time_point now,
                                          const lifecycle_policy& policy) noexcept {
  if (!policy.enabled) return std::nullopt;
  const sys_seconds at = floor_seconds(now);
  const hr_intent intent = intent_of(d, now, policy);
  if (is_leaver(intent)) return std::nullopt;
  const auto start = d.starts_at();
  const auto end = d.ends_at();
  if (intent == hr_intent::before_window && start) {
    const sys_seconds opens = window_opens(*start, policy);
    // With provision_state none, opening the window changes nothing that is sent; a window of
    // no width opens at the start, which is the event.
    if (opens > at && opens < *start && policy.provision_state != provision_state::none)
      return lifecycle_event{opens, hr_intent::provisioning};
    return lifecycle_event{*start, hr_intent::active};
  }
  if (intent == hr_intent::provisioning && start) return lifecycle_event{*start, hr_intent::active};
  if (intent == hr_intent::active && end) return lifecycle_event{*end, hr_intent::ended};
  return std::nullopt;
}

std::optional<sys_seconds> earliest_end(std::span<const desired_user> users,
                                        std::chrono::system_clock::time_point now,
                                        const lifecycle_policy& policy) noexcept {
  std::optional<sys_seconds> out;
  if (!policy.enabled) return out;
  const sys_seconds at = floor_seconds(now);
  for (const auto& d : users) {
    const auto end = d.ends_at();
    if (end && *end > at && (!out || *end < *out)) out = end;
  }
  return out;
}

}  // namespace eightsync::core
