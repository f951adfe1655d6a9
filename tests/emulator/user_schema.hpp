#pragma once
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "emulator/emulator_settings.hpp"
#include "emulator/scim_error.hpp"

namespace eightsync::emulator {

/// The core SCIM User schema URN.
inline constexpr std::string_view core_user_schema = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise extension URN (holds `department`).
inline constexpr std::string_view enterprise_user_schema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// 8x8's extension URN (holds `site`), as Entra's tutorial spells it: the emulator's default.
inline constexpr std::string_view x8_user_schema = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
/// 8x8's extension URN as 8x8's own attribute-mapping page spells it. An account uses one of the
/// two (`--site-schema`).
inline constexpr std::string_view x8_user_schema_2 = "urn:8x8:scim:schemas:extension:8x8user:2.0:User";

/// Whether `a` and `b` are equal ignoring ASCII case: SCIM attribute names and keywords ("work",
/// "true"), and HTTP field values such as "100-continue". Never throws.
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

/// Which rules a user body is checked against.
enum class user_write {
  create,   ///< POST: userName and names required; one email kept, filled in when none; work phone dropped
  replace,  ///< PUT: as create, but userName is not required (read-only, ignored) and no email filled in
  seed,     ///< admin seeding: only userName required; everything documented is kept as given
};

/// The email 8x8 fills in when a create carries none.
inline constexpr std::string_view fill_in_email = "noreply@8x8.com";

/// Checks a client's User body and returns the documented attributes it carries, in canonical
/// order, without `schemas`, `id` or `meta`. Attribute names match case-insensitively; unknown
/// attributes are dropped, as the service does. A missing or malformed attribute gives a 400
/// `invalidValue` error naming it. Never throws except std::bad_alloc. `site` is read from the
/// extension `settings.site_schema` (the account's); one under the other URN is an unknown
/// extension, dropped. For create and replace, `externalId` is checked against
/// `settings.external_id` and the emails are cut to one (keep_one_email); an empty `emails`
/// array is the same as none. The result is allocated from `sp` (default: the heap).
boost::system::result<boost::json::object, scim_error> normalise_user(const boost::json::value& body,
                                                                      user_write mode,
                                                                      const emulator_settings& settings,
                                                                      boost::json::storage_ptr sp = {});

/// Cuts the `emails` of a representation to the single one 8x8 keeps: the one of type work,
/// else the primary one, else the first; it keeps its type ("work" when it has none) and is
/// primary, as 8x8 ignores `primary`. No entries: `emails` is removed.
void keep_one_email(boost::json::object& user);

/// The stored representation: `schemas` (core plus the extensions present), `id`, the
/// attributes (moved from `attrs`) in canonical order, then `meta`; allocated like `attrs`.
boost::json::object finish_user(boost::json::object attrs, std::string_view id, boost::json::object meta,
                                std::string_view site_urn);

/// The 8x8 `site` of a user representation (under the extension `site_urn`), empty when unset.
std::string user_site(const boost::json::object& user, std::string_view site_urn);

/// Sets (or, with an empty `site`, removes) the 8x8 `site` of a representation.
void set_user_site(boost::json::object& user, std::string_view site, std::string_view site_urn);

/// The member `key` of `o` compared case-insensitively (SCIM attribute names are), or nullptr.
const boost::json::value* find_ci(const boost::json::object& o, std::string_view key) noexcept;

}  // namespace eightsync::emulator
