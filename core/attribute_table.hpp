#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/attribute.hpp"

/// @file
/// The attribute table: everything eightsync knows about each 8x8 user attribute, one row per
/// attribute, in one constexpr table indexed by the `attribute` enum.
///
/// The family of small types here:
/// - `scim_location` (with `scim_location_kind` and `entry_rule`): one place in a SCIM user
///   object where a value sits: a top-level member (`userName`), a member of a complex member
///   (`name` → `givenName`), the `value` of the entry of a type in a multi-valued member
///   (`emails`, type work), or a member of an extension object named by its schema URN;
/// - `read_locations`: the one or more locations a value is read from, the first non-empty one
///   winning (8x8 spells some extensions two ways);
/// - `write_location_rule`: how the location written for an account is chosen;
/// - `case_rule`: how an HR value and an 8x8 value compare;
/// - `update_rule`: what an update may do to the attribute once the user exists;
/// - `value_type`: text (a template in the mapping) or a flag (`active`, a condition);
/// - `attribute_row`: one attribute's row; `attribute_rows`: the table.
///
/// What reads it: scim_user_codec (read, write, same, the request bodies), the PUT answer
/// check (scim_attribute_check), remote_user's compact form, the planner's create and update
/// rules, and the mapping's required attributes. The ordering assumptions those rely on (row i
/// is attribute i, `active` is the last and only flag, …) are static_asserts at the end of this
/// file and next to the code that relies on them.
namespace eightsync::core {

/// The SCIM core user schema.
inline constexpr std::string_view core_schema_urn = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise extension (department).
inline constexpr std::string_view enterprise_schema_urn =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// 8x8's extension (site), as Entra's tutorial spells it.
inline constexpr std::string_view x8_schema_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
/// 8x8's extension (site), as 8x8's own attribute-mapping page for Azure spells it. An account
/// uses one of the two; eightsync reads `site` from either.
inline constexpr std::string_view x8_user_schema_urn = "urn:8x8:scim:schemas:extension:8x8user:2.0:User";

/// What kind of place in a SCIM user object a `scim_location` is.
enum class scim_location_kind : std::uint8_t {
  member,            ///< a top-level member: `name`
  sub_member,        ///< a member `name` of the complex top-level member `container`
  typed_entry,       ///< member `name` of the entry of `type` in the multi-valued member `container`
  extension_member,  ///< member `name` of the extension object whose key is the schema URN `container`
};

/// How a `typed_entry` location picks its entry, and what a new entry looks like.
enum class entry_rule : std::uint8_t {
  of_type,  ///< the first entry of the type; a new entry is `{value, type}`
  /// 8x8 keeps a single email: read the entry of the type, else the primary one, else the
  /// first; a write leaves that entry alone in the member (a new one is `{value, type,
  /// primary: true}`), so a PUT drops the others. The PUT answer check still compares the entry
  /// of the type only.
  only_entry,
};

/// One place in a SCIM user object where an attribute's value sits. Member names are matched
/// exactly first, then case-insensitively (SCIM names are case-insensitive).
struct scim_location {
  scim_location_kind kind = scim_location_kind::member;
  std::string_view container;  ///< the complex or multi-valued member, or the extension URN; "" for a member
  std::string_view name;       ///< the member that holds the value (`value` in a typed entry)
  std::string_view type;       ///< typed_entry: the entry's `type`
  entry_rule entry = entry_rule::of_type;  ///< typed_entry: how the entry is picked and added

  constexpr bool operator==(const scim_location&) const = default;
};

/// The top-level member `name`. Never throws.
constexpr scim_location at_member(std::string_view name) noexcept {
  return {scim_location_kind::member, {}, name, {}, entry_rule::of_type};
}

/// Member `name` of the complex member `container` (`name.givenName`). Never throws.
constexpr scim_location at_sub_member(std::string_view container, std::string_view name) noexcept {
  return {scim_location_kind::sub_member, container, name, {}, entry_rule::of_type};
}

/// The `value` of the entry of `type` in the multi-valued `container`, picked by `rule`. Never throws.
constexpr scim_location at_typed_entry(std::string_view container, std::string_view type,
                                       entry_rule rule) noexcept {
  return {scim_location_kind::typed_entry, container, "value", type, rule};
}

/// Member `name` of the extension object `urn` (which also goes into `schemas` when written).
/// Never throws.
constexpr scim_location at_extension(std::string_view urn, std::string_view name) noexcept {
  return {scim_location_kind::extension_member, urn, name, {}, entry_rule::of_type};
}

/// How many read locations a row may have (8x8 spells the site extension two ways).
inline constexpr std::size_t max_read_locations = 2;

/// The locations an attribute is read from, in order: the first non-empty value wins.
class read_locations {
 public:
  /// The locations `at`, in order. Throws std::length_error for none or more than
  /// max_read_locations, which in the constexpr table is a compile error.
  constexpr read_locations(std::initializer_list<scim_location> at) {
    if (at.size() == 0 || at.size() > max_read_locations) {
      throw std::length_error("an attribute row needs 1 to max_read_locations read locations");
    }
    for (const auto& l : at)
      at_[size_++] = l;
  }

  /// How many locations. Never throws.
  constexpr std::size_t size() const noexcept { return size_; }
  /// The first location. Never throws.
  constexpr const scim_location& front() const noexcept { return at_[0]; }
  /// Location `i` (< size()). Never throws.
  constexpr const scim_location& operator[](std::size_t i) const noexcept { return at_[i]; }
  /// Iteration over the locations. Never throws.
  constexpr const scim_location* begin() const noexcept { return at_.data(); }
  /// Iteration over the locations. Never throws.
  constexpr const scim_location* end() const noexcept { return at_.data() + size_; }

 private:
  std::array<scim_location, max_read_locations> at_{};
  std::size_t size_ = 0;
};

/// How the location an attribute is written to is chosen for an account.
enum class write_location_rule : std::uint8_t {
  first_read_location,  ///< always the first read location
  /// the read location under the extension URN the account uses (the site: see site_schema.hpp)
  account_extension,
};

/// How HR's value and 8x8's value of an attribute compare, both trimmed first.
enum class case_rule : std::uint8_t {
  exact,        ///< byte for byte
  ignore_case,  ///< case-insensitively (userName and the email)
};

/// What an update may do to an attribute once the user exists in 8x8.
enum class update_rule : std::uint8_t {
  writable,                ///< any change is sent
  write_once,              ///< may be set while empty, never changed once set (site)
  read_only_after_create,  ///< never sent after the create (userName, also the Federation ID)
};

/// What kind of value an attribute has.
enum class value_type : std::uint8_t {
  text,  ///< a string, produced by a template in the mapping
  flag,  ///< a boolean, produced by a condition (`active`, changed only by PATCH)
};

/// Everything eightsync knows about one 8x8 attribute.
struct attribute_row {
  attribute attr;                ///< which attribute (row i of attribute_rows is attribute i)
  std::string_view name;         ///< the admin name a `mapping:` key uses: `userName`, `name.givenName`, …
  value_type value;              ///< text or flag
  read_locations read;           ///< where its value is read from, first non-empty wins
  write_location_rule write;     ///< which location is written
  case_rule compare;             ///< how HR's and 8x8's values compare
  update_rule update;            ///< what an update may do once the user exists
  bool create_requires = false;  ///< whether 8x8 refuses a create without it
  /// The value 8x8 fills in when a write leaves the attribute out (the email's
  /// `noreply@8x8.com`): it compares equal to an empty HR value and never matches anyone.
  std::string_view placeholder{};
};

/// The table: one row per attribute, row i for attribute i (so lookups are an index).
inline constexpr std::array<attribute_row, attribute_count> attribute_rows{{
    {.attr = attribute::user_name,
     .name = "userName",
     .value = value_type::text,
     .read = {at_member("userName")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::ignore_case,
     .update = update_rule::read_only_after_create,
     .create_requires = true},
    {.attr = attribute::given_name,
     .name = "name.givenName",
     .value = value_type::text,
     .read = {at_sub_member("name", "givenName")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = true},
    {.attr = attribute::family_name,
     .name = "name.familyName",
     .value = value_type::text,
     .read = {at_sub_member("name", "familyName")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = true},
    {.attr = attribute::email,
     .name = "email",
     .value = value_type::text,
     .read = {at_typed_entry("emails", "work", entry_rule::only_entry)},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::ignore_case,
     .update = update_rule::writable,
     .create_requires = true,
     .placeholder = "noreply@8x8.com"},
    {.attr = attribute::external_id,
     .name = "externalId",
     .value = value_type::text,
     .read = {at_member("externalId")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
    {.attr = attribute::title,
     .name = "title",
     .value = value_type::text,
     .read = {at_member("title")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
    {.attr = attribute::locale,
     .name = "locale",
     .value = value_type::text,
     .read = {at_member("locale")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
    {.attr = attribute::timezone,
     .name = "timezone",
     .value = value_type::text,
     .read = {at_member("timezone")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
    {.attr = attribute::department,
     .name = "department",
     .value = value_type::text,
     .read = {at_extension(enterprise_schema_urn, "department")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
    {.attr = attribute::site,
     .name = "site",
     .value = value_type::text,
     .read = {at_extension(x8_schema_urn, "site"), at_extension(x8_user_schema_urn, "site")},
     .write = write_location_rule::account_extension,
     .compare = case_rule::exact,
     .update = update_rule::write_once,
     .create_requires = false},
    {.attr = attribute::mobile_phone,
     .name = "mobilePhone",
     .value = value_type::text,
     .read = {at_typed_entry("phoneNumbers", "mobile", entry_rule::of_type)},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
    {.attr = attribute::active,
     .name = "active",
     .value = value_type::flag,
     .read = {at_member("active")},
     .write = write_location_rule::first_read_location,
     .compare = case_rule::exact,
     .update = update_rule::writable,
     .create_requires = false},
}};

/// The row of `a`. Never throws.
constexpr const attribute_row& attribute_row_of(attribute a) noexcept {
  return attribute_rows[static_cast<std::size_t>(a)];
}

/// Where `row`'s value is written for an account whose site extension is `extension_urn`. Never
/// throws.
constexpr const scim_location& write_location(const attribute_row& row,
                                              std::string_view extension_urn = x8_schema_urn) noexcept {
  switch (row.write) {
    case write_location_rule::first_read_location:
      return row.read.front();
    case write_location_rule::account_extension:
      for (const auto& at : row.read) {
        if (at.container == extension_urn) return at;
      }
      return row.read.front();
  }
  return row.read.front();
}

/// The SCIM path of `at`, as the PUT answer check reports it: `userName`, `name.givenName`,
/// `emails[type eq "work"].value`, `URN:site`. Throws only std::bad_alloc.
std::string scim_path(const scim_location& at);

/// Whether `path` is the SCIM path of `at` (scim_path(at) == path, without building it). Never
/// throws.
constexpr bool has_scim_path(const scim_location& at, std::string_view path) noexcept {
  // Consumes `part` from the front of `path`.
  const auto eat = [&path](std::string_view part) {
    if (path.substr(0, part.size()) != part) return false;
    path.remove_prefix(part.size());
    return true;
  };
  switch (at.kind) {
    case scim_location_kind::member:
      return path == at.name;
    case scim_location_kind::sub_member:
      return eat(at.container) && eat(".") && path == at.name;
    case scim_location_kind::typed_entry:
      return eat(at.container) && eat("[type eq \"") && eat(at.type) && eat("\"].") && path == at.name;
    case scim_location_kind::extension_member:
      return eat(at.container) && eat(":") && path == at.name;
  }
  return false;
}

/// The attribute one of whose read locations has the SCIM path `path` (as the PUT answer check
/// reports it), or nullopt (a member eightsync does not map, such as `name.middleName`). Never
/// throws.
constexpr std::optional<attribute> attribute_at_scim_path(std::string_view path) noexcept {
  for (const auto& row : attribute_rows) {
    for (const auto& at : row.read) {
      if (has_scim_path(at, path)) return row.attr;
    }
  }
  return std::nullopt;
}

/// Whether `a` is a write-once attribute; false for nullopt, so that attribute_at_scim_path's
/// answer can be passed as it is. Never throws.
constexpr bool is_write_once(std::optional<attribute> a) noexcept {
  return a && attribute_row_of(*a).update == update_rule::write_once;
}

/// Bit i set for each attribute i whose row satisfies `pred`. Never throws.
template <class Pred>
constexpr std::uint32_t attribute_mask_where(Pred pred) noexcept {
  std::uint32_t m = 0;
  for (const auto& row : attribute_rows) {
    if (pred(row)) m |= 1U << static_cast<unsigned>(row.attr);
  }
  return m;
}

/// The attributes 8x8 requires on create, bit i for attribute i.
inline constexpr std::uint32_t create_required_mask =
    attribute_mask_where([](const attribute_row& r) { return r.create_requires; });

/// The attributes read-only after create, bit i for attribute i: they are never sent in an update.
inline constexpr std::uint32_t read_only_after_create_mask = attribute_mask_where(
    [](const attribute_row& r) { return r.update == update_rule::read_only_after_create; });

namespace attribute_table_detail {

constexpr std::size_t count_where(std::uint32_t mask) noexcept {
  std::size_t n = 0;
  for (; mask != 0; mask &= mask - 1)
    ++n;
  return n;
}

// Every enumerator, by a switch without `default`: -Wswitch (in -Wall, an error under
// EIGHTSYNC_WERROR) fails the build when an enumerator is added to `attribute` without being
// listed here, which is the prompt to give it a row (attribute_count and the rows' order are
// asserted below).
constexpr bool listed(attribute a) noexcept {
  switch (a) {
    case attribute::user_name:
    case attribute::given_name:
    case attribute::family_name:
    case attribute::email:
    case attribute::external_id:
    case attribute::title:
    case attribute::locale:
    case attribute::timezone:
    case attribute::department:
    case attribute::site:
    case attribute::mobile_phone:
    case attribute::active:
      return static_cast<std::size_t>(a) < attribute_count;
  }
  return false;
}

// Row i is attribute i (lookups index the table by the enum), every enumerator is listed, and
// all_attributes (the hashing and display order) is the enum's order too.
constexpr bool rows_in_enum_order() noexcept {
  for (std::size_t i = 0; i < attribute_count; ++i) {
    const auto a = static_cast<attribute>(i);
    if (attribute_rows[i].attr != a || all_attributes[i] != a || !listed(a)) return false;
  }
  return true;
}

// The admin names are unique and non-empty (attribute_from_name finds each row by its name).
constexpr bool names_unique() noexcept {
  for (std::size_t i = 0; i < attribute_count; ++i) {
    if (attribute_rows[i].name.empty()) return false;
    for (std::size_t j = i + 1; j < attribute_count; ++j) {
      if (attribute_rows[i].name == attribute_rows[j].name) return false;
    }
  }
  return true;
}

// `active` is the only flag and the last row: remote_user keeps one value slot per text
// attribute, slot i for attribute i, and the codec skips flags in the bodies.
constexpr bool active_is_the_last_and_only_flag() noexcept {
  for (std::size_t i = 0; i < attribute_count; ++i) {
    const bool last = i + 1 == attribute_count;
    if ((attribute_rows[i].value == value_type::flag) != last) return false;
  }
  return attribute_rows[attribute_count - 1].attr == attribute::active;
}

// A flag is a top-level boolean member; it has no case rule, is not required and is not
// write-once (active changes through PATCH).
constexpr bool flags_are_plain_members() noexcept {
  for (const auto& row : attribute_rows) {
    if (row.value != value_type::flag) continue;
    if (row.read.size() != 1 || row.read.front().kind != scim_location_kind::member ||
        row.compare != case_rule::exact || row.update != update_rule::writable || row.create_requires) {
      return false;
    }
  }
  return true;
}

// Each location has what its kind needs, and no two locations share a SCIM path (so
// attribute_at_scim_path names one attribute).
constexpr bool locations_well_formed() noexcept {
  for (const auto& row : attribute_rows) {
    for (const auto& at : row.read) {
      if (at.name.empty()) return false;
      if ((at.kind == scim_location_kind::member) != at.container.empty()) return false;
      if ((at.kind == scim_location_kind::typed_entry) == at.type.empty()) return false;
      for (const auto& other : attribute_rows) {
        for (const auto& o : other.read) {
          if (&o != &at && o == at) return false;
        }
      }
    }
  }
  return true;
}

// Every name, container, URN and type in the table is plain JSON text (no quote, backslash or
// control character), so remote_user writes them into JSON without escaping.
constexpr bool plain(std::string_view s) noexcept {
  for (const char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}
constexpr bool names_are_plain_json() noexcept {
  for (const auto& row : attribute_rows) {
    for (const auto& at : row.read) {
      if (!plain(at.container) || !plain(at.name) || !plain(at.type)) return false;
    }
  }
  return true;
}

}  // namespace attribute_table_detail

static_assert(attribute_table_detail::rows_in_enum_order(),
              "attribute_rows[i], all_attributes[i] and the enum must list the attributes in one order");
static_assert(attribute_table_detail::names_unique(), "each attribute needs its own admin name");
static_assert(attribute_table_detail::active_is_the_last_and_only_flag(),
              "remote_user and the codec assume `active` is the last attribute and the only flag");
static_assert(attribute_table_detail::flags_are_plain_members(),
              "a flag is a plain top-level boolean member");
static_assert(attribute_table_detail::locations_well_formed(), "each read location is complete and unique");
static_assert(attribute_table_detail::names_are_plain_json(), "table names are written to JSON unescaped");
static_assert(attribute_count <= 32, "per-attribute masks are 32-bit");

/// The attributes 8x8 requires on create, in the table's order (userName, name.givenName,
/// name.familyName, email).
inline constexpr auto create_required_attributes = [] {
  std::array<attribute, attribute_table_detail::count_where(create_required_mask)> out{};
  std::size_t n = 0;
  for (const auto& row : attribute_rows) {
    if (row.create_requires) out[n++] = row.attr;
  }
  return out;
}();

}  // namespace eightsync::core
