#pragma once
// Helpers for config tests: load YAML text with a fake environment, and collect the errors.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"

namespace eightsync::config::testing {

using env_map = std::map<std::string, std::string, std::less<>>;

inline std::function<std::optional<std::string>(std::string_view)> fake_env(env_map env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

inline eightsync_config load(std::string_view yaml, env_map env = {}) {
  return load_config_text(yaml, "/etc/eightsync/eightsync.yaml", fake_env(std::move(env)));
}

/// The errors loading `yaml` (as file "cfg.yaml") reports; fails the test when it loads.
inline std::vector<std::string> errors_of(std::string_view yaml, env_map env = {}) {
  try {
    load_config_text(yaml, "cfg.yaml", fake_env(std::move(env)));
  } catch (const config_error& e) {
    return e.errors();
  }
  ADD_FAILURE() << "the config loaded without errors";
  return {};
}

/// The one error loading `yaml` reports (fails the test when there are more or none).
inline std::string error_of(std::string_view yaml, env_map env = {}) {
  auto errors = errors_of(yaml, std::move(env));
  if (errors.size() != 1) {
    std::string all;
    for (const auto& e : errors)
      all += "\n  " + e;
    ADD_FAILURE() << "expected exactly one error, got " << errors.size() << ":" << all;
    return errors.empty() ? std::string() : errors.front();
  }
  return errors.front();
}

/// A valid config's common part: source, target and the four required mappings (10 lines; `extra` starts on
/// line 11).
inline std::string minimal(std::string_view extra = "") {
  return std::string(R"(source:
  path: hr.csv
  key: employee_id
target:
  url: https://platform-cloud.8x8.com/udi/customers/C1/scim/v2
mapping:
  userName: "{email}"
  name.givenName: "{first}"
  name.familyName: "{last}"
  email: "{email}"
)") + std::string(extra);
}

}  // namespace eightsync::config::testing
