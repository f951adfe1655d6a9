#include "http_client.hpp"

#include <cctype>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace eightsync::emulator::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct http_client::impl {
  net::io_context ioc;
  std::uint16_t port;
  std::optional<ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool connected() { return (plain || secure) && lowest().socket().is_open(); }

  // Runs the io_context until the started operation completes (the stream's timer bounds it).
  void run() {
    ioc.restart();
    ioc.run();
  }

  boost::system::error_code connect(std::chrono::milliseconds timeout) {
    close();
    buffer.clear();
    boost::system::error_code result;
    const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
    if (tls) {
      secure.emplace(beast::tcp_stream(ioc), *tls);
    } else {
      plain.emplace(ioc);
    }
    lowest().expires_after(timeout);
    lowest().async_connect(ep, [&](boost::system::error_code ec) { result = ec; });
    run();
    if (result || !tls) return result;
    secure->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    lowest().expires_after(timeout);
    secure->async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) { result = ec; });
    run();
    return result;
  }

  void close() {
    boost::system::error_code ec;
    if (plain || secure) lowest().socket().close(ec);
    secure.reset();
    plain.reset();
  }

  template <class F>
  auto with_stream(F&& f) {
    if (secure) return f(*secure);
    return f(*plain);
  }
};

http_client::http_client(std::uint16_t port, std::string token, std::string ca_file)
    : impl_(std::make_unique<impl>()), token_(std::move(token)) {
  impl_->port = port;
  if (!ca_file.empty()) {
    impl_->tls.emplace(ssl::context::tls_client);
    impl_->tls->load_verify_file(ca_file);
    impl_->tls->set_verify_mode(ssl::verify_peer);
  }
}

http_client::~http_client() {
  impl_->close();
}

void http_client::disconnect() {
  impl_->close();
}

http_result http_client::post(std::string_view target, const boost::json::value& v) {
  return request("POST", target, boost::json::serialize(v), {{"Content-Type", "application/scim+json"}});
}

http_result http_client::put(std::string_view target, const boost::json::value& v) {
  return request("PUT", target, boost::json::serialize(v), {{"Content-Type", "application/scim+json"}});
}

http_result http_client::patch(std::string_view target, const boost::json::value& v) {
  return request("PATCH", target, boost::json::serialize(v), {{"Content-Type", "application/scim+json"}});
}

http_result http_client::request(std::string_view method, std::string_view target, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers) {
  http_result out;
  const auto started = std::chrono::steady_clock::now();
  const auto finish = [&](boost::system::error_code ec) {
    out.error = ec;
    out.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (ec) impl_->close();
    return out;
  };
  if (!impl_->connected()) {
    if (auto ec = impl_->connect(timeout_)) return finish(ec);
    ++connections_;
  }
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  req.set(http::field::accept, "application/scim+json");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  for (const auto& [k, v] : headers)
    req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();

  boost::system::error_code result;
  impl_->lowest().expires_after(timeout_);
  impl_->with_stream([&](auto& s) {
    http::async_write(s, req, [&](boost::system::error_code ec, std::size_t) { result = ec; });
  });
  impl_->run();
  if (result) return finish(result);

  // Skip interim answers (100 Continue) until the final one.
  std::optional<http::response_parser<http::string_body>> parser;
  do {
    parser.emplace();
    parser->body_limit(boost::none);
    impl_->lowest().expires_after(timeout_);
    impl_->with_stream([&](auto& s) {
      http::async_read(s, impl_->buffer, *parser,
                       [&](boost::system::error_code ec, std::size_t) { result = ec; });
    });
    impl_->run();
    if (result) return finish(result);
  } while (parser->get().result_int() / 100 == 1);
  auto& res = parser->get();
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  const bool keep = res.keep_alive();
  finish({});
  if (!keep) impl_->close();
  return out;
}

std::string http_client::raw_exchange(const std::string& bytes, std::chrono::milliseconds wait) {
  impl_->close();
  if (impl_->connect(timeout_)) return {};
  ++connections_;
  boost::system::error_code result;
  impl_->lowest().expires_after(wait);
  impl_->with_stream([&](auto& s) {
    net::async_write(s, net::buffer(bytes), [&](boost::system::error_code ec, std::size_t) { result = ec; });
  });
  impl_->run();
  std::string received;
  char buf[4096];
  for (;;) {
    std::size_t n = 0;
    impl_->lowest().expires_after(wait);
    impl_->with_stream([&](auto& s) {
      s.async_read_some(net::buffer(buf), [&](boost::system::error_code ec, std::size_t k) {
        result = ec;
        n = k;
      });
    });
    impl_->run();
    received.append(buf, n);
    if (result) break;
  }
  impl_->close();
  return received;
}

}  // namespace eightsync::emulator::test
