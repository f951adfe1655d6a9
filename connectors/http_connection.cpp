#include "connectors/http_connection.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "connectors/http_stream_exchange.hpp"

namespace eightsync::connectors {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  (void)net::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct http_connection::impl {
  impl(net::any_io_executor executor, http_connection_options o, std::shared_ptr<spdlog::logger> l)
      : ex_(std::move(executor)), opts_(std::move(o)), log_(std::move(l)) {
    host_header_ = http_authority(opts_.host, opts_.port, true, opts_.tls);
    if (!opts_.tls) return;
    ctx_.emplace(ssl::context::tls_client);
    ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    // No system store (e.g. a minimal container) is not fatal when a CA file is given.
    ctx_->set_default_verify_paths(ec);
    if (opts_.ca_file) {
      ctx_->load_verify_file(*opts_.ca_file, ec);
      if (ec) throw std::invalid_argument("ca_file " + *opts_.ca_file + ": cannot load it: " + ec.message());
    }
    ctx_->set_verify_mode(ssl::verify_peer);
  }

  beast::tcp_stream& lowest() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

  bool is_open() const noexcept {
    if (secure_) return beast::get_lowest_layer(*secure_).socket().is_open();
    return plain_ && plain_->socket().is_open();
  }

  void close() noexcept {
    if (plain_ || secure_) {
      boost::system::error_code ec;
      auto& s = lowest().socket();
      s.shutdown(tcp::socket::shutdown_both, ec);
      s.close(ec);
    }
    secure_.reset();
    plain_.reset();
    buffer_.clear();
  }

  // Whether an idle kept-alive connection can carry the next request. Anything readable while
  // idle (end of stream, a reset, a TLS close_notify, stray bytes) means the server is done with
  // it; finding out now, before writing, is what lets a POST be sent on a fresh connection
  // instead of being lost in the race with the server's close.
  bool idle_connection_usable() noexcept {
    if (buffer_.size() > 0) return false;
    char c = 0;
    const auto n = ::recv(lowest().socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  void fail(http_exchange& ex, boost::system::error_code ec, std::string what) {
    record_http_failure(ex, ec, std::move(what), opts_.timeout);
  }

  net::awaitable<bool> open(http_exchange& ex) {
    close();
    const std::string& host = opts_.proxy ? opts_.proxy->host : opts_.host;
    const std::uint16_t port = opts_.proxy ? opts_.proxy->port : opts_.port;
    boost::system::error_code ec;

    ex.stage = http_stage::resolve;
    // The resolver has no timeout of its own: a timer cancels it. The handler may run after
    // this frame is gone (it was already queued when the lookup finished), so it owns its state.
    auto resolver = std::make_shared<tcp::resolver>(ex_);
    auto timed_out = std::make_shared<bool>(false);
    net::steady_timer deadline(ex_);
    deadline.expires_after(opts_.timeout);
    deadline.async_wait([resolver, timed_out](boost::system::error_code e) {
      if (e) return;
      *timed_out = true;
      resolver->cancel();
    });
    const auto endpoints = co_await resolver->async_resolve(host, std::to_string(port),
                                                            net::redirect_error(net::use_awaitable, ec));
    deadline.cancel();
    if (*timed_out) ec = beast::error::timeout;
    if (ec) {
      fail(ex, ec, "resolving " + host);
      co_return false;
    }

    ex.stage = http_stage::connect;
    beast::tcp_stream stream(ex_);
    stream.expires_after(opts_.timeout);
    co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      fail(ex, ec, "connecting to " + http_authority(host, port, false, false));
      co_return false;
    }
    ++opened_;
    stream.socket().set_option(tcp::no_delay(true), ec);

    if (opts_.proxy && !co_await proxy_connect(stream, ex)) co_return false;

    if (!opts_.tls) {
      plain_.emplace(std::move(stream));
    } else {
      ex.stage = http_stage::handshake;
      secure_.emplace(std::move(stream), *ctx_);
      // SNI carries names only (RFC 6066); the certificate check covers names and addresses.
      SSL* native = secure_->native_handle();
      if (is_ip_literal(opts_.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), opts_.host.c_str());
      } else {
        SSL_set_tlsext_host_name(native, opts_.host.c_str());
        SSL_set1_host(native, opts_.host.c_str());
      }
      // OpenSSL checks the name during chain verification (so a mismatch is reported as such),
      // and host_name_verification checks it again, as bmcweb does.
      secure_->set_verify_callback(ssl::host_name_verification(opts_.host));
      lowest().expires_after(opts_.timeout);
      co_await secure_->async_handshake(ssl::stream_base::client,
                                        net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        std::string what = "TLS handshake with " + opts_.host;
        const long verify = SSL_get_verify_result(secure_->native_handle());
        if (verify != X509_V_OK) {
          what += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
          ex.certificate_rejected = true;
        }
        fail(ex, ec, std::move(what));
        close();
        co_return false;
      }
    }
    log_->debug("scim.connect host={} port={} tls={} proxy={}", opts_.host, opts_.port, opts_.tls,
                opts_.proxy ? opts_.proxy->display() : std::string("none"));
    co_return true;
  }

  net::awaitable<bool> proxy_connect(beast::tcp_stream& stream, http_exchange& ex) {
    ex.stage = http_stage::proxy;
    const std::string target = http_authority(opts_.host, opts_.port, false, opts_.tls);
    http::request<http::empty_body> req{http::verb::connect, target, 11};
    req.set(http::field::host, target);
    req.set(http::field::user_agent, opts_.user_agent);
    if (!opts_.proxy->authorization.empty()) {
      req.set(http::field::proxy_authorization, opts_.proxy->authorization.reveal());
    }
    boost::system::error_code ec;
    stream.expires_after(opts_.timeout);
    co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
    if (!ec) {
      // A CONNECT answer has no body: the tunnel starts right after the header.
      http::response_parser<http::empty_body> parser;
      parser.skip(true);
      beast::flat_buffer buf;
      stream.expires_after(opts_.timeout);
      co_await http::async_read_header(stream, buf, parser, net::redirect_error(net::use_awaitable, ec));
      if (!ec && parser.get().result_int() / 100 != 2) {
        ex.error = net::error::connection_refused;
        ex.error_text = "proxy " + opts_.proxy->display() + " refused CONNECT " + target + ": " +
                        std::to_string(parser.get().result_int()) + " " + std::string(parser.get().reason());
        stream.close();
        co_return false;
      }
      if (!ec && buf.size() > 0) {
        ex.error = net::error::invalid_argument;
        ex.error_text = "proxy " + opts_.proxy->display() + " sent data before the tunnel was used";
        stream.close();
        co_return false;
      }
    }
    if (ec) {
      fail(ex, ec, "CONNECT through proxy " + opts_.proxy->display());
      stream.close();
      co_return false;
    }
    co_return true;
  }

  template <class Stream>
  net::awaitable<void> exchange(Stream& stream, http::request<http::string_body>& req, http_exchange& ex) {
    // tcp_stream's timer covers one operation: it is re-armed before the write and each read.
    const auto end = co_await exchange_over_stream(
        stream, buffer_, req, opts_.body_limit, [this] { lowest().expires_after(opts_.timeout); }, ex);
    if (end.error) {
      fail(ex, end.error, std::string(end.failed_while));
      close();
    } else if (!end.keep_alive) {
      close();
    }
  }

  net::any_io_executor ex_;
  http_connection_options opts_;
  std::shared_ptr<spdlog::logger> log_;
  std::optional<ssl::context> ctx_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<tls_stream> secure_;
  beast::flat_buffer buffer_;
  std::string host_header_;
  bool busy_ = false;
  std::size_t opened_ = 0;
};

http_connection::http_connection(net::any_io_executor executor, http_connection_options options,
                                 std::shared_ptr<spdlog::logger> logger)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(options),
                                   logger ? std::move(logger) : spdlog::default_logger())) {}

http_connection::~http_connection() {
  impl_->close();
}

bool http_connection::is_open() const noexcept {
  return impl_->is_open();
}

std::size_t http_connection::connections_opened() const noexcept {
  return impl_->opened_;
}

net::awaitable<http_exchange> http_connection::send(std::string method, std::string target,
                                                    std::string body) {
  auto& d = *impl_;
  const one_call_at_a_time guard(d.busy_, "http_connection");

  http_exchange ex;
  const auto started = std::chrono::steady_clock::now();
  if (d.is_open() && !d.idle_connection_usable()) {
    d.log_->debug("scim.reconnect reason=\"the server closed the idle connection\"");
    d.close();
  }
  ex.reused = d.is_open();
  if (!ex.reused && !co_await d.open(ex)) {
    ex.latency = std::chrono::steady_clock::now() - started;
    co_return ex;
  }

  auto req = make_http_request(method, target, std::move(body), d.host_header_, d.opts_);

  if (d.secure_) {
    co_await d.exchange(*d.secure_, req, ex);
  } else {
    co_await d.exchange(*d.plain_, req, ex);
  }
  ex.latency = std::chrono::steady_clock::now() - started;
  co_return ex;
}

net::awaitable<void> http_connection::shutdown() {
  auto& d = *impl_;
  if (d.secure_ && d.is_open()) {
    boost::system::error_code ec;
    d.lowest().expires_after(d.opts_.timeout);
    co_await d.secure_->async_shutdown(net::redirect_error(net::use_awaitable, ec));
  }
  d.close();
}

}  // namespace eightsync::connectors
