#include "core/remote_user.hpp"

#include <algorithm>
#include <bit>
#include <optional>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/attribute_table.hpp"
#include "core/scim_user_codec.hpp"

namespace eightsync::core {

namespace json = boost::json;

namespace {

// Which members to_object() rebuilds from the stored values, derived from attribute_rows at
// compile time: each text attribute's top-level members, its complex members (`name`) and
// extension objects (each a group of members), and its typed entries (`emails`, type work).
// Each gets a bit in remote_user::rebuilt_, set when the member is in the usual shape.

// A member rebuilt from the value of `attr`. `shared`: the attribute has other read locations,
// so this one is rebuilt only when it holds the value read (the first non-empty one).
struct rebuilt_member {
  std::string_view key;  // the member's name (a typed entry: its container, `emails`)
  attribute attr{};
  bool shared = false;
  std::uint32_t bit = 0;
  scim_location at{};  // where it was read from
};

// A complex member or an extension object, rebuilt from its members' values: `name` with only
// `givenName` and `familyName` (either may be absent, as before the table), an extension with
// exactly the members the table gives it (one each today). An extension's URN is also one of
// the `schemas` entries remote_user rebuilds.
struct rebuilt_group {
  std::string_view key;  // `name`, or the extension's URN
  bool extension = false;
  std::uint32_t bit = 0;
  std::array<rebuilt_member, attribute_count> members{};
  std::size_t count = 0;
};

constexpr std::uint32_t m_id = 1U << 0;
constexpr std::uint32_t m_active = 1U << 1;
constexpr std::uint32_t m_schemas = 1U << 2;
constexpr unsigned first_free_bit = 3;

constexpr std::string_view active_key = attribute_row_of(attribute::active).read.front().name;
static_assert(static_cast<std::size_t>(attribute::active) + 1 == attribute_count &&
                  attribute_row_of(attribute::active).value == value_type::flag,
              "the value slots are the attributes before active, the last and only flag");

constexpr std::size_t count_text_locations(scim_location_kind kind) noexcept {
  std::size_t n = 0;
  for (const auto& row : attribute_rows) {
    for (const auto& at : row.read)
      n += row.value == value_type::text && at.kind == kind ? 1 : 0;
  }
  return n;
}

constexpr bool is_group_kind(scim_location_kind kind) noexcept {
  return kind == scim_location_kind::sub_member || kind == scim_location_kind::extension_member;
}

// How many distinct complex members and extension objects the text rows read from.
constexpr std::size_t count_groups() noexcept {
  std::array<std::string_view, attribute_count * max_read_locations> seen{};
  std::size_t n = 0;
  for (const auto& row : attribute_rows) {
    if (row.value != value_type::text) continue;
    for (const auto& at : row.read) {
      if (!is_group_kind(at.kind)) continue;
      bool known = false;
      for (std::size_t i = 0; i < n; ++i)
        known = known || seen[i] == at.container;
      if (!known) seen[n++] = at.container;
    }
  }
  return n;
}

constexpr std::size_t simple_count = count_text_locations(scim_location_kind::member);
constexpr std::size_t entry_count = count_text_locations(scim_location_kind::typed_entry);
constexpr std::size_t group_count = count_groups();

struct rebuild_layout {
  std::array<rebuilt_member, simple_count> simple{};        // top-level strings, in table order
  std::array<rebuilt_member, entry_count> entries{};        // single typed entries, in table order
  std::array<rebuilt_group, group_count> groups{};          // complex members, then extensions
  std::array<std::string_view, 1 + group_count> schemas{};  // the core URN, then each extension's
  std::size_t schema_count = 1;
  unsigned bits_used = first_free_bit;
};

constexpr rebuild_layout make_layout() noexcept {
  rebuild_layout out;
  unsigned next = first_free_bit;
  // Past 32 bits there is no bit to give; bits_used says so, and a static_assert stops the build.
  const auto take_bit = [&next] {
    const std::uint32_t bit = next < 32 ? 1U << next : 0U;
    ++next;
    return bit;
  };
  std::size_t s = 0;
  std::size_t e = 0;
  for (const auto& row : attribute_rows) {
    if (row.value != value_type::text) continue;
    for (const auto& at : row.read) {
      if (at.kind == scim_location_kind::member) {
        out.simple[s++] = {at.name, row.attr, row.read.size() > 1, take_bit(), at};
      } else if (at.kind == scim_location_kind::typed_entry) {
        out.entries[e++] = {at.container, row.attr, row.read.size() > 1, take_bit(), at};
      }
    }
  }
  // Complex members first, then extensions: the order to_object() writes them in.
  std::size_t g = 0;
  for (const bool extension : {false, true}) {
    const auto kind = extension ? scim_location_kind::extension_member : scim_location_kind::sub_member;
    for (const auto& row : attribute_rows) {
      if (row.value != value_type::text) continue;
      for (const auto& at : row.read) {
        if (at.kind != kind) continue;
        std::size_t i = 0;
        while (i < g && out.groups[i].key != at.container)
          ++i;
        if (i == g) {
          out.groups[g++] = {at.container, extension, take_bit(), {}, 0};
          if (extension) out.schemas[out.schema_count++] = at.container;
        }
        rebuilt_group& group = out.groups[i];
        group.members[group.count++] = {at.name, row.attr, row.read.size() > 1, take_bit(), at};
      }
    }
  }
  out.schemas[0] = core_schema_urn;
  out.bits_used = next;
  return out;
}

constexpr rebuild_layout layout = make_layout();

// Each top-level key is rebuilt by one rule only.
constexpr bool keys_distinct() noexcept {
  std::array<std::string_view, 3 + simple_count + entry_count + group_count> keys{"id", "schemas",
                                                                                  active_key};
  std::size_t n = 3;
  for (const auto& m : layout.simple)
    keys[n++] = m.key;
  for (const auto& m : layout.entries)
    keys[n++] = m.key;
  for (const auto& g : layout.groups)
    keys[n++] = g.key;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (keys[i] == keys[j]) return false;
    }
  }
  return true;
}

// `schemas` is kept as a code: one index into layout.schemas (1-based; 0: none) per position.
constexpr unsigned schema_code_bits = std::bit_width(layout.schema_count);
constexpr std::uint16_t schema_code_mask = static_cast<std::uint16_t>((1U << schema_code_bits) - 1);

static_assert(layout.bits_used <= 32, "remote_user::rebuilt_ has one bit per rebuilt member: widen it");
static_assert(keys_distinct(),
              "a top-level member is rebuilt by one rule: one attribute per multi-valued member, and no "
              "complex member or extension shares a name with another member");
static_assert(layout.schema_count * schema_code_bits <= 16,
              "remote_user::schemas_ holds one code per known schema URN: widen it");

// The value of `v` when it is [{"<at.name>": "...", "type": <at.type>[, "primary": true for
// only_entry]}] and nothing else; nullptr otherwise.
const json::string* single_entry_value(const json::value& v, const scim_location& at) {
  const bool primary = at.entry == entry_rule::only_entry;
  const auto* arr = v.if_array();
  if (!arr || arr->size() != 1) return nullptr;
  const auto* e = (*arr)[0].if_object();
  if (!e || e->size() != (primary ? 3U : 2U)) return nullptr;
  const auto* value = e->if_contains(at.name);
  const auto* t = e->if_contains("type");
  if (!value || !value->is_string() || !t || !t->is_string() || t->get_string() != at.type) return nullptr;
  if (primary) {
    const auto* p = e->if_contains("primary");
    if (!p || !p->is_bool() || !p->get_bool()) return nullptr;
  }
  return &value->get_string();
}

// The schemas code, or nullopt when `v` is not a list of distinct known URNs.
std::optional<std::uint16_t> schemas_code(const json::value& v) {
  const auto* arr = v.if_array();
  if (!arr || arr->size() > layout.schema_count) return std::nullopt;
  std::uint16_t code = 0;
  unsigned seen = 0;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto* s = (*arr)[i].if_string();
    if (!s) return std::nullopt;
    unsigned which = 0;
    for (unsigned k = 0; k < layout.schema_count; ++k) {
      if (*s == layout.schemas[k]) which = k + 1;
    }
    if (which == 0 || (seen & (1U << which)) != 0) return std::nullopt;
    seen |= 1U << which;
    code = static_cast<std::uint16_t>(code | (which << (schema_code_bits * i)));
  }
  return code;
}

// Whether `key` is `name`. The first byte is compared before the rest: every member of every
// listed user is looked up among the table's names, and names of one length (`active`,
// `locale`, `emails`) would otherwise each cost a memcmp call.
inline bool key_is(std::string_view key, std::string_view name) noexcept {
  return key.size() == name.size() && (key.empty() || (key.front() == name.front() && key == name));
}

// The element of `range` (rebuilt members or groups) whose key is `key`, or nullptr.
template <class Range>
const typename Range::value_type* find_key(const Range& range, std::string_view key) noexcept {
  for (const auto& m : range) {
    if (key_is(key, m.key)) return &m;
  }
  return nullptr;
}

// The bits of `g` and of each member present when `v` is in the shape to_object() rebuilds
// (an object of the group's members, all strings that `holds_value`), else 0.
template <class HoldsValue>
std::uint32_t group_bits(const rebuilt_group& g, const json::value& v, const HoldsValue& holds_value) {
  const auto* o = v.if_object();
  if (!o) return 0;
  std::uint32_t bits = g.bit;
  std::size_t present = 0;
  for (const auto& kv : *o) {
    const rebuilt_member* m = nullptr;
    for (std::size_t i = 0; i < g.count && !m; ++i) {
      if (kv.key() == g.members[i].key) m = &g.members[i];
    }
    if (!m || !kv.value().is_string() || !holds_value(*m, kv.value().get_string())) return 0;
    bits |= m->bit;
    ++present;
  }
  // An extension is rebuilt only with all of its members (and so never empty).
  return g.extension && present != g.count ? 0 : bits;
}

// The bit of the top-level member `key` (0 when it is not one remote_user rebuilds).
std::uint32_t key_bit(std::string_view key) noexcept {
  if (key_is(key, "id")) return m_id;
  if (key_is(key, active_key)) return m_active;
  if (key_is(key, "schemas")) return m_schemas;
  if (const auto* m = find_key(layout.simple, key)) return m->bit;
  if (const auto* e = find_key(layout.entries, key)) return e->bit;
  if (const auto* g = find_key(layout.groups, key)) return g->bit;
  return 0;
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
    const auto a = static_cast<attribute>(i);
    values[i] = scim_user_codec::read(user, a);
    size += values[i].size();
    if (scim_user_codec::conflicting(user, a)) r.conflicting_ |= 1U << i;
    if (scim_user_codec::other_entries(user, a)) r.other_entries_ |= 1U << i;
    // read() takes the first location holding a value: a value with the first one empty came
    // from the second.
    if (attribute_row_of(a).read.size() > 1 && !values[i].empty() &&
        scim_user_codec::read_at(user, attribute_row_of(a).read.front()).empty()) {
      static_assert(max_read_locations == 2, "one bit tells the location apart");
      r.second_location_ |= 1U << i;
    }
  }
  // A member rebuilt from a value must hold that value: with several read locations, only the
  // one the value came from does.
  const auto holds_value = [&values](const rebuilt_member& m, const json::string& s) {
    return !m.shared || std::string_view(s) == values[static_cast<std::size_t>(m.attr)];
  };

  // Which members are in the shape to_object() rebuilds exactly. The rule each member's key
  // falls under is kept (for the first members) so that the second pass need not look again.
  std::uint32_t rebuilt = 0;
  std::uint16_t schemas = 0;
  std::array<std::uint32_t, 32> key_bits{};
  std::size_t index = 0;
  for (const auto& kv : user) {
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    std::uint32_t k = 0;
    if (key_is(key, "id")) {
      k = m_id;
      if (v.is_string()) rebuilt |= m_id;
    } else if (key_is(key, active_key)) {
      k = m_active;
      if (v.is_bool()) rebuilt |= m_active;
    } else if (key_is(key, "schemas")) {
      k = m_schemas;
      if (const auto code = schemas_code(v)) {
        rebuilt |= m_schemas;
        schemas = *code;
      }
    } else if (const auto* m = find_key(layout.simple, key)) {
      k = m->bit;
      if (v.is_string() && holds_value(*m, v.get_string())) rebuilt |= m->bit;
    } else if (const auto* e = find_key(layout.entries, key)) {
      k = e->bit;
      const json::string* value = single_entry_value(v, e->at);
      if (value && holds_value(*e, *value)) rebuilt |= e->bit;
    } else if (const auto* g = find_key(layout.groups, key)) {
      k = g->bit;
      rebuilt |= group_bits(*g, v, holds_value);
    }
    if (index < key_bits.size()) key_bits[index] = k;
    ++index;
  }

  // Everything else, as compact JSON text ("" when nothing is left).
  std::string rest;
  index = 0;
  for (const auto& kv : user) {
    const std::uint32_t k = index < key_bits.size() ? key_bits[index] : key_bit(kv.key());
    ++index;
    if ((rebuilt & k) != 0) continue;
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
  const auto group_object = [&](const rebuilt_group& g) {
    json::object members;
    for (std::size_t i = 0; i < g.count; ++i) {
      if (rebuilt_ & g.members[i].bit) members[g.members[i].key] = value(g.members[i].attr);
    }
    return members;
  };
  if (rebuilt_ & m_schemas) {
    json::array arr;
    for (unsigned i = 0; i < layout.schema_count; ++i) {
      const unsigned which = (schemas_ >> (schema_code_bits * i)) & schema_code_mask;
      if (which != 0) arr.emplace_back(layout.schemas[which - 1]);
    }
    o["schemas"] = std::move(arr);
  }
  if (rebuilt_ & m_id) o["id"] = json::string(id());
  for (const auto& m : layout.simple) {
    if (rebuilt_ & m.bit) o[m.key] = value(m.attr);
  }
  for (const auto& g : layout.groups) {
    if (!g.extension && (rebuilt_ & g.bit)) o[g.key] = group_object(g);
  }
  if (rebuilt_ & m_active) o[active_key] = active_;
  for (const auto& m : layout.entries) {
    if ((rebuilt_ & m.bit) == 0) continue;
    json::object e;
    e[m.at.name] = value(m.attr);
    e["type"] = m.at.type;
    if (m.at.entry == entry_rule::only_entry) e["primary"] = true;
    json::array arr;
    arr.emplace_back(std::move(e));
    o[m.key] = std::move(arr);
  }
  for (const auto& g : layout.groups) {
    if (g.extension && (rebuilt_ & g.bit)) o[g.key] = group_object(g);
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
  // Member names come from the table, which holds no character JSON escapes (asserted).
  const auto plain = [&](std::string_view k) {
    out += '"';
    out += k;
    out += '"';
  };
  const auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    plain(k);
    out += ':';
  };
  const auto group = [&](const rebuilt_group& g) {
    key(g.key);
    out += '{';
    bool any = false;
    for (std::size_t i = 0; i < g.count; ++i) {
      if ((rebuilt_ & g.members[i].bit) == 0) continue;
      if (any) out += ',';
      any = true;
      plain(g.members[i].key);
      out += ':';
      append_quoted(out, get(g.members[i].attr));
    }
    out += '}';
  };
  if (rebuilt_ & m_schemas) {
    key("schemas");
    out += '[';
    bool any = false;
    for (unsigned i = 0; i < layout.schema_count; ++i) {
      const unsigned which = (schemas_ >> (schema_code_bits * i)) & schema_code_mask;
      if (which == 0) continue;
      if (any) out += ',';
      any = true;
      plain(layout.schemas[which - 1]);
    }
    out += ']';
  }
  if (rebuilt_ & m_id) {
    key("id");
    append_quoted(out, id());
  }
  for (const auto& m : layout.simple) {
    if (rebuilt_ & m.bit) {
      key(m.key);
      append_quoted(out, get(m.attr));
    }
  }
  for (const auto& g : layout.groups) {
    if (!g.extension && (rebuilt_ & g.bit)) group(g);
  }
  if (rebuilt_ & m_active) {
    key(active_key);
    out += active_ ? "true" : "false";
  }
  for (const auto& m : layout.entries) {
    if ((rebuilt_ & m.bit) == 0) continue;
    key(m.key);
    out += "[{";
    plain(m.at.name);
    out += ':';
    append_quoted(out, get(m.attr));
    out += ",\"type\":";
    plain(m.at.type);
    if (m.at.entry == entry_rule::only_entry) out += ",\"primary\":true";
    out += "}]";
  }
  for (const auto& g : layout.groups) {
    if (g.extension && (rebuilt_ & g.bit)) group(g);
  }
  const std::string_view rest = slot(slot_count - 1);
  if (rest.size() > 2) {  // "{…}" with at least one member
    if (!first) out += ',';
    out += rest.substr(1, rest.size() - 2);
  }
  out += '}';
}

}  // namespace eightsync::core
