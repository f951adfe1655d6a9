#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/enum_names.hpp"

namespace eightsync::core {

/// How an 8x8 user came to be managed by eightsync. Stable names: stored in the state database.
/// - created: eightsync created it
/// - matched: adopted on an unambiguous match (externalId, userName or email)
/// - linked: an operator ran `eightsync link KEY ID`
BOOST_DEFINE_FIXED_ENUM_CLASS(managed_by, std::uint8_t, created, matched, linked)

/// One HR key linked to one 8x8 user, as the state store keeps it between cycles.
struct user_link {
  std::string hr_key;
  std::string scim_id;    ///< 8x8's id for the user
  std::string user_name;  ///< the userName when last seen
  managed_by how = managed_by::created;
  std::optional<std::uint64_t> applied_hash;  ///< content hash of the desired attributes last applied
  std::optional<bool> applied_active;         ///< `active` as last applied (or seen when adopted)
  std::string remote_json;                    ///< the last full 8x8 object, as JSON text ("" if none)
  std::optional<std::chrono::system_clock::time_point> fetched_at;  ///< when remote_json was fetched

  /// Member-wise equality.
  friend bool operator==(const user_link&, const user_link&) = default;
};

}  // namespace eightsync::core
