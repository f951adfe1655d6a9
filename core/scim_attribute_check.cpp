#include "core/scim_attribute_check.hpp"

#include <array>
#include <optional>
#include <string_view>

#include <boost/json/array.hpp>

#include "core/attribute_table.hpp"

namespace eightsync::core {

namespace json = boost::json;

namespace {

// The order the paths are reported in: the table's, but with `active` before the mobile phone,
// as the check listed them before the table existed (they reach logs, audit rows and manual
// action keys, which must not change).
constexpr std::array<attribute, attribute_count> check_order{
    attribute::user_name,   attribute::given_name, attribute::family_name, attribute::email,
    attribute::external_id, attribute::title,      attribute::locale,      attribute::timezone,
    attribute::department,  attribute::site,       attribute::active,      attribute::mobile_phone};

constexpr bool checks_every_attribute_once() noexcept {
  for (std::size_t i = 0; i < attribute_count; ++i) {
    std::size_t seen = 0;
    for (const attribute a : check_order)
      seen += static_cast<std::size_t>(a) == i ? 1 : 0;
    if (seen != 1) return false;
  }
  return true;
}
static_assert(checks_every_attribute_once(), "check_order must list every attribute exactly once");

// ASCII case folding only: the answer check has always folded ASCII, unlike the codec's
// Latin-1-aware iequals; kept so the paths reported do not change.
bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const json::value* find_ci(const json::object* o, std::string_view key) noexcept {
  if (!o) return nullptr;
  if (const auto* v = o->if_contains(key)) return v;
  for (const auto& [k, v] : *o) {
    if (ascii_iequals(k, key)) return &v;
  }
  return nullptr;
}

const json::object* object_at(const json::object* o, std::string_view key) noexcept {
  const auto* v = find_ci(o, key);
  return v ? v->if_object() : nullptr;
}

// The value at `at` in `o`. A typed entry is the first entry of its type, whatever its entry
// rule: a PUT sends the entry of the type, and that is the one to find in the answer.
const json::value* value_at(const json::object* o, const scim_location& at) noexcept {
  switch (at.kind) {
    case scim_location_kind::member:
      return find_ci(o, at.name);
    case scim_location_kind::sub_member:
    case scim_location_kind::extension_member:
      return find_ci(object_at(o, at.container), at.name);
    case scim_location_kind::typed_entry: {
      const auto* arr = find_ci(o, at.container);
      if (!arr || !arr->is_array()) return nullptr;
      for (const auto& item : arr->as_array()) {
        const auto* io = item.if_object();
        const auto* t = find_ci(io, "type");
        if (t && t->is_string() && ascii_iequals(t->as_string(), at.type)) return find_ci(io, at.name);
      }
      return nullptr;
    }
  }
  return nullptr;
}

bool is_empty(const json::value* v) noexcept {
  return !v || v->is_null() || (v->is_string() && v->as_string().empty());
}

std::optional<bool> as_bool(const json::value* v) noexcept {
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string() && ascii_iequals(v->as_string(), "true")) return true;
  if (v->is_string() && ascii_iequals(v->as_string(), "false")) return false;
  return std::nullopt;
}

// Whether `got` shows `want` as applied.
bool same(const json::value* want, const json::value* got, case_rule rule) noexcept {
  if (is_empty(want)) return is_empty(got);
  if (!got) return false;
  if (want->is_string() && got->is_string()) {
    return rule == case_rule::ignore_case ? ascii_iequals(want->as_string(), got->as_string())
                                          : want->as_string() == got->as_string();
  }
  return *want == *got;
}

// The case rule of sub-member `name` of `container`: its row's, exact for a member eightsync
// does not map.
case_rule sub_member_rule(std::string_view container, std::string_view name) noexcept {
  for (const auto& row : attribute_rows) {
    for (const auto& at : row.read) {
      if (at.kind == scim_location_kind::sub_member && at.container == container && at.name == name) {
        return row.compare;
      }
    }
  }
  return case_rule::exact;
}

}  // namespace

std::vector<std::string> attributes_not_applied(const json::object& sent, const json::object& answer) {
  std::vector<std::string> out;
  std::array<std::string_view, attribute_count * max_read_locations> complex_done{};
  std::size_t complex_count = 0;
  for (const attribute a : check_order) {
    const attribute_row& row = attribute_row_of(a);
    for (const scim_location& at : row.read) {
      if (at.kind == scim_location_kind::sub_member) {
        // A PUT carries the complete object, so every member of a complex member sent is
        // checked once, mapped or not, in the order sent, with the first of its rows.
        bool done = false;
        for (std::size_t i = 0; i < complex_count; ++i)
          done = done || complex_done[i] == at.container;
        if (done) continue;
        complex_done[complex_count++] = at.container;
        const json::object* want = object_at(&sent, at.container);
        if (!want) continue;
        const json::object* got = object_at(&answer, at.container);
        for (const auto& [k, v] : *want) {
          if (!same(&v, find_ci(got, k), sub_member_rule(at.container, k))) {
            out.push_back(std::string(at.container) + "." + std::string(k));
          }
        }
        continue;
      }
      const json::value* want = value_at(&sent, at);
      if (!want) continue;
      const json::value* got = value_at(&answer, at);
      if (row.value == value_type::flag) {
        // A flag is applied when the answer holds the same boolean; a value sent that is not a
        // boolean cannot be judged.
        const auto w = as_bool(want);
        if (w && w != as_bool(got)) out.push_back(scim_path(at));
        continue;
      }
      if (!same(want, got, row.compare)) out.push_back(scim_path(at));
    }
  }
  return out;
}

}  // namespace eightsync::core
