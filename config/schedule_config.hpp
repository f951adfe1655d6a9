#pragma once
#include <chrono>

#include "config/config_defaults.hpp"

namespace eightsync::config {

/// `schedule:`: when the daemon runs a cycle.
struct schedule_config {
  std::chrono::milliseconds interval = defaults::schedule_interval;              ///< between cycles
  std::chrono::milliseconds full_reconcile = defaults::schedule_full_reconcile;  ///< between full listings
  bool on_source_change = defaults::schedule_on_source_change;  ///< also run when the export changes
};

}  // namespace eightsync::config
