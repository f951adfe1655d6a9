#include "core/load_planner_state.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "core/audit_log.hpp"

namespace eightsync::core {

planner_state load_planner_state(const state_store& store, state_store::remote_json_loading loading) {
  planner_state out;
  out.links = store.load_links(loading);
  const auto decisions = store.load_decisions();
  if (!decisions.empty()) {
    std::unordered_set<std::string_view> linked_keys;
    std::unordered_set<std::string_view> linked_ids;
    linked_keys.reserve(out.links.size());
    linked_ids.reserve(out.links.size());
    for (const auto& l : out.links) {
      linked_keys.insert(l.hr_key);
      linked_ids.insert(l.scim_id);
    }
    std::vector<user_link> pending;
    for (const auto& d : decisions) {
      if (linked_keys.contains(d.hr_key)) continue;
      if (d.kind == decision_kind::create_new) {
        out.create_new.push_back(d.hr_key);
      } else if (!linked_ids.contains(d.scim_id)) {
        user_link l;
        l.hr_key = d.hr_key;
        l.scim_id = d.scim_id;
        l.how = managed_by::linked;
        pending.push_back(std::move(l));
      }
    }
    if (!pending.empty()) {
      // Inserting may reallocate out.links, which the string_views above point into: done with them.
      out.links.insert(out.links.end(), std::make_move_iterator(pending.begin()),
                       std::make_move_iterator(pending.end()));
      std::sort(out.links.begin(), out.links.end(),
                [](const user_link& a, const user_link& b) { return a.hr_key < b.hr_key; });
    }
  }
  {
    // Reading only: audit_log wants a mutable store because most of what it does is writing.
    const audit_log audit(const_cast<state_store&>(store));
    for (auto& a : audit.manual_actions(true)) {
      out.open_actions.push_back(planner_state::open_action{
          a.action.kind, std::move(a.action.hr_key), std::move(a.action.dedupe_key), a.action.hr_hash});
    }
    out.created_before_start = audit.created_before_start();
    out.upcoming_approved = audit.upcoming_approvals(clock::time_point{});
  }
  out.last_good = store.read_last_good_cycle();
  out.site_schema = store.site_schema();
  out.known_sites = store.known_sites();
  out.unmanaged_listed_at = store.unmanaged_users_listed_at();
  return out;
}

namespace {

// Whether some active HR row has no link. HR's users come sorted by key, and the state store
// reads the links ORDER BY hr_key: a merge of the two, with a hash set only for unsorted input.
bool has_new_person(const mapping_result& desired, const planner_state& state) {
  const auto& users = desired.users;
  const auto& links = state.links;
  const bool sorted = std::is_sorted(users.begin(), users.end(),
                                     [](const auto& a, const auto& b) { return a.key < b.key; }) &&
                      std::is_sorted(links.begin(), links.end(),
                                     [](const auto& a, const auto& b) { return a.hr_key < b.hr_key; });
  if (sorted) {
    auto l = links.begin();
    for (const desired_user& d : users) {
      while (l != links.end() && l->hr_key < d.key)
        ++l;
      // Inactive rows without a link are looked for only by a full reconcile: no index needed.
      if (d.active && (l == links.end() || l->hr_key != d.key)) return true;
    }
    return false;
  }
  std::unordered_set<std::string_view> linked_keys;
  linked_keys.reserve(links.size());
  for (const auto& l : links)
    linked_keys.insert(l.hr_key);
  return std::any_of(users.begin(), users.end(),
                     [&](const desired_user& d) { return d.active && !linked_keys.contains(d.key); });
}

}  // namespace

bool load_unmanaged_index(const state_store& store, const mapping_result& desired, planner_state& state) {
  const bool new_person = has_new_person(desired, state);
  if (!new_person) return false;
  state.unmanaged = store.load_unmanaged_users();
  return true;
}

}  // namespace eightsync::core
