#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/secret_token.hpp"

namespace eightsync::connectors {

/// An HTTP proxy reached with CONNECT, and the credentials it wants.
struct proxy_endpoint {
  std::string host;                  ///< DNS name or IP literal (no brackets)
  std::uint16_t port = 0;            ///< TCP port
  core::secret_token authorization;  ///< `Basic …` for Proxy-Authorization; empty: none

  /// `HOST:PORT` for log lines (never the credentials).
  std::string display() const;

  /// Parses `http://[user:password@]HOST[:PORT]` (port 80 when absent; also `HOST:PORT` without
  /// a scheme, as $HTTPS_PROXY often holds), and adds the password, as written and decoded, and
  /// the Basic credentials to core::secret_registry::global(). Throws std::invalid_argument
  /// naming what is wrong (never the password).
  static proxy_endpoint parse(std::string_view url);

  /// The proxy for a request to `target_host`: `explicit_url` when given, else, when
  /// `use_environment`, $HTTPS_PROXY / $https_proxy unless $NO_PROXY / $no_proxy names the host
  /// (exact, `.suffix`, or `*`); the environment is never used for a loopback host. Throws
  /// std::invalid_argument for a malformed proxy URL.
  static std::optional<proxy_endpoint> select(std::string_view target_host,
                                              const std::optional<std::string>& explicit_url,
                                              bool use_environment);
};

}  // namespace eightsync::connectors
