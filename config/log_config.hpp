#pragma once
#include "config/config_defaults.hpp"
#include "config/log_format.hpp"
#include "config/log_level.hpp"

namespace eightsync::config {

/// `log:`: how much to log and in what shape.
struct log_config {
  log_level level = defaults::log_level_default;
  log_format format = defaults::log_format_default;
};

}  // namespace eightsync::config
