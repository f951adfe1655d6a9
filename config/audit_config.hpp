#pragma once
#include <chrono>

#include "config/config_defaults.hpp"

namespace eightsync::config {

/// `audit:`: how long the audit tables of the state database keep a finished cycle (with its
/// operations, quarantined rows and held operations) before it is pruned. Open manual actions,
/// unresolved intents, pending approvals and the last cycle are never pruned.
struct audit_config {
  std::chrono::milliseconds retention = defaults::audit_retention;
};

}  // namespace eightsync::config
