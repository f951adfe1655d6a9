#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "connectors/http_exchange.hpp"

namespace eightsync::connectors {

/// What the SCIM client needs from a connection: one request at a time, its answer (or how it
/// failed) as an http_exchange. http_connection is the real one; raw_response_transport answers
/// from scripted bytes, for tests and fuzz targets.
class http_transport {
 public:
  virtual ~http_transport() = default;

  /// Sends `method target` with `body` (JSON when non-empty) and reads the answer. Failures are
  /// in the result; never throws except std::bad_alloc, or std::logic_error if called while
  /// another request is in flight.
  virtual boost::asio::awaitable<http_exchange> send(std::string method, std::string target,
                                                     std::string body) = 0;

  /// Closes the connection gracefully. Never throws.
  virtual boost::asio::awaitable<void> shutdown() = 0;

  /// Connections opened so far. Never throws.
  virtual std::size_t connections_opened() const noexcept = 0;

 protected:
  http_transport() = default;
  http_transport(const http_transport&) = default;
  http_transport& operator=(const http_transport&) = default;
};

/// Enforces "one call at a time" on a flag for as long as it lives: the flag is set while the
/// call runs and cleared when it ends, however it ends. Throws std::logic_error naming `who`
/// when the flag is already set (a call overlapped another: a bug in the caller).
class one_call_at_a_time {
 public:
  /// Sets `busy`, or throws std::logic_error("`who`: … in flight") when it is set already.
  one_call_at_a_time(bool& busy, const char* who) : busy_(busy) {
    if (busy_) throw std::logic_error(std::string(who) + ": a call is already in flight; await it first");
    busy_ = true;
  }
  ~one_call_at_a_time() { busy_ = false; }
  one_call_at_a_time(const one_call_at_a_time&) = delete;
  one_call_at_a_time& operator=(const one_call_at_a_time&) = delete;

 private:
  bool& busy_;
};

}  // namespace eightsync::connectors
