#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/eightsync_config.hpp"

namespace eightsync::config {

/// Reads and validates the YAML config `file`, with `${VAR}` taken from the process
/// environment. Relative paths in it (source.path, state.path, target.token_file,
/// target.ca_file) resolve against the file's directory. Throws config_error listing every
/// problem (see config_error.hpp for the message format), including an unreadable file.
eightsync_config load_config_file(const std::filesystem::path& file);

/// As load_config_file, for YAML already in memory: `file_for_messages` names it in messages
/// and anchors relative paths; `getenv_fn` answers `${VAR}` and CREDENTIALS_DIRECTORY lookups.
/// Throws config_error listing every problem.
eightsync_config load_config_text(
    std::string_view yaml, const std::filesystem::path& file_for_messages,
    const std::function<std::optional<std::string>(std::string_view)>& getenv_fn);

/// Every key the config accepts, as key paths ("source.type", "target.rate_limit.per", …;
/// `mapping`, `maps`, `scope`, `protect`, `match` and `create_only` as themselves). For
/// documentation and for the test that the example config shows every key. Throws only std::bad_alloc.
std::vector<std::string> known_config_keys();

}  // namespace eightsync::config
