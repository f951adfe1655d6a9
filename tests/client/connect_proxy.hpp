#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace eightsync::client_test {

/// A minimal HTTP CONNECT proxy on 127.0.0.1 for tests, running on the caller's io_context:
/// it answers CONNECT HOST:PORT with 200 and relays bytes both ways, or 407 when it wants
/// credentials that were not given.
class connect_proxy {
 public:
  /// Listens on a free port. With a non-empty `required_authorization` (the whole
  /// Proxy-Authorization value, e.g. "Basic …"), other requests get 407.
  explicit connect_proxy(boost::asio::io_context& ioc, std::string required_authorization = {});
  ~connect_proxy();

  /// The port it listens on.
  std::uint16_t port() const;

  /// Tunnels opened.
  int tunnels() const;

  /// The target of the last CONNECT (HOST:PORT).
  std::string last_target() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace eightsync::client_test
