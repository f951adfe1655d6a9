#include "connect_proxy.hpp"

#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace eightsync::client_test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct connect_proxy::impl : std::enable_shared_from_this<impl> {
  impl(net::io_context& ioc, std::string auth)
      : acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), required(std::move(auth)) {}

  net::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      net::co_spawn(acceptor.get_executor(), serve(std::move(s)), net::detached);
    }
  }

  static net::awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    std::array<char, 16384> buf{};
    for (;;) {
      boost::system::error_code ec;
      const auto n =
          co_await from->async_read_some(net::buffer(buf), net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      co_await net::async_write(*to, net::buffer(buf.data(), n), net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
    }
    boost::system::error_code ignored;
    to->shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> serve(tcp::socket client_socket) {
    auto self = shared_from_this();
    auto client = std::make_shared<tcp::socket>(std::move(client_socket));
    std::string head;
    boost::system::error_code ec;
    co_await net::async_read_until(*client, net::dynamic_buffer(head), "\r\n\r\n",
                                   net::redirect_error(net::use_awaitable, ec));
    if (ec || !head.starts_with("CONNECT ")) co_return;
    const auto sp = head.find(' ', 8);
    const std::string target = head.substr(8, sp - 8);
    last_target = target;
    std::string auth;
    if (const auto p = head.find("\r\nProxy-Authorization: "); p != std::string::npos) {
      const auto start = p + 23;
      auth = head.substr(start, head.find("\r\n", start) - start);
    }
    if (!required.empty() && auth != required) {
      const std::string no = "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n";
      co_await net::async_write(*client, net::buffer(no), net::redirect_error(net::use_awaitable, ec));
      co_return;
    }
    const auto colon = target.rfind(':');
    auto upstream = std::make_shared<tcp::socket>(acceptor.get_executor());
    co_await upstream->async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"),
                      static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1)))),
        net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await net::async_write(*client, net::buffer(ok), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    ++tunnels;
    net::co_spawn(acceptor.get_executor(), pump(client, upstream), net::detached);
    co_await pump(upstream, client);
  }

  tcp::acceptor acceptor;
  std::string required;
  std::string last_target;
  int tunnels = 0;
};

connect_proxy::connect_proxy(net::io_context& ioc, std::string required_authorization)
    : impl_(std::make_shared<impl>(ioc, std::move(required_authorization))) {
  net::co_spawn(ioc, impl_->accept_loop(), net::detached);
}

connect_proxy::~connect_proxy() {
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

std::uint16_t connect_proxy::port() const {
  return impl_->acceptor.local_endpoint().port();
}

int connect_proxy::tunnels() const {
  return impl_->tunnels;
}

std::string connect_proxy::last_target() const {
  return impl_->last_target;
}

}  // namespace eightsync::client_test
