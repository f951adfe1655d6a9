#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "connectors/http_connection_options.hpp"
#include "connectors/http_exchange.hpp"
#include "connectors/http_transport.hpp"

namespace eightsync::connectors {

/// One request as the client wrote it to a raw_response_transport.
struct raw_request {
  std::string bytes;           ///< every byte written: request line, headers (token included), body
  std::size_t connection = 0;  ///< the connection that carried it: 1 for the first opened, …
};

/// An http_transport whose server is a script: each request is answered with the next scripted
/// raw bytes, read by the same code as on a real connection (exchange_over_stream, over
/// boost::beast::test::stream), so tests and fuzz targets feed 8x8's answers byte for byte. It
/// builds its requests as http_connection does (make_http_request, from `options`: host, port
/// and tls for the Host header, token, User-Agent, body_limit; nothing is resolved or dialled)
/// and records what was written. Connections behave as real ones: kept alive until an answer
/// says `Connection: close`, a read fails, or the peer closed (the idle check then opens a new
/// one before writing). A read that wants more than the script sent, from a peer that did not
/// close, fails at once as a timeout would (a server gone silent), so nothing ever waits. One
/// request at a time; not thread-safe.
class raw_response_transport final : public http_transport {
 public:
  /// A transport on `executor` with no script yet. Never throws except std::bad_alloc.
  raw_response_transport(boost::asio::any_io_executor executor, http_connection_options options);

  /// Drops the connection and what is left of the script. Never throws.
  ~raw_response_transport() override;

  raw_response_transport(const raw_response_transport&) = delete;
  raw_response_transport& operator=(const raw_response_transport&) = delete;

  /// Scripts the answer to the next request: the server sends `bytes` and keeps the connection
  /// open (when `bytes` is not a whole answer, the read that wants more times out). Throws
  /// std::bad_alloc.
  void answer(std::string bytes);

  /// Scripts the answer to the next request: the server sends `bytes`, then closes the
  /// connection (an answer cut short, or a body that ends at the close). Throws std::bad_alloc.
  void answer_then_close(std::string bytes);

  /// Scripts a failure before any byte of the next request is written, as when the connection
  /// is refused: the request never leaves (stage connect, `error`). Throws std::bad_alloc.
  void refuse(boost::system::error_code error);

  /// refuse() with connection_refused. Throws std::bad_alloc.
  void refuse();

  /// Each read from the connection returns at most `n` bytes (0: as many as there are), so an
  /// answer can be fed in pieces that split it anywhere. Never throws.
  void read_size(std::size_t n) noexcept;

  /// Answers the next scripted step, or, when the script is used up, fails as refuse() does
  /// (so a client that asks more than scripted gets no answer, and no test hangs). Never throws
  /// except std::bad_alloc; throws std::logic_error if called while another request is in flight.
  boost::asio::awaitable<http_exchange> send(std::string method, std::string target,
                                             std::string body) override;

  /// Closes the connection. Never throws.
  boost::asio::awaitable<void> shutdown() override;

  /// Connections opened so far. Never throws.
  std::size_t connections_opened() const noexcept override;

  /// The requests written so far, oldest first (a refused one wrote nothing and is not here).
  /// Never throws.
  const std::vector<raw_request>& requests() const noexcept;

  /// Scripted steps not used yet. Never throws.
  std::size_t steps_left() const noexcept;

  /// Requests that found the script used up. Never throws.
  std::size_t unscripted() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace eightsync::connectors
