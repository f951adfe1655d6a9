#pragma once
#include <filesystem>
#include <string>

#include "config/config_defaults.hpp"

namespace eightsync::config {

/// `state:`: where the SQLite state and audit database lives.
struct state_config {
  std::filesystem::path path{std::string(defaults::state_path)};
};

}  // namespace eightsync::config
