#include "daemon/metrics_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace eightsync::daemon {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

std::shared_ptr<spdlog::logger> quiet() {
  return std::make_shared<spdlog::logger>("metrics-test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

// A metrics server on its own event-loop thread, as in the service.
class served {
 public:
  explicit served(std::string listen = "127.0.0.1:0") : guard_(ioc_.get_executor()) {
    server_.emplace(
        ioc_.get_executor(), listen, [this] { return "eightsync_test " + std::to_string(++renders_) + "\n"; },
        quiet());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~served() {
    ioc_.stop();
    thread_.join();
  }
  tcp::endpoint endpoint() const { return server_->local_endpoint(); }
  int renders() const { return renders_; }

 private:
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::optional<metrics_server> server_;
  std::atomic<int> renders_{0};
  std::thread thread_;
};

http::response<http::string_body> ask(const tcp::endpoint& ep, http::verb method, const std::string& target) {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(ep);
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  http::write(s, req);
  boost::beast::flat_buffer buf;
  http::response_parser<http::string_body> p;
  if (method == http::verb::head) p.skip(true);
  http::read(s, buf, p);
  return p.release();
}

TEST(metrics_server, serves_the_rendered_text_on_an_ephemeral_loopback_port) {
  served srv;
  const auto ep = srv.endpoint();
  EXPECT_TRUE(ep.address().is_loopback());
  EXPECT_NE(ep.port(), 0);
  const auto r = ask(ep, http::verb::get, "/metrics");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body(), "eightsync_test 1\n");
  // Rendered afresh for every scrape; a query string is ignored.
  EXPECT_EQ(ask(ep, http::verb::get, "/metrics?x=1").body(), "eightsync_test 2\n");
}

TEST(metrics_server, head_unknown_paths_and_other_methods) {
  served srv;
  const auto ep = srv.endpoint();
  const auto head = ask(ep, http::verb::head, "/metrics");
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(head[http::field::content_length], "17");
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(ask(ep, http::verb::get, "/").result(), http::status::ok);
  EXPECT_EQ(ask(ep, http::verb::get, "/users").result(), http::status::not_found);
  const auto post = ask(ep, http::verb::post, "/metrics");
  EXPECT_EQ(post.result(), http::status::method_not_allowed);
  EXPECT_EQ(post[http::field::allow], "GET, HEAD");
}

TEST(metrics_server, keeps_a_connection_alive_across_scrapes) {
  served srv;
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(srv.endpoint());
  boost::beast::flat_buffer buf;
  for (int i = 1; i <= 3; ++i) {
    http::request<http::string_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(s, req);
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(res.body(), "eightsync_test " + std::to_string(i) + "\n");
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST(metrics_server, garbage_gets_400_and_the_server_keeps_serving) {
  served srv;
  {
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect(srv.endpoint());
    net::write(s, net::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(res.result(), http::status::bad_request);
  }
  EXPECT_EQ(ask(srv.endpoint(), http::verb::get, "/metrics").result(), http::status::ok);
}

TEST(metrics_server, refuses_non_loopback_addresses_and_names_the_key) {
  net::io_context ioc;
  for (const char* bad :
       {"0.0.0.0:9464", "192.0.2.1:9464", "[::]:9464", "example.com:9464", "127.0.0.1:x", "9464"}) {
    try {
      metrics_server s(
          ioc.get_executor(), bad, [] { return std::string(); }, quiet());
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(std::string("metrics.listen ") + bad + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(metrics_server, a_port_in_use_is_a_clear_error) {
  served first;
  net::io_context ioc;
  const auto taken = "127.0.0.1:" + std::to_string(first.endpoint().port());
  // SO_REUSEADDR does not let a second listener share a port in LISTEN state.
  try {
    metrics_server s(
        ioc.get_executor(), taken, [] { return std::string(); }, quiet());
    ADD_FAILURE() << "a second server bound " << taken;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen"), std::string::npos) << e.what();
  }
}

TEST(metrics_server, localhost_and_ipv6_loopback) {
  served v4("localhost:0");
  EXPECT_EQ(v4.endpoint().address().to_string(), "127.0.0.1");
  EXPECT_EQ(ask(v4.endpoint(), http::verb::get, "/metrics").result(), http::status::ok);
  net::io_context ioc;
  try {
    metrics_server v6(
        ioc.get_executor(), "[::1]:0", [] { return std::string(); }, quiet());
    EXPECT_EQ(endpoint_text(v6.local_endpoint()).rfind("[::1]:", 0), 0u);
  } catch (const std::runtime_error& e) {
    // A machine without IPv6 on loopback cannot bind [::1]: the error says so.
    EXPECT_NE(std::string(e.what()).find("cannot listen"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eightsync::daemon
