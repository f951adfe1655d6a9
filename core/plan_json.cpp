#include "core/plan_render.hpp"

#include <boost/json/array.hpp>

namespace eightsync::core {

namespace json = boost::json;

namespace {

json::string str(std::string_view s) {
  return json::string(s);
}

json::object action_json(const manual_action& a) {
  json::object o;
  o["kind"] = str(enum_name(a.kind));
  o["hr_key"] = str(a.hr_key);
  o["scim_id"] = str(a.scim_id);
  o["user_name"] = str(a.user_name);
  o["text"] = str(a.text);
  o["dedupe_key"] = str(a.dedupe_key);
  o["already_open"] = a.already_open;
  return o;
}

json::object hold_json(const plan_hold& h) {
  json::object o;
  o["reason"] = str(enum_name(h.reason));
  o["text"] = str(h.text);
  return o;
}

json::object entry_json(const plan_entry& e) {
  json::object o;
  o["kind"] = str(enum_name(e.kind));
  o["hr_key"] = str(e.hr_key);
  o["scim_id"] = str(e.scim_id);
  o["user_name"] = str(e.user_name);
  o["reason"] = str(e.reason);
  json::array diffs;
  for (const auto& d : e.diffs) {
    json::object x;
    x["attribute"] = str(attribute_name(d.attr));
    x["before"] = str(d.before);
    x["after"] = str(d.after);
    diffs.emplace_back(std::move(x));
  }
  o["diffs"] = std::move(diffs);
  if (operation_sends_request(e.kind)) o["body"] = e.body;
  o["after"] = e.after ? json::value(str(enum_name(*e.after))) : json::value(nullptr);
  o["how"] = str(enum_name(e.how));
  json::array follow;
  for (const auto& f : e.follow_ups)
    follow.emplace_back(action_json(f));
  o["follow_ups"] = std::move(follow);
  if (e.hold) o["hold"] = hold_json(*e.hold);
  return o;
}

json::object cost_json(const plan_cost& c) {
  json::object o;
  o["listing_pages"] = c.listing_pages;
  o["gets_by_id"] = c.gets_by_id;
  o["lookups"] = c.lookups;
  o["refetches"] = c.refetches;
  o["writes"] = c.writes;
  o["total"] = c.total();
  return o;
}

}  // namespace

json::object plan_json(const plan& p, const plan_rate& rate) {
  json::object out;
  json::object summary;
  summary["operations"] = p.operations.size();
  summary["held"] = p.held.size();
  summary["conflicts"] = p.conflicts.size();
  summary["manual_actions"] = p.manual_actions.size();
  summary["reads_needed"] = p.reads_needed.size();
  summary["desired_users"] = p.desired_users;
  summary["managed_users"] = p.managed_users;
  summary["unchanged_users"] = p.unchanged_users;
  summary["unmatched_inactive"] = p.unmatched_inactive;
  summary["authoritative"] = p.authoritative;
  summary["first_cycle"] = p.first_cycle;
  summary["site_schema"] = boost::json::object{{"urn", p.site_schema.urn},
                                               {"source", enum_name(p.site_schema.source)},
                                               {"writes_site", p.writes_site}};
  out["summary"] = std::move(summary);

  json::array ops;
  for (const auto& e : p.operations)
    ops.emplace_back(entry_json(e));
  out["operations"] = std::move(ops);
  json::array held;
  for (const auto& e : p.held)
    held.emplace_back(entry_json(e));
  out["held"] = std::move(held);
  json::array holds;
  for (const auto& h : p.holds)
    holds.emplace_back(hold_json(h));
  out["holds"] = std::move(holds);

  json::array conflicts;
  for (const auto& c : p.conflicts) {
    json::object o;
    o["kind"] = str(enum_name(c.kind));
    o["hr_key"] = str(c.hr_key);
    o["user_name"] = str(c.user_name);
    json::array ids;
    for (const auto& id : c.scim_ids)
      ids.emplace_back(str(id));
    o["scim_ids"] = std::move(ids);
    o["reason"] = str(c.reason);
    conflicts.emplace_back(std::move(o));
  }
  out["conflicts"] = std::move(conflicts);

  json::array actions;
  for (const auto& a : p.manual_actions)
    actions.emplace_back(action_json(a));
  out["manual_actions"] = std::move(actions);

  json::array reads;
  for (const auto& r : p.reads_needed) {
    json::object o;
    o["kind"] = str(enum_name(r.kind));
    o["hr_key"] = str(r.hr_key);
    o["target"] = str(r.target);
    o["reason"] = str(r.reason);
    reads.emplace_back(std::move(o));
  }
  out["reads_needed"] = std::move(reads);

  json::array skipped;
  for (const auto& s : p.skipped) {
    json::object o;
    o["hr_key"] = str(s.hr_key);
    o["scim_id"] = str(s.scim_id);
    o["user_name"] = str(s.user_name);
    o["reason"] = str(s.reason);
    skipped.emplace_back(std::move(o));
  }
  out["skipped"] = std::move(skipped);

  json::array refreshes;
  for (const auto& r : p.link_refreshes) {
    json::object o;
    o["hr_key"] = str(r.hr_key);
    o["scim_id"] = str(r.scim_id);
    o["user_name"] = str(r.user_name);
    o["applied_hash"] = r.applied_hash ? json::value(*r.applied_hash) : json::value(nullptr);
    o["applied_active"] = r.applied_active;
    refreshes.emplace_back(std::move(o));
  }
  out["link_refreshes"] = std::move(refreshes);

  json::object cost = cost_json(p.cost);
  cost["held_writes"] = p.held_writes;
  const auto d = plan_cost_duration(p.cost.total(), rate.requests, rate.per);
  cost["seconds_at_rate"] = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  json::object r;
  r["requests"] = rate.requests;
  r["per_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(rate.per).count();
  cost["rate"] = std::move(r);
  out["cost"] = std::move(cost);
  return out;
}

}  // namespace eightsync::core
