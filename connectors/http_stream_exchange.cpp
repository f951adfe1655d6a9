#include "connectors/http_stream_exchange.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace eightsync::connectors {

namespace http = boost::beast::http;

std::string_view http_stage_text(http_stage s) noexcept {
  switch (s) {
    case http_stage::resolve:
      return "resolving";
    case http_stage::connect:
      return "connecting";
    case http_stage::proxy:
      return "the proxy CONNECT";
    case http_stage::handshake:
      return "the TLS handshake";
    case http_stage::write:
      return "sending the request";
    case http_stage::read_header:
      return "waiting for the answer";
    case http_stage::read_body:
      return "reading the answer body";
    case http_stage::done:
      return "done";
  }
  return "?";
}

void record_http_failure(http_exchange& ex, boost::system::error_code ec, std::string what,
                         std::chrono::milliseconds timeout) {
  ex.error = ec;
  if (ec == boost::beast::error::timeout) {
    ex.error_text = "timeout after " + std::to_string(timeout.count()) + " ms while " +
                    std::string(http_stage_text(ex.stage));
  } else {
    ex.error_text = std::move(what) + ": " + ec.message();
  }
}

std::string http_authority(const std::string& host, std::uint16_t port, bool omit_default_port, bool tls) {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = tls ? port == 443 : port == 80;
  if (!omit_default_port || !default_port) out += ":" + std::to_string(port);
  return out;
}

http::request<http::string_body> make_http_request(std::string_view method, std::string_view target,
                                                   std::string body, const std::string& host_header,
                                                   const http_connection_options& options) {
  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_header);
  req.set(http::field::user_agent, options.user_agent);
  req.set(http::field::accept, "application/scim+json, application/json");
  if (!options.token.empty()) {
    // The one place the token is read: it goes on the wire and nowhere else.
    std::string value = "Bearer ";
    value += options.token.reveal();
    req.set(http::field::authorization, value);
    volatile char* p = value.data();
    for (std::size_t i = 0; i < value.size(); ++i)
      p[i] = 0;
  }
  if (!body.empty()) {
    req.set(http::field::content_type, "application/scim+json; charset=utf-8");
    req.body() = std::move(body);
  }
  req.keep_alive(true);
  req.prepare_payload();
  return req;
}

}  // namespace eightsync::connectors
