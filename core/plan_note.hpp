#pragma once
#include <string>

namespace eightsync::core {

/// A user the plan deliberately leaves alone (protected, unmanaged, quarantined row, …), with
/// why: informational, nothing to execute.
struct plan_note {
  std::string hr_key;  ///< empty for an 8x8 user without an HR row
  std::string scim_id;
  std::string user_name;
  std::string reason;
};

}  // namespace eightsync::core
