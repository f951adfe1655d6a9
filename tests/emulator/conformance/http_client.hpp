#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "http_result.hpp"

namespace eightsync::emulator::test {

/// A small synchronous HTTP/1.1 keep-alive client for 127.0.0.1, plain or TLS. Reconnects after
/// any transport error. Every operation has a timeout.
class http_client {
 public:
  /// A client for 127.0.0.1:`port` sending `Authorization: Bearer token` when token is non-empty.
  /// With a non-empty `ca_file`, speaks TLS and verifies the server against it for `127.0.0.1`.
  http_client(std::uint16_t port, std::string token, std::string ca_file = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Sends one request and reads the answer. Never throws on transport errors: they are in the
  /// result.
  http_result request(std::string_view method, std::string_view target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {});

  /// GET `target`.
  http_result get(std::string_view target) { return request("GET", target); }
  /// POSTs a JSON value.
  http_result post(std::string_view target, const boost::json::value& v);
  /// PUTs a JSON value.
  http_result put(std::string_view target, const boost::json::value& v);
  /// PATCHes a JSON value.
  http_result patch(std::string_view target, const boost::json::value& v);
  /// DELETE `target`.
  http_result del(std::string_view target) { return request("DELETE", target); }

  /// Changes the token sent from now on (empty: no Authorization header).
  void set_token(std::string token) { token_ = std::move(token); }

  /// Sends raw bytes on a fresh connection and returns whatever arrives until the server closes
  /// or `wait` passes.
  std::string raw_exchange(const std::string& bytes, std::chrono::milliseconds wait);

  /// Drops the connection (the next request opens a new one).
  void disconnect();

  /// How many TCP connections this client has opened.
  int connections_opened() const noexcept { return connections_; }

  /// Per-operation timeout (default 20 s).
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::string token_;
  std::chrono::milliseconds timeout_{20'000};
  int connections_ = 0;
};

}  // namespace eightsync::emulator::test
