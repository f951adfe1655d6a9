#pragma once
#include <string>
#include <vector>

#include "connectors/scim_result.hpp"

namespace eightsync::connectors {

/// The result of a PUT, and which of the attributes sent the answer does not show as asked.
struct scim_replace_result {
  scim_result result;  ///< the call itself
  /// SCIM paths of attributes sent whose value in the answer differs (e.g. the 8x8 `site`
  /// once set, or a field the server ignores): the engine turns them into manual actions
  /// instead of sending the PUT again. Empty unless result is ok with an answer body.
  std::vector<std::string> not_applied;
};

}  // namespace eightsync::connectors
