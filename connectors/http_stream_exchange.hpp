#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/error_code.hpp>

#include "connectors/http_connection_options.hpp"
#include "connectors/http_exchange.hpp"

// The request-write and answer-read half of an HTTP exchange, shared by http_connection (over
// TCP or TLS) and raw_response_transport (over boost::beast::test::stream), so the bytes a test
// or a fuzz target feeds go through the very code that reads 8x8's answers.

namespace eightsync::connectors {

/// Capacity the read buffer keeps across requests: Beast's cap on one read_some.
inline constexpr std::size_t http_read_buffer_size = 64 * 1024;

/// The largest answer header (status line and fields) accepted, in bytes.
inline constexpr std::size_t http_header_limit = 64 * 1024;

/// `host:port` as in a Host header or a CONNECT target: an IPv6 literal in brackets, the port
/// left out when `omit_default_port` and it is the scheme's default (443 with `tls`, else 80).
/// Throws std::bad_alloc.
std::string http_authority(const std::string& host, std::uint16_t port, bool omit_default_port, bool tls);

/// The request http_connection sends for `method target` with `body`: HTTP/1.1, keep-alive,
/// `host_header`, the User-Agent of `options`, Accept for SCIM JSON, `Authorization: Bearer`
/// with the token of `options` when it has one (the one place the token is read), and a SCIM
/// JSON Content-Type with the body when `body` is not empty. Throws std::bad_alloc.
boost::beast::http::request<boost::beast::http::string_body> make_http_request(
    std::string_view method, std::string_view target, std::string body, const std::string& host_header,
    const http_connection_options& options);

/// What `s` is called in a timeout's error text: "resolving", "connecting", … "waiting for the
/// answer", "reading the answer body". Never throws.
std::string_view http_stage_text(http_stage s) noexcept;

/// Records in `ex` that it failed with `ec` while doing `what`: error, and error_text, which for
/// a timeout names the stage `ex` reached and `timeout`, else reads "`what`: message". Throws
/// std::bad_alloc.
void record_http_failure(http_exchange& ex, boost::system::error_code ec, std::string what,
                         std::chrono::milliseconds timeout);

/// How one exchange over an open stream ended, and so what becomes of the stream.
struct http_stream_end {
  boost::system::error_code error;  ///< why it failed (the exchange's stage says where); clear when done
  std::string_view failed_while;    ///< "sending the request", "reading the answer header" or
                                    ///< "reading the answer body"; empty when done
  bool keep_alive = false;          ///< the stream may carry the next request (a whole answer that
                                    ///< did not ask to close)
};

/// Writes `req` on the open `stream` and reads the answer into `ex`: stage (write, read_header,
/// read_body, then done), bytes_written, status and Retry-After once the header is read, the
/// body once it is whole. The header may be at most http_header_limit bytes, the body at most
/// `body_limit`. `buffer` carries bytes between reads and across requests on one stream; it is
/// given http_read_buffer_size of capacity. `arm_deadline()` is called before the write and
/// before each read (tcp_stream re-arms its timer there; a test stream has none). The caller
/// closes the stream after an error or when keep_alive is false. Failures are in the result;
/// throws std::bad_alloc, or what `arm_deadline` throws.
template <class Stream, class ArmDeadline>
boost::asio::awaitable<http_stream_end> exchange_over_stream(
    Stream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::request<boost::beast::http::string_body>& req, std::size_t body_limit,
    ArmDeadline arm_deadline, http_exchange& ex) {
  boost::system::error_code ec;
  ex.stage = http_stage::write;
  arm_deadline();
  ex.bytes_written = co_await boost::beast::http::async_write(
      stream, req, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (ec) co_return http_stream_end{ec, "sending the request", false};

  ex.stage = http_stage::read_header;
  // Beast reads at most min(64 KiB, max(512, free capacity)) bytes per read_some, and a
  // flat_buffer that the parser drains never grows past its first 512 bytes: an 850 KB list
  // page took ~1,800 recvmsg calls, each with its own epoll_wait and timer re-arm. With 64 KiB
  // of capacity kept across requests each read takes up to 64 KiB.
  buffer.reserve(http_read_buffer_size);
  boost::beast::http::response_parser<boost::beast::http::string_body> parser;
  parser.header_limit(http_header_limit);
  parser.body_limit(body_limit);
  arm_deadline();
  co_await boost::beast::http::async_read_header(stream, buffer, parser,
                                                 boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (ec) co_return http_stream_end{ec, "reading the answer header", false};
  ex.status = parser.get().result_int();
  ex.retry_after = std::string(parser.get()[boost::beast::http::field::retry_after]);

  ex.stage = http_stage::read_body;
  arm_deadline();
  co_await boost::beast::http::async_read(stream, buffer, parser,
                                          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (ec) co_return http_stream_end{ec, "reading the answer body", false};
  ex.body = std::move(parser.get().body());
  ex.stage = http_stage::done;
  co_return http_stream_end{{}, {}, parser.get().keep_alive()};
}

}  // namespace eightsync::connectors
