#include "emulator/user_schema.hpp"

#include <array>
#include <optional>
#include <string>

#include <boost/json/array.hpp>

namespace eightsync::emulator {

namespace json = boost::json;

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

namespace {

scim_error invalid(std::string detail) {
  return make_error(400, "invalidValue", std::move(detail));
}

// A present, non-null member, or nullptr. null counts as absent (SCIM: unassigned).
const json::value* present(const json::object& o, std::string_view key) {
  const auto* v = find_ci(o, key);
  return v && !v->is_null() ? v : nullptr;
}

constexpr std::array<std::string_view, 5> simple_strings{"displayName", "title", "locale", "timezone",
                                                         "preferredLanguage"};
constexpr std::array<std::string_view, 6> name_parts{"formatted",  "familyName",      "givenName",
                                                     "middleName", "honorificPrefix", "honorificSuffix"};
constexpr std::array<std::string_view, 11> canonical_order{
    "externalId", "userName",          "name",   "displayName", "title",       "locale",
    "timezone",   "preferredLanguage", "active", "emails",      "phoneNumbers"};

bool all_digits(std::string_view s) noexcept {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// externalId is a string. An account that types it as an integer (--external-id numeric) takes
// digits only, and a JSON integer >= 0 as its digits, so the store and filters see one type.
std::optional<scim_error> read_external_id(const json::object& in, external_id_mode ids, json::object& out) {
  const auto* v = present(in, "externalId");
  if (!v) return std::nullopt;
  if (ids == external_id_mode::any) {
    if (!v->is_string()) return invalid("externalId must be a string");
    out["externalId"] = v->as_string();
  } else if (v->is_uint64()) {
    out["externalId"] = std::to_string(v->as_uint64());
  } else if (v->is_int64() && v->as_int64() >= 0) {
    out["externalId"] = std::to_string(v->as_int64());
  } else if (v->is_string() && all_digits(v->as_string())) {
    out["externalId"] = v->as_string();
  } else {
    return invalid("externalId must be an integer (digits only) in this account");
  }
  return std::nullopt;
}

// The entry 8x8 keeps of several: the one of type work, else the primary one, else the first.
const json::object& kept_email(const json::array& emails) {
  for (const auto& e : emails) {
    const auto* type = e.as_object().if_contains("type");
    if (type && type->is_string() && ascii_iequals(type->as_string(), "work")) return e.as_object();
  }
  for (const auto& e : emails) {
    const auto* primary = e.as_object().if_contains("primary");
    if (primary && primary->is_bool() && primary->as_bool()) return e.as_object();
  }
  return emails.front().as_object();
}

// The emails of a user created without one: 8x8 fills in its no-reply address.
json::array filled_in_emails(const json::storage_ptr& sp) {
  json::object filled(sp);
  filled["value"] = fill_in_email;
  filled["type"] = "work";
  filled["primary"] = true;
  json::array one(sp);
  one.push_back(std::move(filled));
  return one;
}

}  // namespace

void keep_one_email(json::object& user) {
  auto* v = user.if_contains("emails");
  if (!v || !v->is_array()) return;
  if (v->as_array().empty()) {
    user.erase("emails");
    return;
  }
  const auto& kept = kept_email(v->as_array());
  json::object one(user.storage());
  one["value"] = kept.at("value");
  const auto* type = kept.if_contains("type");
  one["type"] = type && type->is_string() ? type->as_string() : json::string("work");
  one["primary"] = true;
  json::array emails(user.storage());
  emails.push_back(std::move(one));
  *v = std::move(emails);
}

const json::value* find_ci(const json::object& o, std::string_view key) noexcept {
  if (const auto* exact = o.if_contains(key)) return exact;
  for (const auto& kv : o) {
    if (ascii_iequals(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

boost::system::result<json::object, scim_error> normalise_user(const json::value& body, user_write mode,
                                                               const emulator_settings& settings,
                                                               json::storage_ptr sp) {
  const auto* in = body.if_object();
  if (!in) return make_error(400, "invalidSyntax", "the request body must be a SCIM User object");
  json::object out(sp);
  const bool strict = mode != user_write::seed;
  const std::string_view site_urn = settings.site_schema;

  // The seed is a back door for setting up state: it takes any string externalId, whatever
  // --external-id says.
  if (auto e = read_external_id(*in, strict ? settings.external_id : external_id_mode::any, out)) return *e;

  for (const auto key : simple_strings) {
    if (const auto* v = present(*in, key)) {
      if (!v->is_string()) return invalid(std::string(key) + " must be a string");
      out[key] = v->as_string();
    }
  }

  if (mode != user_write::replace) {
    const auto* v = present(*in, "userName");
    if (!v || !v->is_string() || v->as_string().empty())
      return invalid("userName is required (a non-empty string)");
    out["userName"] = v->as_string();
  }

  const auto* name = present(*in, "name");
  if (name && !name->is_object()) return invalid("name must be an object");
  json::object name_out(sp);
  if (name) {
    for (const auto key : name_parts) {
      if (const auto* v = present(name->as_object(), key)) {
        if (!v->is_string()) return invalid("name." + std::string(key) + " must be a string");
        name_out[key] = v->as_string();
      }
    }
  }
  if (strict) {
    for (const auto key : {std::string_view("givenName"), std::string_view("familyName")}) {
      const auto* v = name_out.if_contains(key);
      if (!v || v->as_string().empty()) return invalid("name." + std::string(key) + " is required");
    }
  }
  if (!name_out.empty()) out["name"] = std::move(name_out);

  if (const auto* v = present(*in, "active")) {
    if (!v->is_bool()) return invalid("active must be true or false");
    out["active"] = v->as_bool();
  }

  const auto* emails = present(*in, "emails");
  if (emails && !emails->is_array()) return invalid("emails must be an array");
  json::array emails_out(sp);
  if (emails) {
    for (const auto& e : emails->as_array()) {
      if (!e.is_object()) return invalid("each email must be an object");
      const auto* value = present(e.as_object(), "value");
      const auto* type = present(e.as_object(), "type");
      const auto* primary = present(e.as_object(), "primary");
      if (!value || !value->is_string() || value->as_string().empty())
        return invalid("email.value is required");
      if (type && !type->is_string()) return invalid("email.type must be a string");
      if (primary && !primary->is_bool()) return invalid("email.primary must be true or false");
      json::object eo(sp);
      eo["value"] = value->as_string();
      if (type) eo["type"] = type->as_string();
      if (primary) eo["primary"] = primary->as_bool();
      emails_out.push_back(std::move(eo));
    }
  }
  if (emails) out["emails"] = std::move(emails_out);
  // 8x8 keeps one email, and fills one in when a create has none; the seed keeps what it is given.
  if (strict) keep_one_email(out);
  if (mode == user_write::create && !out.contains("emails")) out["emails"] = filled_in_emails(sp);

  const auto* phones = present(*in, "phoneNumbers");
  if (phones && !phones->is_array()) return invalid("phoneNumbers must be an array");
  if (phones) {
    json::array phones_out(sp);
    for (const auto& p : phones->as_array()) {
      if (!p.is_object()) return invalid("each phoneNumber must be an object");
      const auto* value = present(p.as_object(), "value");
      const auto* type = present(p.as_object(), "type");
      const auto* primary = present(p.as_object(), "primary");
      if (!value || !value->is_string()) return invalid("phoneNumber.value is required");
      if (type && !type->is_string()) return invalid("phoneNumber.type must be a string");
      if (primary && !primary->is_bool()) return invalid("phoneNumber.primary must be true or false");
      // The work number belongs to 8x8's number inventory: SCIM writes of it are ignored.
      if (strict && type && ascii_iequals(type->as_string(), "work")) continue;
      json::object po(sp);
      po["value"] = value->as_string();
      if (type) po["type"] = type->as_string();
      if (primary) po["primary"] = primary->as_bool();
      phones_out.push_back(std::move(po));
    }
    out["phoneNumbers"] = std::move(phones_out);
  }

  if (const auto* ext = present(*in, enterprise_user_schema)) {
    if (!ext->is_object()) return invalid(std::string(enterprise_user_schema) + " must be an object");
    json::object eo(sp);
    if (const auto* d = present(ext->as_object(), "department")) {
      if (!d->is_string()) return invalid("department must be a string");
      eo["department"] = d->as_string();
    }
    if (!eo.empty()) out[enterprise_user_schema] = std::move(eo);
  }
  if (const auto* ext = present(*in, site_urn)) {
    if (!ext->is_object()) return invalid(std::string(site_urn) + " must be an object");
    json::object eo(sp);
    if (const auto* s = present(ext->as_object(), "site")) {
      if (!s->is_string()) return invalid("site must be a string");
      if (!s->as_string().empty()) eo["site"] = s->as_string();
    }
    if (!eo.empty()) out[site_urn] = std::move(eo);
  }
  return out;
}

json::object finish_user(json::object attrs, std::string_view id, json::object meta,
                         std::string_view site_urn) {
  json::object out(attrs.storage());
  out.reserve(attrs.size() + 3);
  json::array schemas({core_user_schema}, attrs.storage());
  if (attrs.contains(enterprise_user_schema)) schemas.push_back(json::string(enterprise_user_schema));
  if (attrs.contains(site_urn)) schemas.push_back(json::string(site_urn));
  out["schemas"] = std::move(schemas);
  out["id"] = id;
  for (const auto key : canonical_order) {
    if (auto* v = attrs.if_contains(key)) out[key] = std::move(*v);
  }
  for (const auto key : {enterprise_user_schema, site_urn}) {
    if (auto* v = attrs.if_contains(key)) out[key] = std::move(*v);
  }
  out["meta"] = std::move(meta);
  return out;
}

std::string user_site(const json::object& user, std::string_view site_urn) {
  const auto* ext = user.if_contains(site_urn);
  if (!ext || !ext->is_object()) return {};
  const auto* s = ext->as_object().if_contains("site");
  return s && s->is_string() ? std::string(s->as_string()) : std::string{};
}

void set_user_site(json::object& user, std::string_view site, std::string_view site_urn) {
  if (site.empty()) {
    if (auto* ext = user.if_contains(site_urn); ext && ext->is_object()) {
      ext->as_object().erase("site");
      if (ext->as_object().empty()) user.erase(site_urn);
    }
    return;
  }
  auto& ext = user[site_urn];
  if (!ext.is_object()) ext = json::object{};
  ext.as_object()["site"] = site;
}

}  // namespace eightsync::emulator
