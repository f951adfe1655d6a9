#pragma once
#include <cstddef>

#include "config/config_defaults.hpp"

namespace eightsync::config {

/// `safety:`: limits above which a cycle's operations are held for an operator's approval.
struct safety_config {
  std::size_t max_deactivations = defaults::safety_max_deactivations;           ///< per cycle
  double max_deactivation_percent = defaults::safety_max_deactivation_percent;  ///< of managed users, 0..100
  std::size_t max_creates = defaults::safety_max_creates;                       ///< per cycle
  std::size_t max_updates = defaults::safety_max_updates;                       ///< per cycle
  double max_source_shrink_percent =
      defaults::safety_max_source_shrink_percent;  ///< vs the last good export, 0..100
  double min_listed_linked_percent =
      defaults::safety_min_listed_linked_percent;  ///< of linked users a complete listing must show, 0..100
};

}  // namespace eightsync::config
