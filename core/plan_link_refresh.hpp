#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace eightsync::core {

/// A linked user 8x8 already shows as HR wants, whose link records older applied values:
/// the executor stores these (no request), so incremental cycles stop re-reading the user.
struct plan_link_refresh {
  std::string hr_key;
  std::string scim_id;
  std::string user_name;                      ///< 8x8's userName now
  std::optional<std::uint64_t> applied_hash;  ///< unset for a user missing from HR
  bool applied_active = true;
};

}  // namespace eightsync::core
