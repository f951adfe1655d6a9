#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include <boost/system/error_code.hpp>

namespace eightsync::connectors {

/// How far one request got: each stage is reached only when the one before succeeded.
enum class http_stage {
  resolve,      ///< looking the host (or proxy) up
  connect,      ///< opening TCP
  proxy,        ///< the CONNECT exchange with the proxy
  handshake,    ///< TLS handshake (certificate and host name checks)
  write,        ///< sending the request
  read_header,  ///< waiting for the status line and headers
  read_body,    ///< reading the body the headers announced
  done,         ///< a whole answer arrived
};

/// One request and its answer, or how it failed. Never carries request headers.
struct http_exchange {
  http_stage stage = http_stage::resolve;         ///< `done`, or the stage that failed
  boost::system::error_code error;                ///< why it failed; clear when done
  std::string error_text;                         ///< a human description of the failure, if any
  std::size_t bytes_written = 0;                  ///< request bytes the socket (or TLS layer) accepted
  bool reused = false;                            ///< sent on a kept-alive connection
  bool certificate_rejected = false;              ///< the server's certificate failed verification
  unsigned status = 0;                            ///< status, once the header was read
  std::string retry_after;                        ///< the Retry-After header, empty when absent
  std::string body;                               ///< the answer body, when done
  std::chrono::steady_clock::duration latency{};  ///< from the start to the answer (or failure)

  /// True when no byte of the request can have reached the server: it failed before the write,
  /// or the write failed having written nothing. Never throws.
  bool never_left() const noexcept {
    return stage < http_stage::write || (stage == http_stage::write && bytes_written == 0);
  }
};

}  // namespace eightsync::connectors
