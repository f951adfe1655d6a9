#pragma once
#include "config/config_defaults.hpp"
#include "config/leaver_action.hpp"

namespace eightsync::config {

/// `leavers:`: what to do about managed users who left the HR export.
struct leavers_config {
  leaver_action missing_from_source = defaults::leavers_missing_from_source;
};

}  // namespace eightsync::config
