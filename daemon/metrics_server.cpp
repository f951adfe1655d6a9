#include "daemon/metrics_server.hpp"

#include <charconv>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace eightsync::daemon {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto io_timeout = std::chrono::seconds(10);
constexpr std::size_t max_connections = 16;
constexpr std::uint32_t header_limit = 8 * 1024;
constexpr std::uint64_t body_limit = 4 * 1024;
constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

// "HOST:PORT" with HOST an IPv4 literal, a bracketed IPv6 literal or `localhost`; loopback only.
tcp::endpoint parse_listen(std::string_view listen) {
  const auto bad = [&](const std::string& why) {
    return std::runtime_error("metrics.listen " + std::string(listen) + ": " + why);
  };
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) throw bad("expected HOST:PORT such as 127.0.0.1:9464");
  std::string_view host = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  unsigned port = 0;
  const auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535)
    throw bad("the port must be a number from 0 to 65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  net::ip::address address;
  if (host == "localhost") {
    address = net::ip::address_v4::loopback();
  } else {
    boost::system::error_code parse_ec;
    address = net::ip::make_address(std::string(host), parse_ec);
    if (parse_ec) throw bad("the host must be an IP address or localhost");
  }
  if (!address.is_loopback())
    throw bad(
        "not a loopback address: the endpoint has no authentication, so eightsync serves it on "
        "127.0.0.1, [::1] or localhost only; scrape it from this machine or through a proxy");
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto host = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
}

struct metrics_server::shared {
  shared(net::any_io_executor ex, render_fn r, std::shared_ptr<spdlog::logger> l)
      : acceptor(std::move(ex)), render(std::move(r)), log(std::move(l)) {}
  tcp::acceptor acceptor;
  render_fn render;
  std::shared_ptr<spdlog::logger> log;
  std::size_t connections = 0;
  bool stopped = false;
};

namespace {

http::response<http::string_body> answer(const http::request<http::string_body>& req,
                                         const metrics_server::render_fn& render) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(http::field::server, "eightsync");
  std::string_view target = req.target();
  if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  const bool head = req.method() == http::verb::head;
  if (req.method() != http::verb::get && !head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET, HEAD");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "eightsync serves metrics to GET only\n";
  } else if (target == "/metrics") {
    res.result(http::status::ok);
    res.set(http::field::content_type, content_type);
    res.body() = render();
  } else if (target == "/") {
    res.result(http::status::ok);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "eightsync: Prometheus metrics at /metrics\n";
  } else {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "not found: eightsync serves /metrics\n";
  }
  res.prepare_payload();
  if (head) res.body().clear();  // the Content-Length of the GET stays
  return res;
}

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
net::awaitable<void> serve(tcp::socket socket, std::shared_ptr<metrics_server::shared> s) {
  struct count {
    std::size_t& n;
    ~count() { --n; }
  } counted{s->connections};
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  while (!s->stopped) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    stream.expires_after(io_timeout);
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != net::error::eof &&
          ec != net::error::connection_reset && ec != net::error::operation_aborted) {
        http::response<http::string_body> bad{http::status::bad_request, 11};
        bad.set(http::field::server, "eightsync");
        bad.keep_alive(false);
        bad.body() = "bad request: " + ec.message() + "\n";
        bad.prepare_payload();
        stream.expires_after(io_timeout);
        co_await http::async_write(stream, bad, net::redirect_error(net::use_awaitable, ec));
      }
      break;
    }
    auto res = answer(parser.get(), s->render);
    stream.expires_after(io_timeout);
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(std::shared_ptr<metrics_server::shared> s) {
  while (!s->stopped) {
    boost::system::error_code ec;
    tcp::socket socket = co_await s->acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (s->stopped || ec == net::error::operation_aborted) co_return;
    if (ec) {
      // E.g. out of file descriptors: say so, and do not spin on it.
      s->log->warn("metrics.accept_failed {}", ec.message());
      net::steady_timer pause(s->acceptor.get_executor(), std::chrono::milliseconds(200));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    if (s->connections >= max_connections) {
      s->log->warn("metrics.too_many_connections limit={}: closing a new one", max_connections);
      socket.close(ec);
      continue;
    }
    ++s->connections;
    net::co_spawn(s->acceptor.get_executor(), serve(std::move(socket), s),
                  [log = s->log](std::exception_ptr e) {
                    if (!e) return;
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      log->warn("metrics.connection_failed {}", ex.what());
                    }
                  });
  }
}
#pragma GCC diagnostic pop

}  // namespace

metrics_server::metrics_server(net::any_io_executor executor, std::string_view listen, render_fn render,
                               std::shared_ptr<spdlog::logger> log)
    : shared_(std::make_shared<shared>(executor, std::move(render), std::move(log))) {
  const auto ep = parse_listen(listen);
  boost::system::error_code ec;
  auto& a = shared_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("metrics.listen " + std::string(listen) + ": cannot listen: " + ec.message());
  net::co_spawn(executor, accept_loop(shared_), [log = shared_->log](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log->error("metrics.stopped {}", ex.what());
    }
  });
}

metrics_server::~metrics_server() {
  stop();
}

void metrics_server::stop() noexcept {
  if (shared_->stopped) return;
  shared_->stopped = true;
  boost::system::error_code ec;
  shared_->acceptor.close(ec);
}

tcp::endpoint metrics_server::local_endpoint() const noexcept {
  boost::system::error_code ec;
  return shared_->acceptor.local_endpoint(ec);
}

}  // namespace eightsync::daemon
