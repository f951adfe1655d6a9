#include "core/scim_user_codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "core/text.hpp"

namespace eightsync::core {

namespace json = boost::json;

namespace {

// Where `active` sits (a top-level member: asserted in attribute_table.hpp).
constexpr std::string_view active_member = attribute_row_of(attribute::active).read.front().name;

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

// Index of the entry of the multi-valued `arr` that `rule` picks for `type` (see entry_rule);
// -1 when none.
std::ptrdiff_t entry_index(const json::array& arr, std::string_view type, entry_rule rule) noexcept {
  std::ptrdiff_t primary = -1;
  std::ptrdiff_t first = -1;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto* e = arr[i].if_object();
    if (!e) continue;
    if (first < 0) first = static_cast<std::ptrdiff_t>(i);
    if (iequals(as_text(member(e, "type")), type)) return static_cast<std::ptrdiff_t>(i);
    if (rule == entry_rule::of_type) continue;
    const auto* p = member(e, "primary");
    if (primary < 0 && p && p->is_bool() && p->get_bool()) primary = static_cast<std::ptrdiff_t>(i);
  }
  if (rule == entry_rule::of_type) return -1;
  return primary >= 0 ? primary : first;
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

// Writes the value (member `at.name`) of the entry of `at.container` that `at` picks, adding one
// of type `at.type` when there is none, and removing the entry when `value` is empty.
void write_entry(json::object& o, const scim_location& at, std::string_view value) {
  const json::value* found = member(&o, at.container);
  const std::ptrdiff_t i =
      found && found->is_array() ? entry_index(found->get_array(), at.type, at.entry) : -1;
  if (value.empty()) {
    json::value* v = member(o, at.container);
    if (v && v->is_array() && i >= 0) {
      if (at.entry == entry_rule::only_entry) {
        v->get_array().clear();
      } else {
        v->get_array().erase(v->get_array().begin() + i);
      }
    }
    return;
  }
  json::array& arr = array_at(o, at.container);
  if (i >= 0) {
    json::object& e = arr[static_cast<std::size_t>(i)].get_object();
    set_or_erase(e, at.name, value);
    if (at.entry == entry_rule::only_entry) {
      // 8x8 keeps one email: send exactly the one written, so the request says what 8x8 keeps.
      json::value kept = std::move(arr[static_cast<std::size_t>(i)]);
      arr.clear();
      arr.emplace_back(std::move(kept));
    }
    return;
  }
  if (at.entry == entry_rule::only_entry) arr.clear();
  json::object e(o.storage());
  e[at.name] = json::string(value, o.storage());
  e["type"] = at.type;
  if (at.entry == entry_rule::only_entry) e["primary"] = true;
  arr.emplace_back(std::move(e));
}

// The string at `at` in `user` (see scim_user_codec::read_at). Here, with internal linkage, so
// that the hot read() can have it inlined.
std::string_view value_at(const json::object& user, const scim_location& at) noexcept {
  switch (at.kind) {
    case scim_location_kind::member:
      return as_text(member(&user, at.name));
    case scim_location_kind::sub_member:
    case scim_location_kind::extension_member:
      return as_text(member(object_member(&user, at.container), at.name));
    case scim_location_kind::typed_entry: {
      const auto* arr = member(&user, at.container);
      if (!arr || !arr->is_array()) return {};
      const std::ptrdiff_t i = entry_index(arr->get_array(), at.type, at.entry);
      if (i < 0) return {};
      return as_text(member(arr->get_array()[static_cast<std::size_t>(i)].if_object(), at.name));
    }
  }
  return {};
}

}  // namespace

std::string_view scim_user_codec::read_at(const json::object& user, const scim_location& at) noexcept {
  return value_at(user, at);
}

std::string_view scim_user_codec::read(const json::object& user, const attribute_row& row) noexcept {
  if (row.value != value_type::text) return {};
  // 8x8 spells some extensions two ways: the first location that holds a value is the one the
  // account uses.
  for (const auto& at : row.read) {
    const std::string_view v = value_at(user, at);
    if (!v.empty()) return v;
  }
  return {};
}

std::array<std::string_view, max_read_locations> scim_user_codec::read_each(const json::object& user,
                                                                            attribute a) noexcept {
  std::array<std::string_view, max_read_locations> out{};
  const attribute_row& row = attribute_row_of(a);
  if (row.value != value_type::text) return out;
  for (std::size_t i = 0; i < row.read.size(); ++i)
    out[i] = value_at(user, row.read[i]);
  return out;
}

bool scim_user_codec::conflicting(const json::object& user, attribute a) noexcept {
  if (attribute_row_of(a).read.size() < 2) return false;
  const auto values = read_each(user, a);
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = i + 1; j < values.size(); ++j) {
      if (!is_blank(values[i]) && !is_blank(values[j]) && !same(a, values[i], values[j])) return true;
    }
  }
  return false;
}

std::vector<std::string_view> scim_user_codec::entry_values(const json::object& user, attribute a) {
  std::vector<std::string_view> out;
  const scim_location& at = attribute_row_of(a).read.front();
  if (at.kind != scim_location_kind::typed_entry) return out;
  const auto* arr = member(&user, at.container);
  if (!arr || !arr->is_array()) return out;
  for (const auto& e : arr->get_array()) {
    if (const auto v = as_text(member(e.if_object(), at.name)); !v.empty()) out.push_back(v);
  }
  return out;
}

bool scim_user_codec::other_entries(const json::object& user, attribute a) noexcept {
  const scim_location& at = attribute_row_of(a).read.front();
  if (at.kind != scim_location_kind::typed_entry || at.entry != entry_rule::only_entry) return false;
  const auto* arr = member(&user, at.container);
  return arr && arr->is_array() && arr->get_array().size() > 1;
}

std::string_view scim_user_codec::read(const json::object& user, attribute a) noexcept {
  const attribute_row& row = attribute_row_of(a);
  // The usual case, one location, without the loop: this runs for every attribute of every
  // listed user.
  if (row.value == value_type::text && row.read.size() == 1) return value_at(user, row.read.front());
  return read(user, row);
}

std::optional<bool> scim_user_codec::read_active(const json::object& user) noexcept {
  const auto* v = member(&user, active_member);
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (iequals(as_text(v), "true")) return true;
  if (iequals(as_text(v), "false")) return false;
  return std::nullopt;
}

std::string_view scim_user_codec::read_id(const json::object& user) noexcept {
  return as_text(user.if_contains("id"));
}

void scim_user_codec::write(json::object& user, const attribute_row& row, std::string_view value,
                            std::string_view site_urn) {
  if (row.value != value_type::text) return;
  const scim_location& at = write_location(row, site_urn);
  switch (at.kind) {
    case scim_location_kind::member:
      set_or_erase(user, at.name, value);
      return;
    case scim_location_kind::sub_member:
      set_or_erase(object_at(user, at.container), at.name, value);
      return;
    case scim_location_kind::extension_member:
      // SCIM expects every extension an object carries to be listed in its `schemas`.
      if (!value.empty()) add_schema(user, at.container);
      set_or_erase(object_at(user, at.container), at.name, value);
      return;
    case scim_location_kind::typed_entry:
      write_entry(user, at, value);
      return;
  }
}

void scim_user_codec::write(json::object& user, attribute a, std::string_view value,
                            std::string_view site_urn) {
  write(user, attribute_row_of(a), value, site_urn);
}

void scim_user_codec::write_active(json::object& user, bool active) {
  if (json::value* v = member(user, active_member)) {
    *v = active;
  } else {
    user[active_member] = active;
  }
}

bool scim_user_codec::same(attribute a, std::string_view desired, std::string_view remote) noexcept {
  desired = planner_trim(desired);
  remote = planner_trim(remote);
  const attribute_row& row = attribute_row_of(a);
  // 8x8 fills in its placeholder for a value never sent: writing "" again would change nothing.
  if (desired.empty() && !row.placeholder.empty() && iequals(remote, row.placeholder)) return true;
  switch (row.compare) {
    case case_rule::ignore_case:
      return iequals(desired, remote);
    case case_rule::exact:
      return desired == remote;
  }
  return desired == remote;
}

json::object scim_user_codec::create_body(const desired_user& u, std::string_view site_urn, bool active) {
  json::object o;
  json::array schemas;
  schemas.emplace_back(core_schema_urn);
  o["schemas"] = std::move(schemas);
  for (const auto& row : attribute_rows) {
    const attribute a = row.attr;
    if (row.value != value_type::text || !u.owns(a) || u.get(a).empty()) continue;
    write(o, row, u.get(a), site_urn);
  }
  o[active_member] = active;
  return o;
}

json::object scim_user_codec::put_body(const json::object& remote, const desired_user& u,
                                       std::uint32_t attributes, std::optional<bool> active,
                                       std::string_view site_urn) {
  json::object o(remote);
  for (const auto& row : attribute_rows) {
    const attribute a = row.attr;
    if (row.value != value_type::text || ((attributes >> static_cast<unsigned>(a)) & 1U) == 0) continue;
    write(o, row, u.get(a), site_urn);
  }
  // Always sent, never left to 8x8: what a PUT without `active` does is undocumented, and a
  // server that clears what a PUT leaves out would deactivate the user. The user's own value,
  // as listed; HR's when the listed object has none.
  write_active(o, active ? *active : read_active(remote).value_or(u.active));
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

std::optional<std::uint64_t> scim_user_codec::total_results(const boost::json::object& page) noexcept {
  const boost::json::value* v = page.if_contains("totalResults");
  if (!v) return std::nullopt;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  return std::nullopt;
}

}  // namespace eightsync::core
