#pragma once
// Builders shared by the planner tests: HR people, 8x8 objects in 8x8's shape, links, options,
// and `fake_8x8`, a small model of 8x8 that applies a plan the way 8x8 does (PUT replaces the
// whole object, `site` is write-once, userName is read-only, PATCH changes only `active`) and
// fails the test when a request breaks one of those rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/content_hash.hpp"
#include "core/plan_render.hpp"
#include "core/planner.hpp"
#include "core/remote_user.hpp"
#include "core/scim_user_codec.hpp"
#include "core/text.hpp"

namespace eightsync::core::planner_test {

namespace json = boost::json;
using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

/// The moment every test plans at.
inline const time_point t0 = std::chrono::sys_days{std::chrono::year{2024} / 6 / 3} + 9h;

constexpr std::uint32_t bit(attribute a) {
  return 1U << static_cast<unsigned>(a);
}

/// What the tests' mapping owns: locale and timezone are left to 8x8 (unowned).
constexpr std::uint32_t default_owned =
    bit(attribute::user_name) | bit(attribute::given_name) | bit(attribute::family_name) |
    bit(attribute::email) | bit(attribute::external_id) | bit(attribute::title) | bit(attribute::department) |
    bit(attribute::site) | bit(attribute::mobile_phone);

/// One person, as HR and (when in sync) 8x8 know them.
struct person {
  std::string key;
  std::string given = "Zoë";
  std::string family = "Ashworth";
  std::string user_name;  // defaults to "<key>@example.com"
  std::string email;      // defaults to user_name
  std::string title = "Account Executive";
  std::string department = "Sales";
  std::string site = "London HQ";
  std::string mobile = "+44 7700 900123";
  bool active = true;

  std::string un() const { return user_name.empty() ? "u" + key + "@example.com" : user_name; }
  std::string mail() const { return email.empty() ? un() : email; }
};

inline person someone(std::string key, std::string given = "Zoë", std::string family = "Ashworth") {
  person p;
  p.key = std::move(key);
  p.given = std::move(given);
  p.family = std::move(family);
  return p;
}

/// The desired user HR's row for `p` maps to.
inline desired_user desired(const person& p, std::uint32_t owned = default_owned) {
  desired_user d;
  d.key = p.key;
  d.active = p.active;
  d.owned = owned;
  const auto set = [&](attribute a, const std::string& v) {
    if (d.owns(a)) d.set(a, v);
  };
  set(attribute::user_name, p.un());
  set(attribute::given_name, p.given);
  set(attribute::family_name, p.family);
  set(attribute::email, p.mail());
  set(attribute::external_id, p.key);
  set(attribute::title, p.title);
  set(attribute::department, p.department);
  set(attribute::site, p.site);
  set(attribute::mobile_phone, p.mobile);
  d.hash = content_hash(d);
  return d;
}

/// 8x8's object for `p` with `id`, in 8x8's shape, with unowned locale/timezone and meta.
inline json::object scim_object(const person& p, const std::string& id, bool active = true,
                                bool with_external_id = true) {
  json::object o;
  o["schemas"] = json::array{scim_user_codec::core_schema, scim_user_codec::enterprise_schema,
                             scim_user_codec::x8_schema};
  o["id"] = id;
  if (with_external_id) o["externalId"] = p.key;
  o["userName"] = p.un();
  o["name"] = json::object{{"givenName", p.given}, {"familyName", p.family}};
  o["active"] = active;
  o["emails"] = json::array{json::object{{"value", p.mail()}, {"type", "work"}, {"primary", true}}};
  if (!p.title.empty()) o["title"] = p.title;
  o["locale"] = "en-GB";
  o["timezone"] = "Europe/London";
  if (!p.mobile.empty())
    o["phoneNumbers"] = json::array{json::object{{"value", p.mobile}, {"type", "mobile"}}};
  if (!p.department.empty())
    o[scim_user_codec::enterprise_schema] = json::object{{"department", p.department}};
  if (!p.site.empty()) o[scim_user_codec::x8_schema] = json::object{{"site", p.site}};
  o["meta"] =
      json::object{{"resourceType", "User"}, {"created", "2023-01-09T10:00:00Z"}, {"version", "W/\"3\""}};
  return o;
}

inline remote_user remote(const json::object& o, time_point fetched_at = t0 - 1min) {
  auto r = remote_user::from_object(o, fetched_at);
  EXPECT_TRUE(r.has_value());
  return std::move(*r);
}

/// Options for rule tests: no safety limit trips by accident.
inline planner_options relaxed_options() {
  planner_options o;
  o.now = t0;
  o.safety.max_deactivations = 1'000'000;
  o.safety.max_deactivation_percent = 100;
  o.safety.max_creates = 1'000'000;
  o.safety.max_updates = 1'000'000;
  o.safety.max_adoptions = 1'000'000;
  o.safety.max_source_shrink_percent = 100;
  o.safety.key_churn_min = 1'000'000;
  return o;
}

/// A scenario: HR rows, 8x8's users, state and options, planned with one call.
struct world {
  std::vector<desired_user> hr;
  std::vector<quarantined_row> quarantined;
  std::vector<json::object> remote_objects;
  std::vector<time_point> fetched;  // per remote object
  /// A complete listing was recorded a day ago (with no unmanaged user), as after any first
  /// cycle: incremental creates need one (planner_unmanaged_index_test).
  planner_state state = [] {
    planner_state s;
    s.unmanaged_listed_at = t0 - 24h;
    return s;
  }();
  planner_options options = relaxed_options();
  bool complete = true;
  bool full_listing = true;
  std::vector<std::string> looked_up;
  std::size_t rows_read = 0;  // 0: hr.size() + quarantined.size()

  /// HR row for `p` (no 8x8 user, no link).
  desired_user& add_hr(const person& p) {
    hr.push_back(desired(p));
    return hr.back();
  }
  /// An 8x8 user for `p` (no link).
  json::object& add_remote(const person& p, const std::string& id, bool active = true,
                           time_point at = t0 - 1min) {
    remote_objects.push_back(scim_object(p, id, active));
    fetched.push_back(at);
    return remote_objects.back();
  }
  /// A link for `p`, as last applied.
  user_link& add_link(const person& p, const std::string& id, std::optional<bool> applied_active = true,
                      managed_by how = managed_by::created) {
    user_link l;
    l.hr_key = p.key;
    l.scim_id = id;
    l.user_name = p.un();
    l.how = how;
    l.applied_hash = desired(p).hash;
    l.applied_active = applied_active;
    state.links.push_back(std::move(l));
    return state.links.back();
  }
  /// `p` in HR, in 8x8 and linked, all in step.
  void add_synced(const person& p, const std::string& id) {
    add_hr(p);
    add_remote(p, id, p.active);
    add_link(p, id, p.active);
  }

  mapping_result mapping() const {
    mapping_result m;
    m.users = hr;
    std::sort(m.users.begin(), m.users.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    m.quarantined = quarantined;
    m.rows_read = rows_read ? rows_read : hr.size() + quarantined.size();
    return m;
  }
  remote_snapshot snapshot() const {
    remote_snapshot s;
    for (std::size_t i = 0; i < remote_objects.size(); ++i)
      s.users.push_back(remote(remote_objects[i], fetched[i]));
    s.complete = complete;
    s.full_listing = full_listing;
    s.looked_up = looked_up;
    return s;
  }
  plan run() const { return make_plan(mapping(), snapshot(), state, options); }
  read_strategy reads() const { return plan_reads(mapping(), state, options); }
};

/// The entries of `p` of `kind` (operations, or held ones with `held`).
inline std::vector<const plan_entry*> entries(const plan& p, operation_kind kind, bool held = false) {
  std::vector<const plan_entry*> out;
  for (const auto& e : held ? p.held : p.operations) {
    if (e.kind == kind) out.push_back(&e);
  }
  return out;
}

inline std::size_t count(const plan& p, operation_kind kind, bool held = false) {
  return entries(p, kind, held).size();
}

inline const plan_entry* find_entry(const plan& p, operation_kind kind, const std::string& key) {
  for (const auto& e : p.operations) {
    if (e.kind == kind && e.hr_key == key) return &e;
  }
  return nullptr;
}

inline std::vector<const manual_action*> actions(const plan& p, manual_action_kind kind) {
  std::vector<const manual_action*> out;
  for (const auto& a : p.manual_actions) {
    if (a.kind == kind) out.push_back(&a);
  }
  for (const auto* list : {&p.operations, &p.held}) {
    for (const auto& e : *list) {
      for (const auto& f : e.follow_ups) {
        if (f.kind == kind) out.push_back(&f);
      }
    }
  }
  return out;
}

inline const plan_conflict* find_conflict(const plan& p, const std::string& key) {
  for (const auto& c : p.conflicts) {
    if (c.hr_key == key) return &c;
  }
  return nullptr;
}

/// A model of 8x8: users by id. Applying a plan checks each request against 8x8's rules (and
/// eightsync's invariants) with EXPECTs, and records the links as the executor would.
class fake_8x8 {
 public:
  std::map<std::string, json::object> users;
  std::vector<std::string> protect_patterns;
  int next_id = 1;

  /// Adds a user as an admin would; returns its id.
  std::string add(json::object o) {
    const std::string id = "x" + std::to_string(next_id++);
    o["id"] = id;
    users[id] = normalize(std::move(o));
    return id;
  }

  /// A complete listing of every user, fetched at `at`.
  remote_snapshot listing(time_point at) const {
    remote_snapshot s;
    s.complete = true;
    s.full_listing = true;
    for (const auto& [id, o] : users)
      s.users.push_back(remote(o, at));
    return s;
  }

  /// Applies every operation of `p` in order, and its link refreshes, to this model and to
  /// `state` (held entries are not applied). `owned` is the mapping's attribute mask.
  void apply(const plan& p, planner_state& state, std::uint32_t owned) {
    for (const auto& e : p.operations)
      apply_one(e, state, owned);
    for (const auto& r : p.link_refreshes) {
      user_link* l = link_for(state, r.hr_key);
      ASSERT_NE(l, nullptr) << r.hr_key;
      l->applied_hash = r.applied_hash;
      l->applied_active = r.applied_active;
      l->user_name = r.user_name;
    }
  }

 private:
  static std::string lower(std::string_view s) { return to_lower(s); }

  // 8x8 trims values and lower-cases emails (the planner must not see that as a change).
  static json::object normalize(json::object o) {
    for (auto& kv : o) {
      if (kv.value().is_string()) kv.value() = json::string(trim(kv.value().get_string()));
    }
    if (auto* emails = o.if_contains("emails"); emails && emails->is_array()) {
      for (auto& e : emails->get_array()) {
        if (auto* v = e.get_object().if_contains("value")) *v = json::string(lower(trim(v->get_string())));
      }
    }
    return o;
  }

  static user_link* link_for(planner_state& state, const std::string& key) {
    for (auto& l : state.links) {
      if (l.hr_key == key) return &l;
    }
    return nullptr;
  }

  void record(planner_state& state, const plan_entry& e, const std::string& id) {
    user_link* l = link_for(state, e.hr_key);
    if (!l) {
      state.links.emplace_back();
      l = &state.links.back();
      l->hr_key = e.hr_key;
    }
    l->scim_id = id;
    l->how = e.how;
    l->user_name = std::string(scim_user_codec::read(users[id], attribute::user_name));
    if (e.desired_hash) l->applied_hash = e.desired_hash;
    l->applied_active = e.desired_active;
  }

  void apply_one(const plan_entry& e, planner_state& state, std::uint32_t owned) {
    switch (e.kind) {
      case operation_kind::create: {
        const auto un = scim_user_codec::read(e.body, attribute::user_name);
        ASSERT_FALSE(un.empty());
        for (const auto& [id, o] : users) {
          ASSERT_FALSE(iequals(scim_user_codec::read(o, attribute::user_name), un))
              << "duplicate userName " << un;
        }
        const auto& emails = e.body.at("emails").as_array();
        ASSERT_EQ(emails.size(), 1U);
        EXPECT_EQ(emails[0].at("type"), "work");
        EXPECT_EQ(emails[0].at("primary"), true);
        EXPECT_FALSE(scim_user_codec::read(e.body, attribute::given_name).empty());
        EXPECT_FALSE(scim_user_codec::read(e.body, attribute::family_name).empty());
        const std::string id = add(e.body);
        record(state, e, id);
        return;
      }
      case operation_kind::update: {
        ASSERT_TRUE(users.count(e.scim_id)) << e.scim_id;
        const json::object& before = users[e.scim_id];
        const json::object& body = e.body;
        EXPECT_EQ(scim_user_codec::read(body, attribute::user_name),
                  scim_user_codec::read(before, attribute::user_name))
            << "a PUT changed userName";
        const auto site_before = scim_user_codec::read(before, attribute::site);
        if (!site_before.empty()) {
          EXPECT_EQ(scim_user_codec::read(body, attribute::site), site_before) << "a PUT changed a set site";
        }
        EXPECT_EQ(scim_user_codec::read_active(body), scim_user_codec::read_active(before))
            << "a PUT changed active";
        // Everything the mapping does not own is sent back as it was.
        for (const auto& kv : before) {
          const std::string_view k = kv.key();
          const bool mapped = k == "userName" || k == "name" || k == "emails" || k == "externalId" ||
                              k == "title" || k == "phoneNumbers" ||
                              k == scim_user_codec::enterprise_schema || k == scim_user_codec::x8_schema ||
                              k == "schemas";
          if (!mapped) {
            EXPECT_TRUE(body.contains(k) && body.at(k) == kv.value()) << "a PUT dropped or changed " << k;
          }
        }
        for (const attribute a : all_attributes) {
          if (a == attribute::active || (owned & bit(a)) != 0) continue;
          EXPECT_EQ(scim_user_codec::read(body, a), scim_user_codec::read(before, a))
              << "a PUT changed unowned " << attribute_name(a);
        }
        json::object next = body;
        next["id"] = e.scim_id;
        if (before.contains("meta")) next["meta"] = before.at("meta");
        users[e.scim_id] = normalize(std::move(next));
        record(state, e, e.scim_id);
        return;
      }
      case operation_kind::deactivate:
      case operation_kind::reactivate: {
        ASSERT_TRUE(users.count(e.scim_id)) << e.scim_id;
        const bool to = e.kind == operation_kind::reactivate;
        EXPECT_EQ(e.body, scim_user_codec::active_patch(to)) << "a PATCH other than active";
        users[e.scim_id]["active"] = to;
        record(state, e, e.scim_id);
        return;
      }
      case operation_kind::adopt:
        ASSERT_TRUE(users.count(e.scim_id)) << e.scim_id;
        record(state, e, e.scim_id);
        return;
    }
  }
};

}  // namespace eightsync::core::planner_test
