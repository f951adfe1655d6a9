#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "connectors/proxy_endpoint.hpp"
#include "core/secret_token.hpp"

namespace eightsync::connectors {

/// Where and how an http_connection connects.
struct http_connection_options {
  std::string host;                           ///< DNS name or IP literal (no brackets); SNI and name check
  std::uint16_t port = 443;                   ///< TCP port
  bool tls = true;                            ///< HTTPS (verify_peer, SNI, host name verification)
  std::optional<std::string> ca_file;         ///< PEM bundle trusted besides the system store
  std::optional<proxy_endpoint> proxy;        ///< tunnel through this HTTP CONNECT proxy
  std::chrono::milliseconds timeout{30'000};  ///< each resolve, connect, handshake, write, read
  core::secret_token token;                   ///< `Authorization: Bearer …` on every request
  std::size_t body_limit = 256u << 20;        ///< largest answer body accepted
  std::string user_agent = "eightsync";       ///< User-Agent
};

}  // namespace eightsync::connectors
