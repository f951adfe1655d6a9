#include "core/remote_user.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/scim_user_codec.hpp"

namespace eightsync::core {

namespace json = boost::json;

namespace {

// Members to_object() rebuilds from the stored values (bit set) instead of the JSON text.
enum rebuilt_bit : std::uint32_t {
  m_id = 1U << 0,
  m_user_name = 1U << 1,
  m_external_id = 1U << 2,
  m_title = 1U << 3,
  m_locale = 1U << 4,
  m_timezone = 1U << 5,
  m_active = 1U << 6,
  m_name = 1U << 7,
  m_given = 1U << 8,   // name.givenName is present (with m_name)
  m_family = 1U << 9,  // name.familyName is present (with m_name)
  m_emails = 1U << 10,
  m_phones = 1U << 11,
  m_enterprise = 1U << 12,
  m_x8 = 1U << 13,
  m_schemas = 1U << 14,
};

struct simple_member {
  std::string_view key;
  attribute attr;
  std::uint32_t bit;
};
constexpr std::array<simple_member, 5> simple_members{{
    {"userName", attribute::user_name, m_user_name},
    {"externalId", attribute::external_id, m_external_id},
    {"title", attribute::title, m_title},
    {"locale", attribute::locale, m_locale},
    {"timezone", attribute::timezone, m_timezone},
}};

constexpr std::array<std::string_view, 3> known_schemas{
    scim_user_codec::core_schema, scim_user_codec::enterprise_schema, scim_user_codec::x8_schema};

bool only_string_members(const json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    bool ok = false;
    for (const auto k : allowed)
      ok = ok || kv.key() == k;
    if (!ok || !kv.value().is_string()) return false;
  }
  return true;
}

// [{"value": "...", "type": TYPE[, "primary": true when `primary`]}], nothing else.
bool is_single_entry(const json::value& v, std::string_view type, bool primary) {
  const auto* arr = v.if_array();
  if (!arr || arr->size() != 1) return false;
  const auto* e = (*arr)[0].if_object();
  if (!e || e->size() != (primary ? 3U : 2U)) return false;
  const auto* value = e->if_contains("value");
  const auto* t = e->if_contains("type");
  if (!value || !value->is_string() || !t || !t->is_string() || t->get_string() != type) return false;
  if (!primary) return true;
  const auto* p = e->if_contains("primary");
  return p && p->is_bool() && p->get_bool();
}

// The schemas code (2 bits per URN, 1-based index into known_schemas), or nullopt.
std::optional<std::uint8_t> schemas_code(const json::value& v) {
  const auto* arr = v.if_array();
  if (!arr || arr->size() > known_schemas.size()) return std::nullopt;
  std::uint8_t code = 0;
  unsigned seen = 0;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto* s = (*arr)[i].if_string();
    if (!s) return std::nullopt;
    unsigned which = 0;
    for (unsigned k = 0; k < known_schemas.size(); ++k) {
      if (*s == known_schemas[k]) which = k + 1;
    }
    if (which == 0 || (seen & (1U << which)) != 0) return std::nullopt;
    seen |= 1U << which;
    code = static_cast<std::uint8_t>(code | (which << (2 * i)));
  }
  return code;
}

}  // namespace

expected<remote_user, std::string> remote_user::from_object(const json::object& user, time_point fetched_at) {
  const std::string_view id = scim_user_codec::read_id(user);
  if (id.empty()) return unexpected<std::string>{"the 8x8 user object has no string \"id\""};

  remote_user r;
  r.fetched_at_ = fetched_at;
  r.active_ = scim_user_codec::read_active(user).value_or(true);

  std::array<std::string_view, value_count> values{};
  std::size_t size = id.size();
  for (std::size_t i = 0; i < value_count; ++i) {
    values[i] = scim_user_codec::read(user, static_cast<attribute>(i));
    size += values[i].size();
  }

  // Which members are in the shape to_object() rebuilds exactly.
  std::uint32_t rebuilt = 0;
  std::uint8_t schemas = 0;
  for (const auto& kv : user) {
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    if (key == "id") {
      if (v.is_string()) rebuilt |= m_id;
    } else if (key == "active") {
      if (v.is_bool()) rebuilt |= m_active;
    } else if (key == "name") {
      const auto* o = v.if_object();
      if (o && only_string_members(*o, {"givenName", "familyName"})) {
        rebuilt |=
            m_name | (o->contains("givenName") ? m_given : 0U) | (o->contains("familyName") ? m_family : 0U);
      }
    } else if (key == "emails") {
      if (is_single_entry(v, "work", true)) rebuilt |= m_emails;
    } else if (key == "phoneNumbers") {
      if (is_single_entry(v, "mobile", false)) rebuilt |= m_phones;
    } else if (key == scim_user_codec::enterprise_schema) {
      const auto* o = v.if_object();
      if (o && o->size() == 1 && only_string_members(*o, {"department"})) rebuilt |= m_enterprise;
    } else if (key == scim_user_codec::x8_schema) {
      const auto* o = v.if_object();
      if (o && o->size() == 1 && only_string_members(*o, {"site"})) rebuilt |= m_x8;
    } else if (key == "schemas") {
      if (const auto code = schemas_code(v)) {
        rebuilt |= m_schemas;
        schemas = *code;
      }
    } else {
      for (const auto& m : simple_members) {
        if (key == m.key && v.is_string()) rebuilt |= m.bit;
      }
    }
  }

  // Everything else, as compact JSON text ("" when nothing is left).
  std::string rest;
  const auto bit_of = [&](std::string_view key) -> std::uint32_t {
    if (key == "id") return m_id;
    if (key == "active") return m_active;
    if (key == "name") return m_name;
    if (key == "emails") return m_emails;
    if (key == "phoneNumbers") return m_phones;
    if (key == scim_user_codec::enterprise_schema) return m_enterprise;
    if (key == scim_user_codec::x8_schema) return m_x8;
    if (key == "schemas") return m_schemas;
    for (const auto& m : simple_members) {
      if (key == m.key) return m.bit;
    }
    return 0;
  };
  for (const auto& kv : user) {
    if ((rebuilt & bit_of(kv.key())) != 0) continue;
    rest += rest.empty() ? '{' : ',';
    rest += json::serialize(kv.key());
    rest += ':';
    rest += json::serialize(kv.value());
  }
  if (!rest.empty()) rest += '}';

  r.buffer_.reserve(size + rest.size());
  r.buffer_.append(id);
  r.ends_[0] = static_cast<std::uint32_t>(r.buffer_.size());
  for (std::size_t i = 0; i < value_count; ++i) {
    r.buffer_.append(values[i]);
    r.ends_[i + 1] = static_cast<std::uint32_t>(r.buffer_.size());
  }
  r.buffer_.append(rest);
  r.ends_[slot_count - 1] = static_cast<std::uint32_t>(r.buffer_.size());
  r.rebuilt_ = rebuilt;
  r.schemas_ = schemas;
  return r;
}

expected<remote_user, std::string> remote_user::from_json(std::string_view json_text, time_point fetched_at) {
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec) return unexpected<std::string>{"the stored 8x8 user is not valid JSON: " + ec.message()};
  if (!v.is_object()) return unexpected<std::string>{"the stored 8x8 user is not a JSON object"};
  return from_object(v.get_object(), fetched_at);
}

json::object remote_user::to_object() const {
  json::object o;
  const auto value = [&](attribute a) { return json::string(get(a)); };
  if (rebuilt_ & m_schemas) {
    json::array arr;
    for (unsigned i = 0; i < known_schemas.size(); ++i) {
      const unsigned which = (schemas_ >> (2 * i)) & 3U;
      if (which != 0) arr.emplace_back(known_schemas[which - 1]);
    }
    o["schemas"] = std::move(arr);
  }
  if (rebuilt_ & m_id) o["id"] = json::string(id());
  for (const auto& m : simple_members) {
    if (rebuilt_ & m.bit) o[m.key] = value(m.attr);
  }
  if (rebuilt_ & m_name) {
    json::object name;
    if (rebuilt_ & m_given) name["givenName"] = value(attribute::given_name);
    if (rebuilt_ & m_family) name["familyName"] = value(attribute::family_name);
    o["name"] = std::move(name);
  }
  if (rebuilt_ & m_active) o["active"] = active_;
  if (rebuilt_ & m_emails) {
    json::object e;
    e["value"] = value(attribute::email);
    e["type"] = "work";
    e["primary"] = true;
    json::array arr;
    arr.emplace_back(std::move(e));
    o["emails"] = std::move(arr);
  }
  if (rebuilt_ & m_phones) {
    json::object p;
    p["value"] = value(attribute::mobile_phone);
    p["type"] = "mobile";
    json::array arr;
    arr.emplace_back(std::move(p));
    o["phoneNumbers"] = std::move(arr);
  }
  if (rebuilt_ & m_enterprise) {
    json::object e;
    e["department"] = value(attribute::department);
    o[scim_user_codec::enterprise_schema] = std::move(e);
  }
  if (rebuilt_ & m_x8) {
    json::object e;
    e["site"] = value(attribute::site);
    o[scim_user_codec::x8_schema] = std::move(e);
  }
  const std::string_view rest = slot(slot_count - 1);
  if (!rest.empty()) {
    // Written by from_object from a valid object, so it parses.
    json::value extra = json::parse(rest);
    for (auto& kv : extra.get_object())
      o[kv.key()] = std::move(kv.value());
  }
  return o;
}

namespace {

// `s` as a JSON string, escaped as boost::json::serialize escapes it.
void append_quoted(std::string& out, std::string_view s) {
  const bool plain = std::none_of(s.begin(), s.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += json::serialize(json::string_view(s.data(), s.size()));
  }
}

}  // namespace

std::string remote_user::to_json() const {
  std::string out;
  append_json(out);
  return out;
}

void remote_user::append_json(std::string& out) const {
  // The members in to_object()'s order, then the kept JSON text's members as they are (it was
  // written by boost::json::serialize, and parsing and serializing it again gives it back).
  // No DOM: a full cycle writes one of these per listed user to compare with the stored copy.
  out.reserve(out.size() + buffer_.size() + 400);
  out += '{';
  bool first = true;
  const auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    append_quoted(out, k);
    out += ':';
  };
  if (rebuilt_ & m_schemas) {
    key("schemas");
    out += '[';
    bool any = false;
    for (unsigned i = 0; i < known_schemas.size(); ++i) {
      const unsigned which = (schemas_ >> (2 * i)) & 3U;
      if (which == 0) continue;
      if (any) out += ',';
      any = true;
      append_quoted(out, known_schemas[which - 1]);
    }
    out += ']';
  }
  if (rebuilt_ & m_id) {
    key("id");
    append_quoted(out, id());
  }
  for (const auto& m : simple_members) {
    if (rebuilt_ & m.bit) {
      key(m.key);
      append_quoted(out, get(m.attr));
    }
  }
  if (rebuilt_ & m_name) {
    key("name");
    out += '{';
    if (rebuilt_ & m_given) {
      out += "\"givenName\":";
      append_quoted(out, get(attribute::given_name));
    }
    if (rebuilt_ & m_family) {
      if (rebuilt_ & m_given) out += ',';
      out += "\"familyName\":";
      append_quoted(out, get(attribute::family_name));
    }
    out += '}';
  }
  if (rebuilt_ & m_active) {
    key("active");
    out += active_ ? "true" : "false";
  }
  if (rebuilt_ & m_emails) {
    key("emails");
    out += "[{\"value\":";
    append_quoted(out, get(attribute::email));
    out += ",\"type\":\"work\",\"primary\":true}]";
  }
  if (rebuilt_ & m_phones) {
    key("phoneNumbers");
    out += "[{\"value\":";
    append_quoted(out, get(attribute::mobile_phone));
    out += ",\"type\":\"mobile\"}]";
  }
  if (rebuilt_ & m_enterprise) {
    key(scim_user_codec::enterprise_schema);
    out += "{\"department\":";
    append_quoted(out, get(attribute::department));
    out += '}';
  }
  if (rebuilt_ & m_x8) {
    key(scim_user_codec::x8_schema);
    out += "{\"site\":";
    append_quoted(out, get(attribute::site));
    out += '}';
  }
  const std::string_view rest = slot(slot_count - 1);
  if (rest.size() > 2) {  // "{…}" with at least one member
    if (!first) out += ',';
    out += rest.substr(1, rest.size() - 2);
  }
  out += '}';
}

}  // namespace eightsync::core
