#pragma once
#include <memory>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "connectors/http_connection_options.hpp"
#include "connectors/http_exchange.hpp"
#include "connectors/http_transport.hpp"

namespace eightsync::connectors {

/// One keep-alive HTTP/1.1 connection (plain, or TLS like bmcweb: verify_peer against the
/// system store plus an optional CA file, SNI, host_name_verification), opened on first use,
/// through an HTTP CONNECT proxy when configured, and reopened after any failure. Every
/// resolve, connect, handshake, write, read and shutdown has a timeout. One request at a time.
class http_connection final : public http_transport {
 public:
  /// A connection on `executor` (not opened yet). Throws std::invalid_argument when the CA file
  /// cannot be loaded, boost::system::system_error when the TLS context cannot be set up.
  http_connection(boost::asio::any_io_executor executor, http_connection_options options,
                  std::shared_ptr<spdlog::logger> logger);

  /// Closes the socket (no TLS close_notify: use shutdown() for that). Never throws.
  ~http_connection() override;

  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  /// Sends `method target` with `body` (JSON when non-empty) and reads the answer. A kept-alive
  /// connection that the server closed while idle is replaced before anything is written.
  /// Failures are in the result; never throws except std::bad_alloc. Throws std::logic_error
  /// if called while another request is in flight.
  boost::asio::awaitable<http_exchange> send(std::string method, std::string target,
                                             std::string body) override;

  /// Closes the connection gracefully (TLS close_notify, with a timeout). Never throws.
  boost::asio::awaitable<void> shutdown() override;

  /// Whether a connection is open. Never throws.
  bool is_open() const noexcept;

  /// TCP connections opened so far. Never throws.
  std::size_t connections_opened() const noexcept override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace eightsync::connectors
