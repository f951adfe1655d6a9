#pragma once
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_defaults.hpp"
#include "config/rate_limit_config.hpp"
#include "config/retry_config.hpp"
#include "config/visibility_mode.hpp"

namespace eightsync::config {

/// `target:`: the 8x8 SCIM endpoint and how to talk to it. The token itself never lives in the
/// config: it is read from `token_file` or the environment variable `token_env` when needed.
struct target_config {
  std::string url;  ///< base URL, https (http only for loopback), without a trailing '/'
  /// Where the token is read from. Set from $CREDENTIALS_DIRECTORY/eightsync-token when neither
  /// key is given and CREDENTIALS_DIRECTORY is set; both empty means no token source yet.
  std::optional<std::filesystem::path> token_file;
  std::optional<std::string> token_env;          ///< the name of an environment variable holding the token
  std::optional<std::filesystem::path> ca_file;  ///< extra CA bundle; absent: the system store
  std::optional<std::string> proxy;              ///< http(s)://HOST:PORT of an HTTPS proxy
  visibility_mode visibility = defaults::target_visibility;
  std::size_t page_size = defaults::target_page_size;
  std::chrono::milliseconds timeout = defaults::target_timeout;
  std::chrono::milliseconds max_snapshot_age = defaults::target_max_snapshot_age;
  /// A full listing running longer than this stops, incomplete; absent: no limit (the count
  /// limit still applies: core::listing_user_cap).
  std::optional<std::chrono::milliseconds> listing_max_duration;
  rate_limit_config rate_limit;
  retry_config retry;

  /// Whether a token source is configured; when not, `plan` and `sync` must report it and
  /// `check-config` should print a note. Never throws.
  bool has_token_source() const noexcept { return token_file.has_value() || token_env.has_value(); }
};

}  // namespace eightsync::config
