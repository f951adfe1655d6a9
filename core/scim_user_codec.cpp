#include "core/scim_user_codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "core/planner_text.hpp"
#include "core/text.hpp"

namespace eightsync::core {

namespace json = boost::json;

namespace {

// The member named `key`: exact first, then case-insensitive.
const json::value* member(const json::object* o, std::string_view key) noexcept {
  if (!o) return nullptr;
  if (const auto* v = o->if_contains(key)) return v;
  for (const auto& kv : *o) {
    if (iequals(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

json::value* member(json::object& o, std::string_view key) noexcept {
  if (auto* v = o.if_contains(key)) return v;
  for (auto& kv : o) {
    if (iequals(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

std::string_view as_text(const json::value* v) noexcept {
  if (!v || !v->is_string()) return {};
  const auto& s = v->get_string();
  return {s.data(), s.size()};
}

const json::object* object_member(const json::object* o, std::string_view key) noexcept {
  const auto* v = member(o, key);
  return v ? v->if_object() : nullptr;
}

// Index of the entry of the multi-valued `arr` that holds the email (work, else primary, else
// the first) or the phone of `type`; -1 when none.
std::ptrdiff_t email_index(const json::array& arr) noexcept {
  std::ptrdiff_t primary = -1;
  std::ptrdiff_t first = -1;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto* e = arr[i].if_object();
    if (!e) continue;
    if (first < 0) first = static_cast<std::ptrdiff_t>(i);
    if (iequals(as_text(member(e, "type")), "work")) return static_cast<std::ptrdiff_t>(i);
    const auto* p = member(e, "primary");
    if (primary < 0 && p && p->is_bool() && p->get_bool()) primary = static_cast<std::ptrdiff_t>(i);
  }
  return primary >= 0 ? primary : first;
}

std::ptrdiff_t typed_index(const json::array& arr, std::string_view type) noexcept {
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto* e = arr[i].if_object();
    if (e && iequals(as_text(member(e, "type")), type)) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

std::string_view entry_value(const json::value* arr_v, std::ptrdiff_t i) noexcept {
  if (i < 0) return {};
  return as_text(member(arr_v->get_array()[static_cast<std::size_t>(i)].if_object(), "value"));
}

// Sets (or, for an empty value, removes) the member `key` of `o`, reusing its spelling.
void set_or_erase(json::object& o, std::string_view key, std::string_view value) {
  json::value* v = member(o, key);
  if (value.empty()) {
    if (v) {
      for (auto it = o.begin(); it != o.end(); ++it) {
        if (&it->value() == v) {
          o.erase(it);
          break;
        }
      }
    }
    return;
  }
  if (v) {
    *v = json::string(value, o.storage());
  } else {
    o[key] = json::string(value, o.storage());
  }
}

json::object& object_at(json::object& o, std::string_view key) {
  json::value* v = member(o, key);
  if (!v) v = &o[key];
  if (!v->is_object()) *v = json::object(o.storage());
  return v->get_object();
}

json::array& array_at(json::object& o, std::string_view key) {
  json::value* v = member(o, key);
  if (!v) v = &o[key];
  if (!v->is_array()) *v = json::array(o.storage());
  return v->get_array();
}

void add_schema(json::object& o, std::string_view urn) {
  json::array& schemas = array_at(o, "schemas");
  for (const auto& s : schemas) {
    if (s.is_string() && s.get_string() == urn) return;
  }
  schemas.emplace_back(json::string(urn, o.storage()));
}

// Writes the value of the multi-valued entry at `i` (of type `type` when added), removing the
// entry when `value` is empty.
void write_entry(json::object& o, std::string_view key, std::ptrdiff_t i, std::string_view type, bool primary,
                 std::string_view value) {
  if (value.empty()) {
    json::value* v = member(o, key);
    if (v && v->is_array() && i >= 0) v->get_array().erase(v->get_array().begin() + i);
    return;
  }
  json::array& arr = array_at(o, key);
  if (i >= 0) {
    json::object& e = arr[static_cast<std::size_t>(i)].get_object();
    set_or_erase(e, "value", value);
    return;
  }
  json::object e(o.storage());
  e["value"] = json::string(value, o.storage());
  e["type"] = type;
  if (primary) e["primary"] = true;
  arr.emplace_back(std::move(e));
}

}  // namespace

std::string_view scim_user_codec::read(const json::object& user, attribute a) noexcept {
  switch (a) {
    case attribute::user_name:
      return as_text(member(&user, "userName"));
    case attribute::given_name:
      return as_text(member(object_member(&user, "name"), "givenName"));
    case attribute::family_name:
      return as_text(member(object_member(&user, "name"), "familyName"));
    case attribute::email: {
      const auto* arr = member(&user, "emails");
      if (!arr || !arr->is_array()) return {};
      return entry_value(arr, email_index(arr->get_array()));
    }
    case attribute::external_id:
      return as_text(member(&user, "externalId"));
    case attribute::title:
      return as_text(member(&user, "title"));
    case attribute::locale:
      return as_text(member(&user, "locale"));
    case attribute::timezone:
      return as_text(member(&user, "timezone"));
    case attribute::department:
      return as_text(member(object_member(&user, enterprise_schema), "department"));
    case attribute::site:
      return as_text(member(object_member(&user, x8_schema), "site"));
    case attribute::mobile_phone: {
      const auto* arr = member(&user, "phoneNumbers");
      if (!arr || !arr->is_array()) return {};
      return entry_value(arr, typed_index(arr->get_array(), "mobile"));
    }
    case attribute::active:
      return {};
  }
  return {};
}

std::optional<bool> scim_user_codec::read_active(const json::object& user) noexcept {
  const auto* v = member(&user, "active");
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (iequals(as_text(v), "true")) return true;
  if (iequals(as_text(v), "false")) return false;
  return std::nullopt;
}

std::string_view scim_user_codec::read_id(const json::object& user) noexcept {
  return as_text(user.if_contains("id"));
}

void scim_user_codec::write(json::object& user, attribute a, std::string_view value) {
  switch (a) {
    case attribute::user_name:
      set_or_erase(user, "userName", value);
      return;
    case attribute::given_name:
      set_or_erase(object_at(user, "name"), "givenName", value);
      return;
    case attribute::family_name:
      set_or_erase(object_at(user, "name"), "familyName", value);
      return;
    case attribute::email: {
      const json::value* arr = member(&user, "emails");
      const std::ptrdiff_t i = arr && arr->is_array() ? email_index(arr->get_array()) : -1;
      write_entry(user, "emails", i, "work", true, value);
      return;
    }
    case attribute::external_id:
      set_or_erase(user, "externalId", value);
      return;
    case attribute::title:
      set_or_erase(user, "title", value);
      return;
    case attribute::locale:
      set_or_erase(user, "locale", value);
      return;
    case attribute::timezone:
      set_or_erase(user, "timezone", value);
      return;
    case attribute::department:
      if (!value.empty()) add_schema(user, enterprise_schema);
      set_or_erase(object_at(user, enterprise_schema), "department", value);
      return;
    case attribute::site:
      if (!value.empty()) add_schema(user, x8_schema);
      set_or_erase(object_at(user, x8_schema), "site", value);
      return;
    case attribute::mobile_phone: {
      const json::value* arr = member(&user, "phoneNumbers");
      const std::ptrdiff_t i = arr && arr->is_array() ? typed_index(arr->get_array(), "mobile") : -1;
      write_entry(user, "phoneNumbers", i, "mobile", false, value);
      return;
    }
    case attribute::active:
      return;
  }
}

void scim_user_codec::write_active(json::object& user, bool active) {
  if (json::value* v = member(user, "active")) {
    *v = active;
  } else {
    user["active"] = active;
  }
}

bool scim_user_codec::same(attribute a, std::string_view desired, std::string_view remote) noexcept {
  desired = planner_trim(desired);
  remote = planner_trim(remote);
  if (a == attribute::user_name || a == attribute::email) return iequals(desired, remote);
  return desired == remote;
}

json::object scim_user_codec::create_body(const desired_user& u) {
  json::object o;
  json::array schemas;
  schemas.emplace_back(core_schema);
  o["schemas"] = std::move(schemas);
  for (const attribute a : all_attributes) {
    if (a == attribute::active || !u.owns(a) || u.get(a).empty()) continue;
    write(o, a, u.get(a));
  }
  o["active"] = true;
  return o;
}

json::object scim_user_codec::put_body(const json::object& remote, const desired_user& u,
                                       std::uint32_t attributes, std::optional<bool> active) {
  json::object o(remote);
  for (const attribute a : all_attributes) {
    if (a == attribute::active || ((attributes >> static_cast<unsigned>(a)) & 1U) == 0) continue;
    write(o, a, u.get(a));
  }
  if (active) write_active(o, *active);
  return o;
}

json::object scim_user_codec::active_patch(bool active) {
  json::object value;
  value["active"] = active;
  json::object op;
  op["op"] = "replace";
  op["value"] = std::move(value);
  json::array ops;
  ops.emplace_back(std::move(op));
  json::array schemas;
  schemas.emplace_back(patch_schema);
  json::object o;
  o["schemas"] = std::move(schemas);
  o["Operations"] = std::move(ops);
  return o;
}

}  // namespace eightsync::core
