#include "emulator/emulator_server.hpp"

#include <charconv>
#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "emulator/admin_handler.hpp"
#include "emulator/emulator_state.hpp"
#include "emulator/iso_time.hpp"
#include "emulator/scim_handler.hpp"
#include "emulator/scim_route.hpp"
#include "emulator/user_schema.hpp"

namespace eightsync::emulator {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto io_timeout = std::chrono::seconds(30);
constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr auto shutdown_timeout = std::chrono::seconds(5);

bool is_loopback(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).is_loopback();
  }
  return a.is_loopback();
}

// The status to answer a request Beast could not parse with; 0 when the connection simply
// closed or timed out, so there is nobody to answer.
unsigned protocol_error_status(const boost::system::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return 0;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return 0;
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  return 400;
}

// The `echo_token` fault's detail: the credential of the Authorization header, without its
// scheme (so no "Bearer" precedes it), as a careless server repeats what it refused; padded with
// "x" to `size` bytes when that is larger.
std::string echo_token_detail(std::string_view authorization, std::size_t size) {
  std::string_view credential = authorization;
  if (const auto space = credential.find(' '); space != std::string_view::npos)
    credential = credential.substr(space + 1);
  std::string detail = "the credential " +
                       (credential.empty() ? std::string("(none)") : std::string(credential)) +
                       " may not do this";
  if (detail.size() < size) detail.append(size - detail.size(), 'x');
  return detail;
}

scim_answer guarded(const auto& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return scim_answer::from_error(make_error(500, "", std::string("emulator bug: ") + e.what()));
  } catch (...) {
    return scim_answer::from_error(make_error(500, "", "emulator bug: unknown exception"));
  }
}

}  // namespace

struct emulator_server::impl {
  impl(net::io_context& ioc, emulator_options o)
      : ioc_(ioc),
        opts_(std::move(o)),
        acceptor_(ioc),
        state_(opts_.seed, opts_.settings, opts_.token),
        scim_(state_),
        admin_(state_) {
    const tcp::endpoint ep(net::ip::make_address(opts_.host), opts_.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
    if (!opts_.cert_file.empty() || !opts_.key_file.empty()) {
      if (opts_.cert_file.empty() || opts_.key_file.empty()) {
        throw std::runtime_error("TLS needs both --cert and --key");
      }
      tls_.emplace(ssl::context::tls_server);
      tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      boost::system::error_code ec;
      tls_->use_certificate_chain_file(opts_.cert_file, ec);
      if (ec) throw std::runtime_error("--cert " + opts_.cert_file + ": " + ec.message());
      tls_->use_private_key_file(opts_.key_file, ssl::context::pem, ec);
      if (ec) throw std::runtime_error("--key " + opts_.key_file + ": " + ec.message());
    }
    state_.faults.replace(opts_.faults);
    state_.base_url = std::string(tls_ ? "https://" : "http://") + address_text() + "/scim/v2";
  }

  std::string address_text() const {
    const auto ep = acceptor_.local_endpoint();
    const auto host = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
      net::co_spawn(acceptor_.get_executor(), run_connection(std::move(socket)), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          std::cerr << "eightsync-emulator: connection ended by an exception: " << ex.what() << "\n";
        }
      });
    }
  }

  net::awaitable<void> run_connection(tcp::socket socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const bool loopback = !ec && is_loopback(peer.address());
    socket.set_option(tcp::no_delay(true), ec);
    if (!tls_) {
      plain_stream stream(std::move(socket));
      co_await serve(stream, loopback);
      co_return;
    }
    tls_stream stream(plain_stream(std::move(socket)), *tls_);
    beast::get_lowest_layer(stream).expires_after(handshake_timeout);
    co_await stream.async_handshake(ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    co_await serve(stream, loopback);
  }

  // Sends close_notify (TLS) or FIN, then closes.
  template <class Stream>
  net::awaitable<void> close_gracefully(Stream& stream) {
    auto& lowest = beast::get_lowest_layer(stream);
    boost::system::error_code ec;
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      lowest.expires_after(shutdown_timeout);
      co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
    }
    lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest.close();
  }

  template <class Stream>
  net::awaitable<bool> write_answer(Stream& stream, scim_answer a, bool keep_alive) {
    http::response<http::string_body> res;
    res.version(11);
    res.result(a.status);
    res.set(http::field::server, "eightsync-emulator");
    if (!a.body.empty()) res.set(http::field::content_type, a.content_type);
    for (const auto& [name, value] : a.headers)
      res.set(name, value);
    res.body() = std::move(a.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(io_timeout);
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  // The headers promise the whole body, half of it is sent, then the connection closes.
  template <class Stream>
  net::awaitable<void> write_truncated(Stream& stream, const scim_answer& a) {
    std::string raw = "HTTP/1.1 " + std::to_string(a.status) + " " +
                      std::string(http::obsolete_reason(http::int_to_status(a.status))) +
                      "\r\nServer: eightsync-emulator\r\n";
    if (!a.body.empty()) raw += "Content-Type: " + a.content_type + "\r\n";
    for (const auto& [name, value] : a.headers)
      raw += name + ": " + value + "\r\n";
    raw += "Content-Length: " + std::to_string(a.body.size()) + "\r\n\r\n";
    raw.append(a.body, 0, a.body.size() / 2);
    boost::system::error_code ec;
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(io_timeout);
    co_await net::async_write(stream, net::buffer(raw), net::redirect_error(net::use_awaitable, ec));
    lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest.close();
  }

  // A malformed request gets an error answer (400, 413 or 431) before the connection closes;
  // a closed or timed-out connection just ends.
  template <class Stream>
  net::awaitable<void> answer_protocol_error(Stream& stream, const boost::system::error_code& ec) {
    const unsigned status = protocol_error_status(ec);
    if (status == 0) co_return;
    const char* what = status == 413   ? "request body over the emulator's limit"
                       : status == 431 ? "request header too large"
                                       : "malformed HTTP request";
    co_await write_answer(stream, scim_answer::from_error(make_error(status, "", what)), false);
    co_await close_gracefully(stream);
  }

  // Reads the rest of the request, answering `Expect: 100-continue` first. Returns false on
  // any error, after answering a malformed or oversized body.
  template <class Stream>
  net::awaitable<bool> read_body(Stream& stream, beast::flat_buffer& buffer,
                                 http::request_parser<http::string_body>& parser) {
    boost::system::error_code ec;
    auto& lowest = beast::get_lowest_layer(stream);
    if (!parser.is_done() && ascii_iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      lowest.expires_after(io_timeout);
      co_await http::async_write(stream, cont, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return false;
    }
    lowest.expires_after(io_timeout);
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_await answer_protocol_error(stream, ec);
    co_return !ec;
  }

  void record(log_entry& e) {
    e.seq = state_.log.append(e);
    if (opts_.verbose) {
      std::cerr << "eightsync-emulator: " << e.seq << ' ' << e.time << ' ' << e.method << ' ' << e.target
                << ' ' << e.status << (e.applied ? " applied" : "") << (e.fault.empty() ? "" : " fault=")
                << e.fault << "\n";
    }
  }

  template <class Stream>
  net::awaitable<void> serve(Stream& stream, bool loopback) {
    auto& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(opts_.max_body_bytes);
      boost::system::error_code ec;
      lowest.expires_after(opts_.idle_timeout);
      co_await http::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        co_await answer_protocol_error(stream, ec);
        co_return;
      }
      const auto received = std::chrono::system_clock::now();
      scim_request req;
      req.method = std::string(parser.get().method_string());
      req.target = std::string(parser.get().target());
      req.peer_is_loopback = loopback;
      const bool keep_alive = parser.get().keep_alive();

      if (admin_handler::is_admin_target(req.target)) {
        if (!co_await read_body(stream, buffer, parser)) co_return;
        req.body = std::move(parser.get().body());
        auto a = guarded([&] { return admin_.handle(req); });
        if (!co_await write_answer(stream, std::move(a), keep_alive)) co_return;
        if (!keep_alive) {
          co_await close_gracefully(stream);
          co_return;
        }
        continue;
      }

      // The SCIM side: rate limit, then faults, then the handler.
      const auto route = parse_scim_route(req.target);
      log_entry entry;
      entry.time = iso8601_utc_ms(received);
      entry.method = req.method;
      entry.target = req.target;

      std::optional<std::chrono::seconds> retry_after;
      if (state_.limiter) retry_after = state_.limiter->try_acquire(std::chrono::steady_clock::now());
      std::optional<fault_spec> fault;
      if (!retry_after) {
        fault_context ctx;
        ctx.method = req.method;
        ctx.path = route ? std::string_view(route->path) : std::string_view(req.target);
        ctx.full_path = route ? std::string_view(route->full_path) : std::string_view(req.target);
        if (route && route->kind == scim_route::resource::users && req.method == "GET" &&
            route->start_index) {
          long long start = 0;
          const auto& s = *route->start_index;
          const auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), start);
          ctx.list_continuation = e == std::errc{} && p == s.data() + s.size() && start > 1;
        }
        ctx.listing =
            route && route->kind == scim_route::resource::users && req.method == "GET" && !route->filter;
        fault = state_.faults.pick(ctx);
      }
      if (fault) entry.fault = std::string(fault_kind_name(fault->kind));

      if (fault && fault->kind == fault_kind::reset) {
        record(entry);
        // SO_LINGER 0: close() sends RST instead of FIN.
        lowest.socket().set_option(net::socket_base::linger(true, 0), ec);
        lowest.close();
        co_return;
      }
      if (!co_await read_body(stream, buffer, parser)) co_return;
      req.authorization = std::string(parser.get()[http::field::authorization]);
      req.body = std::move(parser.get().body());

      scim_answer a;
      if (retry_after) {
        a = scim_answer::from_error(make_error(
            429, "", "too many requests; retry after " + std::to_string(retry_after->count()) + " s"));
        a.headers.emplace_back("Retry-After", std::to_string(retry_after->count()));
      } else if (!route) {
        a = scim_answer::from_error(make_error(400, "invalidSyntax", "malformed request target"));
      } else if (fault && fault->kind == fault_kind::status) {
        a = scim_answer::from_error(
            make_error(fault->status, "", "injected fault: status " + std::to_string(fault->status)));
      } else if (fault && (fault->kind == fault_kind::empty_listing || fault->kind == fault_kind::listing)) {
        a = scim_.fake_listing(*fault, *route);
      } else if (fault && fault->kind == fault_kind::echo_token) {
        a = scim_answer::from_error(make_error(fault->status, "invalidValue",
                                               echo_token_detail(req.authorization, fault->detail_bytes)));
      } else if (fault && fault->kind == fault_kind::retry_after) {
        a = scim_answer::from_error(
            make_error(fault->status, "", "injected fault: retry after " + fault->value));
        a.headers.emplace_back("Retry-After", fault->value);
      } else {
        if (fault && fault->kind == fault_kind::drift) scim_.drift(*fault);
        a = guarded([&] { return scim_.handle(req, *route); });
      }
      entry.status = a.status;
      entry.applied = a.applied;

      const fault_kind kind = fault ? fault->kind : fault_kind::status;
      if (fault && kind == fault_kind::lost_response) {
        entry.status = 0;
        record(entry);
        lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest.close();
        co_return;
      }
      if (fault && kind == fault_kind::truncate) {
        record(entry);
        co_await write_truncated(stream, a);
        co_return;
      }
      if (fault && kind == fault_kind::invalid_json && !a.body.empty()) {
        a.body.resize(a.body.size() / 2);
        a.body += "<!-- not JSON -->";
      }
      record(entry);
      if (fault && kind == fault_kind::slow) {
        net::steady_timer timer(co_await net::this_coro::executor);
        timer.expires_after(std::chrono::milliseconds(fault->delay_ms));
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      }
      if (!co_await write_answer(stream, std::move(a), keep_alive)) co_return;
      if (!keep_alive) {
        co_await close_gracefully(stream);
        co_return;
      }
    }
  }

  net::io_context& ioc_;
  emulator_options opts_;
  tcp::acceptor acceptor_;
  std::optional<ssl::context> tls_;
  emulator_state state_;
  scim_handler scim_;
  admin_handler admin_;
};

emulator_server::emulator_server(net::io_context& ioc, emulator_options opts)
    : impl_(std::make_unique<impl>(ioc, std::move(opts))) {}

emulator_server::~emulator_server() {
  stop();
}

tcp::endpoint emulator_server::local_endpoint() const {
  return impl_->acceptor_.local_endpoint();
}

std::string emulator_server::local_address_text() const {
  return impl_->address_text();
}

void emulator_server::start() {
  net::co_spawn(impl_->acceptor_.get_executor(), impl_->accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::cerr << "eightsync-emulator: accept loop ended: " << ex.what() << "\n";
    }
  });
}

void emulator_server::stop() noexcept {
  boost::system::error_code ec;
  impl_->acceptor_.close(ec);
}

}  // namespace eightsync::emulator
