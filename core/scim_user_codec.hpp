#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/attribute.hpp"
#include "core/attribute_table.hpp"
#include "core/desired_user.hpp"

namespace eightsync::core {

/// Reads and writes eightsync's attributes in 8x8 SCIM user objects, and builds the request
/// bodies: POST (create), PUT (the complete object with owned attributes changed) and the
/// PATCH of `active`, the only attribute 8x8 patches.
///
/// Where each attribute lives, and how it compares, is its row in attribute_rows
/// (attribute_table.hpp): `userName`, `externalId`, `title`, `locale`, `timezone` at the top;
/// `name.givenName` / `name.familyName`; the email is the `emails` entry of type work (else the
/// primary one, else the first), and writing it leaves that entry alone, as 8x8 keeps one; the
/// mobile phone is the `phoneNumbers` entry of type mobile;
/// `department` in the enterprise extension and `site` in 8x8's extension. Member names are
/// matched exactly first, then case-insensitively (SCIM names are case-insensitive).
class scim_user_codec {
 public:
  static constexpr std::string_view core_schema = core_schema_urn;              ///< the core user schema
  static constexpr std::string_view enterprise_schema = enterprise_schema_urn;  ///< department's extension
  static constexpr std::string_view x8_schema = x8_schema_urn;                  ///< site's extension (1.1)
  /// The PATCH message schema.
  static constexpr std::string_view patch_schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

  /// The value of `a` in `user`: the first of its row's read locations that holds a non-empty
  /// string; "" when none does (always "" for `active`: see read_active). Never throws.
  static std::string_view read(const boost::json::object& user, attribute a) noexcept;

  /// As read(), for `row` (one of attribute_rows, or a row of its shape). Never throws.
  static std::string_view read(const boost::json::object& user, const attribute_row& row) noexcept;

  /// The non-empty values of `a` at each of its read locations, in the row's order (site: the
  /// 1.1 extension, then the 2.0 one). Never throws.
  static std::array<std::string_view, max_read_locations> read_each(const boost::json::object& user,
                                                                    attribute a) noexcept;

  /// Whether `user` holds two different values of `a` at two of its read locations (a site under
  /// both of 8x8's extension URNs): which one 8x8 uses cannot be told. Compared as same() does.
  /// Never throws.
  static bool conflicting(const boost::json::object& user, attribute a) noexcept;

  /// Every non-empty value in the multi-valued member `a` is read from (all the emails), in
  /// order; empty for an attribute not read from a typed entry. Throws only std::bad_alloc.
  static std::vector<std::string_view> entry_values(const boost::json::object& user, attribute a);

  /// Whether the member of an only_entry attribute (the email) holds more than one entry: a PUT
  /// writing it drops the others, as 8x8 keeps one. Never throws.
  static bool other_entries(const boost::json::object& user, attribute a) noexcept;

  /// A ListResponse's `totalResults` (a listing page, a lookup's answer): nullopt when it is
  /// absent or not a whole number of at least 0. Never throws.
  static std::optional<std::uint64_t> total_results(const boost::json::object& page) noexcept;

  /// The string at `at` in `user`, "" when absent, null or not a string. Never throws.
  static std::string_view read_at(const boost::json::object& user, const scim_location& at) noexcept;

  /// `active` in `user` (a bool, or the strings "true"/"false"); nullopt when absent. Never throws.
  static std::optional<bool> read_active(const boost::json::object& user) noexcept;

  /// The `id` in `user`, "" when absent or not a string. Never throws.
  static std::string_view read_id(const boost::json::object& user) noexcept;

  /// Sets `a` to `value` in `user`, at its row's write location, keeping everything else: an
  /// empty value removes the attribute (a PUT clears what it omits). The email changes the work
  /// entry's value (adding `{value, type: work, primary: true}` when there is none); the mobile
  /// phone likewise with type mobile; an extension attribute adds its schema to `schemas`.
  /// `active` is ignored (see write_active). The site goes under `site_urn`, the extension the
  /// account uses (site_schema.hpp). Throws only std::bad_alloc.
  static void write(boost::json::object& user, attribute a, std::string_view value,
                    std::string_view site_urn = x8_schema_urn);

  /// As write(), for `row` (one of attribute_rows, or a row of its shape). Throws only
  /// std::bad_alloc.
  static void write(boost::json::object& user, const attribute_row& row, std::string_view value,
                    std::string_view site_urn = x8_schema_urn);

  /// Sets `active` in `user`. Throws only std::bad_alloc.
  static void write_active(boost::json::object& user, bool active);

  /// Whether HR's `desired` and 8x8's `remote` value of `a` are the same once normalized: both
  /// trimmed, then compared by the row's case rule (userName and email case-insensitively). An
  /// empty `desired` is the same as the row's placeholder (8x8's noreply@8x8.com). Never throws.
  static bool same(attribute a, std::string_view desired, std::string_view remote) noexcept;

  /// The POST /Users body for `u`: `schemas` (core, plus each extension used), every owned,
  /// non-empty attribute (create-only ones included), exactly one email `{value, type: work,
  /// primary: true}`, and `active` (false for an account made before its start date); the site
  /// under `site_urn`. Throws only std::bad_alloc.
  static boost::json::object create_body(const desired_user& u, std::string_view site_urn = x8_schema_urn,
                                         bool active = true);

  /// The PUT /Users/{id} body: a copy of the complete `remote` object with each attribute in
  /// the `attributes` bit mask set to `u`'s value, nothing else changed, so the site goes along
  /// as set. `active` is always in it: as in `remote` (as `u` when `remote` has none) unless
  /// `active` is given (a rehire's PUT after its reactivation). A site the mask sets (on a user
  /// without one) goes under `site_urn`. Throws only std::bad_alloc.
  static boost::json::object put_body(const boost::json::object& remote, const desired_user& u,
                                      std::uint32_t attributes, std::optional<bool> active = std::nullopt,
                                      std::string_view site_urn = x8_schema_urn);

  /// The PATCH body that sets `active`, 8x8's only patchable attribute:
  /// `{"schemas":[PatchOp],"Operations":[{"op":"replace","value":{"active":…}}]}`. Throws only
  /// std::bad_alloc.
  static boost::json::object active_patch(bool active);
};

}  // namespace eightsync::core
