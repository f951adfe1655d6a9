#include "connectors/scim_attribute_check.hpp"

#include <optional>
#include <string_view>

#include <boost/json/array.hpp>

namespace eightsync::connectors {

namespace json = boost::json;

namespace {

constexpr std::string_view enterprise_schema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr std::string_view x8_schema = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

bool iequals(std::string_view a, std::string_view b) noexcept {
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
    if (iequals(k, key)) return &v;
  }
  return nullptr;
}

const json::object* object_at(const json::object* o, std::string_view key) noexcept {
  const auto* v = find_ci(o, key);
  return v ? v->if_object() : nullptr;
}

// The value of the first element of the multi-valued `key` whose type is `type`.
const json::value* typed_value(const json::object* o, std::string_view key, std::string_view type) noexcept {
  const auto* arr = find_ci(o, key);
  if (!arr || !arr->is_array()) return nullptr;
  for (const auto& item : arr->as_array()) {
    const auto* io = item.if_object();
    const auto* t = find_ci(io, "type");
    if (t && t->is_string() && iequals(t->as_string(), type)) return find_ci(io, "value");
  }
  return nullptr;
}

bool is_empty(const json::value* v) noexcept {
  return !v || v->is_null() || (v->is_string() && v->as_string().empty());
}

std::optional<bool> as_bool(const json::value* v) noexcept {
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string() && iequals(v->as_string(), "true")) return true;
  if (v->is_string() && iequals(v->as_string(), "false")) return false;
  return std::nullopt;
}

// Whether `got` shows `want` as applied.
bool same(const json::value* want, const json::value* got, bool case_insensitive) noexcept {
  if (is_empty(want)) return is_empty(got);
  if (!got) return false;
  if (want->is_string() && got->is_string()) {
    return case_insensitive ? iequals(want->as_string(), got->as_string())
                            : want->as_string() == got->as_string();
  }
  return *want == *got;
}

}  // namespace

std::vector<std::string> attributes_not_applied(const json::object& sent, const json::object& answer) {
  std::vector<std::string> out;
  const auto check = [&](std::string path, const json::value* want, const json::value* got, bool ci = false) {
    if (want && !same(want, got, ci)) out.push_back(std::move(path));
  };

  check("userName", find_ci(&sent, "userName"), find_ci(&answer, "userName"), true);
  if (const auto* name = object_at(&sent, "name")) {
    const auto* got = object_at(&answer, "name");
    for (const auto& [k, v] : *name)
      check("name." + std::string(k), &v, find_ci(got, k));
  }
  check(R"(emails[type eq "work"].value)", typed_value(&sent, "emails", "work"),
        typed_value(&answer, "emails", "work"), true);
  for (const std::string_view key : {"externalId", "title", "locale", "timezone"}) {
    check(std::string(key), find_ci(&sent, key), find_ci(&answer, key));
  }
  check(std::string(enterprise_schema) + ":department",
        find_ci(object_at(&sent, enterprise_schema), "department"),
        find_ci(object_at(&answer, enterprise_schema), "department"));
  check(std::string(x8_schema) + ":site", find_ci(object_at(&sent, x8_schema), "site"),
        find_ci(object_at(&answer, x8_schema), "site"));
  if (const auto* want = find_ci(&sent, "active")) {
    const auto w = as_bool(want);
    const auto g = as_bool(find_ci(&answer, "active"));
    if (w && w != g) out.emplace_back("active");
  }
  check(R"(phoneNumbers[type eq "mobile"].value)", typed_value(&sent, "phoneNumbers", "mobile"),
        typed_value(&answer, "phoneNumbers", "mobile"));
  return out;
}

}  // namespace eightsync::connectors
