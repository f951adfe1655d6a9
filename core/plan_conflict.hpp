#pragma once
#include <string>
#include <vector>

#include "core/plan_conflict_kind.hpp"

namespace eightsync::core {

/// An HR row eightsync will neither create nor touch until an operator decides, with why.
struct plan_conflict {
  plan_conflict_kind kind = plan_conflict_kind::possible_duplicate;
  std::string hr_key;
  std::string user_name;              ///< HR's userName for the row
  std::vector<std::string> scim_ids;  ///< the 8x8 users involved, sorted
  std::string reason;                 ///< a sentence for a person
};

}  // namespace eightsync::core
