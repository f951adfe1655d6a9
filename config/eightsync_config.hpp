#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/audit_config.hpp"
#include "config/config_defaults.hpp"
#include "config/log_config.hpp"
#include "config/metrics_config.hpp"
#include "config/safety_config.hpp"
#include "config/schedule_config.hpp"
#include "config/state_config.hpp"
#include "config/target_config.hpp"
#include "core/leaver_rule.hpp"
#include "core/mapping_rules.hpp"
#include "core/match_key.hpp"
#include "core/source_options.hpp"

namespace eightsync::config {

/// The whole config file, validated, with defaults applied (config/config_defaults.hpp) and
/// relative paths resolved against the config file's directory. Built by config_loader.
struct eightsync_config {
  std::filesystem::path file;  ///< the config file it was loaded from
  core::source_options source;
  target_config target;
  schedule_config schedule;
  std::vector<core::match_key> match{defaults::match.begin(), defaults::match.end()};
  core::mapping_rules mapping;       ///< `mapping`, `create_only`, `maps` and `scope`, compiled
  std::vector<std::string> protect;  ///< userName glob patterns (see core::protect_list)
  core::leaver_policy leavers{defaults::leavers_missing_from_source};  ///< `leavers:` (core::leaver_rule)
  safety_config safety;
  state_config state;
  audit_config audit;
  log_config log;
  metrics_config metrics;

  /// Whether `user_name` matches a `protect` pattern (case-insensitive glob; core::protect_list
  /// is the faster choice for many lookups). Throws only std::bad_alloc.
  bool matches_protect(std::string_view user_name) const;
};

}  // namespace eightsync::config
