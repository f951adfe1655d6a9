#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace eightsync::daemon {

/// The Prometheus endpoint of `metrics.listen`: a small Boost.Beast HTTP/1.1 server on the
/// service's event loop. `GET /metrics` (or HEAD) answers the text `render` returns, as
/// `text/plain; version=0.0.4`; `/` says where the metrics are; anything else is 404, and a method
/// other than GET or HEAD 405. It listens on loopback only (the endpoint has no authentication),
/// keeps at most 16 connections, and drops one idle or slow for 10 s. Serving never blocks a
/// cycle: both share the one thread, and `render` reads memory only.
class metrics_server {
 public:
  using render_fn = std::function<std::string()>;

  /// Binds `listen` ("127.0.0.1:9464", "[::1]:9464", "localhost:9464"; port 0 picks a free one)
  /// on `executor` and starts accepting. Throws std::runtime_error naming `listen` when it is not
  /// a loopback address or cannot be bound (e.g. the port is in use).
  metrics_server(boost::asio::any_io_executor executor, std::string_view listen, render_fn render,
                 std::shared_ptr<spdlog::logger> log);

  /// Stops accepting; open connections end at their next read. Never throws.
  ~metrics_server();

  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// The address bound, with the port chosen when `listen` asked for port 0. Never throws.
  boost::asio::ip::tcp::endpoint local_endpoint() const noexcept;

  /// Stops accepting (also done by the destructor). Never throws.
  void stop() noexcept;

  struct shared;

 private:
  std::shared_ptr<shared> shared_;
};

/// "127.0.0.1:9464" or "[::1]:9464". Throws only std::bad_alloc.
std::string endpoint_text(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace eightsync::daemon
