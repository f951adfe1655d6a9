#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// The 8x8 user attributes an eightsync mapping can own. `active` is a condition, not a
/// template; every other one is a string produced by a template. What eightsync knows about
/// each (where it sits in SCIM, how it compares, whether it is write-once or required) is its
/// row in attribute_table.hpp, row i for enumerator i.
enum class attribute : std::uint8_t {
  user_name,     ///< userName (required on create, read-only after)
  given_name,    ///< name.givenName (required on create)
  family_name,   ///< name.familyName (required on create)
  email,         ///< the one work email, type work, primary (required on create)
  external_id,   ///< externalId: where the HR key belongs
  title,         ///< title
  locale,        ///< locale, e.g. en-US
  timezone,      ///< timezone, e.g. US/Pacific
  department,    ///< enterprise extension: department
  site,          ///< 8x8 extension: site (write-once)
  mobile_phone,  ///< phoneNumbers[type eq "mobile"]
  active,        ///< active (a condition in the mapping)
};

/// How many attributes there are; sizes per-attribute arrays (attribute_table.hpp asserts it
/// matches the enum and the table).
inline constexpr std::size_t attribute_count = 12;

/// Every attribute, in the canonical order used for hashing and display: the enum's order
/// (asserted in attribute_table.hpp; changing it changes every content hash).
inline constexpr std::array<attribute, attribute_count> all_attributes{
    attribute::user_name,   attribute::given_name, attribute::family_name,  attribute::email,
    attribute::external_id, attribute::title,      attribute::locale,       attribute::timezone,
    attribute::department,  attribute::site,       attribute::mobile_phone, attribute::active};

/// The name an admin writes in `mapping:` (`userName`, `name.givenName`, `email`, …). Never throws.
std::string_view attribute_name(attribute a) noexcept;

/// The attribute an admin's mapping key names, or nullopt. Exact, case-sensitive. Never throws.
std::optional<attribute> attribute_from_name(std::string_view name) noexcept;

/// For a name that is not mappable but is a known 8x8/SCIM attribute (id, the work phone,
/// license, cost center …), why SCIM cannot write it; nullopt otherwise. Never throws.
std::optional<std::string_view> unwritable_reason(std::string_view name) noexcept;

}  // namespace eightsync::core
