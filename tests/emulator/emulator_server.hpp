#pragma once
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "emulator/emulator_options.hpp"

namespace eightsync::emulator {

/// The emulator's HTTP/1.1 server (keep-alive, optional TLS): routes `/_emulator/…` to the admin
/// handler and everything else through the rate limiter, the fault engine and the SCIM handler,
/// and records each SCIM request in the request log. Runs on the io_context's single thread.
class emulator_server {
 public:
  /// Binds and listens on `opts.host:opts.port`; loads the certificate and key when set. Throws
  /// boost::system::system_error when the address cannot be bound, std::runtime_error for a bad
  /// certificate or key.
  emulator_server(boost::asio::io_context& ioc, emulator_options opts);

  /// Closes the listener; the io_context still owns open connections until it stops.
  ~emulator_server();

  emulator_server(const emulator_server&) = delete;
  emulator_server& operator=(const emulator_server&) = delete;

  /// The bound address (the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  /// `HOST:PORT` of local_endpoint(), with brackets for IPv6: what stdout's first line shows.
  std::string local_address_text() const;

  /// Starts accepting connections on the io_context. Never throws except std::bad_alloc.
  void start();

  /// Stops accepting connections. Never throws.
  void stop() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace eightsync::emulator
