#include "core/update_recheck.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/attribute.hpp"
#include "core/mapping_result.hpp"
#include "core/planner.hpp"
#include "core/remote_snapshot.hpp"
#include "core/text.hpp"

namespace eightsync::core {

namespace {

// "title, department": the attributes of `diffs`, for a person.
std::string attribute_names(const std::vector<plan_diff>& diffs) {
  std::string out;
  for (const auto& d : diffs) {
    if (!out.empty()) out += ", ";
    out += attribute_name(d.attr);
  }
  return out.empty() ? std::string("nothing") : out;
}

// Whether every attribute `now` changes was planned too: the new decision narrows the change.
bool narrows(const std::vector<plan_diff>& planned, const std::vector<plan_diff>& now) {
  return std::all_of(now.begin(), now.end(), [&](const plan_diff& n) {
    return std::any_of(planned.begin(), planned.end(), [&](const plan_diff& p) { return p.attr == n.attr; });
  });
}

// The plan's limits were checked when this PUT was planned (or approved when held): one user
// decided again must not trip them a second time.
planner_options::safety_limits no_limits() noexcept {
  planner_options::safety_limits s;
  constexpr auto many = std::numeric_limits<std::size_t>::max();
  s.max_deactivations = many;
  s.max_deactivation_percent = 100.0;
  s.max_creates = many;
  s.max_updates = many;
  s.max_adoptions = many;
  s.max_reactivations = many;
  s.max_source_shrink_percent = 100.0;
  s.min_listed_linked_percent = 0.0;
  s.key_churn_percent = 100.0;
  s.key_churn_min = many;
  return s;
}

// The verdict when the new plan sends nothing for this user: a person is needed (a manual action,
// a conflict, a note such as "on the protect list"), 8x8 already shows HR's values, or a read
// the next plan does.
void decide_without_write(const plan& p, const std::string& key, update_recheck& out) {
  for (const auto& c : p.conflicts) {
    if (c.hr_key != key) continue;
    out.verdict = recheck_verdict::left_alone;
    out.reason = "8x8 changed since the plan: " + c.reason;
    return;
  }
  for (const auto& n : p.skipped) {
    if (n.hr_key != key) continue;
    out.verdict = recheck_verdict::left_alone;
    out.reason = "8x8 changed since the plan: " + n.reason;
    return;
  }
  if (!out.manual_actions.empty()) {
    out.verdict = recheck_verdict::left_alone;
    out.reason = "8x8 changed since the plan: " + out.manual_actions.front().text;
    return;
  }
  for (const auto& r : p.link_refreshes) {
    if (r.hr_key != key) continue;
    out.verdict = recheck_verdict::unchanged;
    out.refresh = r;
    out.reason = "8x8 already shows what HR wants (changed in 8x8 since the plan); nothing to send";
    return;
  }
  out.verdict = recheck_verdict::deferred;
  out.reason = "the fresh copy leaves the decision to the next plan";
}

}  // namespace

update_recheck recheck_update(const plan_entry& planned, const desired_user& desired,
                              const remote_user& fresh, planner_state state, planner_options options) {
  update_recheck out;
  const std::string planned_names = attribute_names(planned.diffs);
  const auto link = std::find_if(state.links.begin(), state.links.end(),
                                 [&](const user_link& l) { return l.hr_key == desired.key; });
  if (link == state.links.end() || trim(link->scim_id) != trim(planned.scim_id) ||
      fresh.id() != trim(planned.scim_id)) {
    out.reason = "HR key " + desired.key + " is no longer linked to 8x8 user " + planned.scim_id +
                 " as planned; the next plan decides";
    return out;
  }

  // The planner's own rules, on this one user and the copy just fetched.
  options.safety = no_limits();
  options.full_listing_requested = false;
  state.last_good.reset();
  mapping_result one;
  one.users.push_back(desired);
  remote_snapshot snapshot;
  snapshot.users.push_back(fresh);
  const plan p = make_plan(one, snapshot, state, options);

  for (const auto& a : p.manual_actions)
    if (a.hr_key == desired.key) out.manual_actions.push_back(a);
  const plan_entry* update = nullptr;
  for (const auto& e : p.operations) {
    if (e.hr_key != desired.key) continue;
    if (e.kind != operation_kind::update) {
      // Never a new kind of operation here: a deactivation, a reactivation or an adoption waits
      // for the next plan and its holds.
      out.verdict = recheck_verdict::deferred;
      out.reason = "planned " + planned_names + "; 8x8 changed since, and it now calls for a " +
                   std::string(enum_name(e.kind)) + ": the next plan decides";
      return out;
    }
    update = &e;
  }
  if (update == nullptr) {
    decide_without_write(p, desired.key, out);
    out.reason = "planned " + planned_names + "; " + out.reason;
    return out;
  }
  const std::string now_names = attribute_names(update->diffs);
  if (!narrows(planned.diffs, update->diffs)) {
    // Another owned attribute differs now (changed in 8x8 since the plan): sending it would
    // widen the change this cycle approved. The next plan decides on it.
    out.verdict = recheck_verdict::deferred;
    out.reason = "planned " + planned_names + "; 8x8 now differs in " + now_names + ": the next plan decides";
    return out;
  }
  out.verdict =
      update->diffs.size() == planned.diffs.size() ? recheck_verdict::send : recheck_verdict::narrowed;
  out.entry = *update;
  out.reason = out.verdict == recheck_verdict::send
                   ? "planned " + planned_names + "; 8x8 still differs in the same"
                   : "planned " + planned_names + "; 8x8 now differs in " + now_names + " only";
  return out;
}

}  // namespace eightsync::core
