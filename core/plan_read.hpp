#pragma once
#include <string>

#include "core/plan_read_kind.hpp"

namespace eightsync::core {

/// One read to do: a GET by id or a userName lookup, for one HR key, with why.
struct plan_read {
  plan_read_kind kind = plan_read_kind::get_by_id;
  std::string hr_key;
  std::string target;  ///< the 8x8 id (get_by_id) or the userName (lookup_user_name)
  std::string reason;  ///< a sentence for a person
};

}  // namespace eightsync::core
