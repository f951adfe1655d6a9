// The SCIM client's answer handling, fed raw response bytes: each test scripts what the server
// sends (raw_response_transport), the bytes go through the real Beast reading code
// (exchange_over_stream) and the client's real classification, and the test checks the
// scim_result and the raw requests the client wrote. No network, no emulator.
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "connectors/pacing_sleeper.hpp"
#include "connectors/raw_response_transport.hpp"
#include "connectors/scim_client.hpp"
#include "connectors/timer_sleeper.hpp"
#include "core/clock.hpp"
#include "core/pacing.hpp"
#include "core/scim_port.hpp"
#include "core/sliding_window_rate_limiter.hpp"
#include "core/unlimited_rate_limiter.hpp"

namespace eightsync::connectors {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using core::scim_outcome;
using namespace std::chrono_literals;

constexpr std::string_view token = "raw-token-7d41c0e9b2a6";
constexpr std::string_view host = "scim.example.test";
constexpr std::string_view user_json = R"({"id":"u1","userName":"jane@example.com","active":true})";

// An HTTP/1.1 answer with a Content-Length; `headers` are extra lines, each ending in CRLF.
std::string answer(unsigned status, std::string_view reason, std::string_view body = {},
                   std::string_view headers = {}, std::string_view content_type = "application/scim+json") {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  if (!body.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += headers;
  out += "\r\n";
  out += body;
  return out;
}

// A SCIM error body.
std::string scim_error(unsigned status, std::string_view detail, std::string_view scim_type = {}) {
  json::object o{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:Error"}},
                 {"status", std::to_string(status)},
                 {"detail", detail}};
  if (!scim_type.empty()) o["scimType"] = scim_type;
  return json::serialize(o);
}

// Parses one request as the client wrote it; fails the test unless the bytes are exactly one
// whole HTTP/1.1 request.
http::request<http::string_body> parse_request(const std::string& raw) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::system::error_code ec;
  const auto used = parser.put(net::buffer(raw), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << raw;
  EXPECT_TRUE(parser.is_done()) << raw;
  EXPECT_EQ(used, raw.size()) << "bytes after the request:\n" << raw;
  return parser.release();
}

// How often `needle` occurs in `haystack`.
std::size_t occurrences(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

json::object new_user() {
  return json::object{
      {"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:User"}},
      {"userName", "jane@example.com"},
      {"name", json::object{{"givenName", "Jane"}, {"familyName", "Doe"}}},
  };
}

// Builds SCIM clients whose transport is a raw_response_transport on the fixture's io_context,
// with a manual clock and an unlimited limiter reading it, 3 attempts and 1..5 ms backoff.
class scim_client_raw : public ::testing::Test {
 protected:
  /// The options every test starts from.
  scim_client_options options() const {
    scim_client_options o;
    o.base_url = "https://" + std::string(host) + "/scim/v2";
    o.token = core::secret_token(std::string(token));
    o.rate_limiter = limiter_;
    o.clock = clock_;
    o.retry.attempts = 3;
    o.retry.base_delay = 1ms;
    o.retry.max_delay = 5ms;
    o.timeout = 10s;
    o.proxy_from_environment = false;
    return o;
  }

  /// A client for `o` whose server is the script of server().
  scim_client& client(scim_client_options o) {
    http_connection_options h;
    h.host = std::string(host);
    h.port = 443;
    h.tls = true;
    h.token = o.token;
    h.timeout = o.timeout;
    h.body_limit = o.body_limit;
    h.user_agent = o.user_agent;
    auto transport = std::make_unique<raw_response_transport>(ioc_.get_executor(), std::move(h));
    server_ = transport.get();
    client_ = std::make_unique<scim_client>(ioc_.get_executor(), std::move(o), std::move(transport));
    return *client_;
  }

  scim_client& client() { return client(options()); }

  /// What the last client counted.
  const core::request_tally& tally() const { return client_->tally(); }

  /// The transport of the last client: its script and the requests it saw.
  raw_response_transport& server() { return *server_; }

  /// Runs `aw` to completion on the fixture's io_context; rethrows its exception.
  template <class T>
  T run(net::awaitable<T> aw) {
    std::optional<T> out;
    std::exception_ptr error;
    net::co_spawn(ioc_, std::move(aw), [&](std::exception_ptr e, T v) {
      error = e;
      if (!e) out = std::move(v);
    });
    ioc_.restart();
    ioc_.run();
    if (error) std::rethrow_exception(error);
    if (!out) throw std::logic_error("the call did not finish");
    return std::move(*out);
  }

  /// Runs an awaitable<void> to completion; rethrows its exception.
  void run(net::awaitable<void> aw) {
    bool done = false;
    std::exception_ptr error;
    net::co_spawn(ioc_, std::move(aw), [&](std::exception_ptr e) {
      error = e;
      done = true;
    });
    ioc_.restart();
    ioc_.run();
    if (error) std::rethrow_exception(error);
    if (!done) throw std::logic_error("the call did not finish");
  }

  /// The method and target of request `i`.
  std::string request_line(std::size_t i) {
    if (i >= server().requests().size()) return "(no request " + std::to_string(i) + ")";
    const auto req = parse_request(server().requests()[i].bytes);
    return std::string(req.method_string()) + " " + std::string(req.target());
  }

  /// The time the manual clock started at.
  static core::clock::time_point start() { return core::manual_clock{}.now(); }

  net::io_context ioc_;
  std::shared_ptr<core::manual_clock> clock_ = std::make_shared<core::manual_clock>();
  std::shared_ptr<core::unlimited_rate_limiter> limiter_ =
      std::make_shared<core::unlimited_rate_limiter>(*clock_);

 private:
  raw_response_transport* server_ = nullptr;
  std::unique_ptr<scim_client> client_;
};

// --- 2xx ---------------------------------------------------------------------------------------

TEST_F(scim_client_raw, GetOkCarriesTheUser) {
  auto& c = client();
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "");
  EXPECT_EQ(r.body_bytes, user_json.size());
  EXPECT_FALSE(r.retry_after);
  ASSERT_TRUE(r.resource);
  EXPECT_EQ(r.resource->at("id").as_string(), "u1");
  EXPECT_EQ(r.resource->at("userName").as_string(), "jane@example.com");

  ASSERT_EQ(server().requests().size(), 1u);
  const auto& raw = server().requests()[0].bytes;
  EXPECT_TRUE(raw.starts_with("GET /scim/v2/Users/u1 HTTP/1.1\r\n")) << raw;
  const auto req = parse_request(raw);
  EXPECT_EQ(req.method(), http::verb::get);
  EXPECT_EQ(req.target(), "/scim/v2/Users/u1");
  EXPECT_EQ(req[http::field::host], host);
  EXPECT_EQ(req[http::field::user_agent], "eightsync");
  EXPECT_EQ(req[http::field::accept], "application/scim+json, application/json");
  EXPECT_TRUE(req.keep_alive());
  EXPECT_EQ(req.count(http::field::content_type), 0u);
  EXPECT_EQ(req.body(), "");
  // The token is on the wire once, in the Authorization header, and nowhere else.
  EXPECT_EQ(req[http::field::authorization], "Bearer " + std::string(token));
  EXPECT_EQ(req.count(http::field::authorization), 1u);
  EXPECT_EQ(occurrences(raw, token), 1u);
  EXPECT_NE(raw.find("\r\nAuthorization: Bearer " + std::string(token) + "\r\n"), std::string::npos) << raw;

  EXPECT_EQ(c.connections_opened(), 1u);
  EXPECT_EQ(server().steps_left(), 0u);
  EXPECT_EQ(server().unscripted(), 0u);
  EXPECT_EQ(tally().sent, 1u);
  EXPECT_EQ((tally().by_method_status.at({"GET", 200u})), 1u);
}

TEST_F(scim_client_raw, PostAnswered201CarriesTheCreatedUser) {
  auto& c = client();
  server().answer(
      answer(201, "Created", user_json, "Location: https://scim.example.test/scim/v2/Users/u1\r\n"));
  const auto user = new_user();
  const auto r = run(c.create(user));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.attempts, 1u);
  ASSERT_TRUE(r.resource);
  EXPECT_EQ(r.resource->at("id").as_string(), "u1");

  ASSERT_EQ(server().requests().size(), 1u);
  const auto req = parse_request(server().requests()[0].bytes);
  EXPECT_EQ(req.method(), http::verb::post);
  EXPECT_EQ(req.target(), "/scim/v2/Users");
  EXPECT_EQ(req[http::field::content_type], "application/scim+json; charset=utf-8");
  EXPECT_EQ(req[http::field::content_length], std::to_string(req.body().size()));
  EXPECT_EQ(json::parse(req.body()), json::value(user));
  EXPECT_EQ(occurrences(server().requests()[0].bytes, token), 1u);
}

TEST_F(scim_client_raw, FindByUserNameReadsTheListResponse) {
  auto& c = client();
  const std::string list = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],)"
                           R"("totalResults":1,"Resources":[)" +
                           std::string(user_json) + "]}";
  server().answer(answer(200, "OK", list));
  const auto r = run(c.find_by_user_name("jane+x@example.com"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  ASSERT_TRUE(r.resource);
  EXPECT_EQ(r.resource->at("id").as_string(), "u1");
  EXPECT_EQ(request_line(0), "GET /scim/v2/Users?filter=userName%20eq%20%22jane%2Bx%40example.com%22");
}

TEST_F(scim_client_raw, PatchAnswered204IsOk) {
  auto& c = client();
  server().answer("HTTP/1.1 204 No Content\r\n\r\n");
  const auto r = run(c.set_active("u1", false));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.status, 204u);
  EXPECT_FALSE(r.resource);
  ASSERT_EQ(server().requests().size(), 1u);
  const auto req = parse_request(server().requests()[0].bytes);
  EXPECT_EQ(req.method(), http::verb::patch);
  EXPECT_EQ(req.target(), "/scim/v2/Users/u1");
  const auto body = json::parse(req.body()).as_object();
  EXPECT_EQ(body.at("Operations").as_array()[0].at("value").at("active"), json::value(false));
}

TEST_F(scim_client_raw, InvalidJsonIsProtocol) {
  auto& c = client();
  server().answer(answer(200, "OK", R"({"id":"u1",)"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.attempts, 1u);  // the same answer would come again
  EXPECT_TRUE(r.detail.starts_with("the answer is not valid JSON: ")) << r.detail;
  EXPECT_FALSE(r.resource);
}

TEST_F(scim_client_raw, NonObjectJsonIsProtocol) {
  auto& c = client();
  server().answer(answer(200, "OK", R"(["u1"])"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "the answer is not a JSON object");
}

TEST_F(scim_client_raw, GetWithoutIdIsProtocol) {
  auto& c = client();
  server().answer(answer(200, "OK", R"({"userName":"jane@example.com"})"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "the answer has no id");
}

TEST_F(scim_client_raw, GetWithEmptyIdIsProtocol) {
  auto& c = client();
  server().answer(answer(200, "OK", R"({"id":""})"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.detail, "the answer has no id");
}

TEST_F(scim_client_raw, GetWithoutBodyIsProtocol) {
  auto& c = client();
  server().answer(answer(200, "OK"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.detail, "the answer has no body");
}

// --- framing -----------------------------------------------------------------------------------

TEST_F(scim_client_raw, ChunkedBodyIsRead) {
  auto& c = client();
  const std::string_view a = user_json.substr(0, 10);
  const std::string_view b = user_json.substr(10);
  std::string raw =
      "HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\n";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", a.size());
  raw += std::string(size) + "\r\n" + std::string(a) + "\r\n";
  std::snprintf(size, sizeof size, "%zx", b.size());
  raw += std::string(size) + ";ext=1\r\n" + std::string(b) + "\r\n0\r\n\r\n";
  server().answer(raw);
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.body_bytes, user_json.size());
  ASSERT_TRUE(r.resource);
  EXPECT_EQ(r.resource->at("id").as_string(), "u1");
  // The chunked answer kept the connection alive.
  EXPECT_TRUE(run(c.get("u1")).ok());
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(scim_client_raw, AnswerReadOneByteAtATime) {
  auto& c = client();
  server().read_size(1);
  server().answer(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\n6\r\n:\"u1\"}\r\n0\r\n\r\n");
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  ASSERT_TRUE(r.resource);
  EXPECT_EQ(r.resource->at("id").as_string(), "u1");
}

TEST_F(scim_client_raw, BodyEndingAtCloseIsRead) {
  auto& c = client();
  // No Content-Length, not chunked: the body is everything until the server closes.
  server().answer_then_close("HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n\r\n" +
                             std::string(user_json));
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.body_bytes, user_json.size());
  ASSERT_TRUE(r.resource);
  EXPECT_EQ(r.resource->at("id").as_string(), "u1");
  // That connection is finished: the next request opens another.
  EXPECT_TRUE(run(c.get("u1")).ok());
  EXPECT_EQ(c.connections_opened(), 2u);
  ASSERT_EQ(server().requests().size(), 2u);
  EXPECT_EQ(server().requests()[0].connection, 1u);
  EXPECT_EQ(server().requests()[1].connection, 2u);
}

TEST_F(scim_client_raw, BodyCutShortIsProtocolForGetAndRetried) {
  auto& c = client();
  const std::string cut =
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(user_json.substr(0, 20));
  for (int i = 0; i < 3; ++i)
    server().answer_then_close(cut);
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.detail, "truncated answer: reading the answer body: partial message");
  EXPECT_FALSE(r.resource);
  EXPECT_EQ(server().requests().size(), 3u);
  EXPECT_EQ(c.connections_opened(), 3u);
  EXPECT_EQ(request_line(2), "GET /scim/v2/Users/u1");
  // A cut answer still counts under its status.
  EXPECT_EQ((tally().by_method_status.at({"GET", 200u})), 3u);
  EXPECT_EQ(tally().cost.retried, 2u);
}

TEST_F(scim_client_raw, BodyCutShortThenWholeIsOk) {
  auto& c = client();
  server().answer_then_close("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":");
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(c.connections_opened(), 2u);
}

TEST_F(scim_client_raw, BodyCutShortOnPostIsOutcomeUnknownAndNeverResent) {
  auto& c = client();
  server().answer_then_close("HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{\"id\":\"u1\"");
  server().answer(answer(201, "Created", user_json));  // must never be asked for
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown);
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "the request may have been applied: reading the answer body: partial message");
  EXPECT_EQ(server().requests().size(), 1u);
  EXPECT_EQ(server().steps_left(), 1u);
}

TEST_F(scim_client_raw, SilentServerTimesOutAndGetIsRetried) {
  auto& c = client();
  // Half a header, and the connection stays open: the read times out.
  server().answer("HTTP/1.1 200 OK\r\nContent-Len");
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(c.connections_opened(), 2u);  // the timed-out connection was dropped
}

TEST_F(scim_client_raw, SilentServerAfterPostIsOutcomeUnknown) {
  auto& c = client();
  server().answer("");
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown);
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail,
            "the request may have been applied: timeout after 10000 ms while waiting for the answer");
}

TEST_F(scim_client_raw, GarbageStatusLineIsTransport) {
  auto& c = client();
  for (int i = 0; i < 3; ++i)
    server().answer_then_close("SMTP 220 mail.example.test ready\r\n\r\n");
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.detail, "reading the answer header: bad version");
  EXPECT_EQ((tally().by_method_status.at({"GET", 0u})), 3u);
}

TEST_F(scim_client_raw, GarbageStatusLineAfterPostIsOutcomeUnknown) {
  auto& c = client();
  server().answer_then_close("HTTP/1.1 2O1 Created\r\n\r\n");
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "the request may have been applied: reading the answer header: bad status");
}

TEST_F(scim_client_raw, PeerClosingBeforeAnyAnswerIsTransport) {
  auto o = options();
  o.retry.attempts = 1;
  auto& c = client(o);
  server().answer_then_close("");
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_EQ(r.detail, "reading the answer header: end of stream");
}

TEST_F(scim_client_raw, HeaderOverTheLimitIsRefused) {
  auto o = options();
  o.retry.attempts = 1;
  auto& c = client(o);
  // The cookie alone is over the 64 KiB header limit.
  server().answer(answer(200, "OK", user_json, "Set-Cookie: s=" + std::string(65 * 1024, 'x') + "\r\n"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "reading the answer header: header limit exceeded");
  EXPECT_FALSE(r.resource);
}

TEST_F(scim_client_raw, HeaderJustUnderTheLimitIsRead) {
  auto& c = client();
  server().answer(answer(200, "OK", user_json, "Set-Cookie: s=" + std::string(63 * 1024, 'x') + "\r\n"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
}

TEST_F(scim_client_raw, ContentLengthOverTheBodyLimitIsRefusedWithTheHeader) {
  auto o = options();
  o.body_limit = 1024;
  o.retry.attempts = 1;
  auto& c = client(o);
  const std::string big(2048, ' ');
  server().answer(answer(200, "OK", big));
  const auto r = run(c.get("u1"));
  // Beast refuses the announced length as soon as it reads the header.
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.detail, "reading the answer header: body limit exceeded");
}

TEST_F(scim_client_raw, ChunkedBodyOverTheBodyLimitIsProtocol) {
  auto o = options();
  o.body_limit = 1024;
  o.retry.attempts = 1;
  auto& c = client(o);
  const std::string chunk(600, ' ');
  server().answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + chunk + "\r\n258\r\n" +
                  chunk + "\r\n0\r\n\r\n");
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::protocol);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.detail, "truncated answer: reading the answer body: body limit exceeded");
}

TEST_F(scim_client_raw, BodyAtTheBodyLimitIsRead) {
  auto o = options();
  o.body_limit = user_json.size();
  auto& c = client(o);
  server().answer(answer(200, "OK", user_json));
  EXPECT_EQ(run(c.get("u1")).outcome, scim_outcome::ok);
}

// --- connections -------------------------------------------------------------------------------

TEST_F(scim_client_raw, KeepAliveCarriesTwoAnswersOnOneConnection) {
  auto& c = client();
  server().answer(answer(200, "OK", user_json));
  server().answer(answer(200, "OK", R"({"id":"u2"})"));
  const auto first = run(c.get("u1"));
  const auto second = run(c.get("u2"));
  EXPECT_EQ(first.outcome, scim_outcome::ok) << first.detail;
  EXPECT_EQ(second.outcome, scim_outcome::ok) << second.detail;
  ASSERT_TRUE(second.resource);
  EXPECT_EQ(second.resource->at("id").as_string(), "u2");
  EXPECT_EQ(c.connections_opened(), 1u);
  ASSERT_EQ(server().requests().size(), 2u);
  EXPECT_EQ(server().requests()[0].connection, 1u);
  EXPECT_EQ(server().requests()[1].connection, 1u);
  EXPECT_EQ(request_line(1), "GET /scim/v2/Users/u2");
  // Each request carries the token once, the second as the first.
  EXPECT_EQ(occurrences(server().requests()[1].bytes, token), 1u);
}

TEST_F(scim_client_raw, ConnectionCloseThenASecondRequestOpensAnother) {
  auto& c = client();
  // The server does not close the stream itself: the client must, because the answer said so.
  server().answer(answer(200, "OK", user_json, "Connection: close\r\n"));
  server().answer(answer(200, "OK", user_json));
  EXPECT_TRUE(run(c.get("u1")).ok());
  EXPECT_TRUE(run(c.get("u1")).ok());
  EXPECT_EQ(c.connections_opened(), 2u);
  ASSERT_EQ(server().requests().size(), 2u);
  EXPECT_EQ(server().requests()[0].connection, 1u);
  EXPECT_EQ(server().requests()[1].connection, 2u);
}

TEST_F(scim_client_raw, IdleConnectionThePeerClosedIsNotReused) {
  auto& c = client();
  // A whole keep-alive answer, then the server closes while the connection is idle: the POST
  // that follows goes on a fresh connection instead of being lost in the race.
  server().answer_then_close(answer(200, "OK", user_json));
  server().answer(answer(201, "Created", user_json));
  EXPECT_TRUE(run(c.get("u1")).ok());
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(c.connections_opened(), 2u);
  ASSERT_EQ(server().requests().size(), 2u);
  EXPECT_EQ(server().requests()[1].connection, 2u);
}

TEST_F(scim_client_raw, StrayBytesAfterAnAnswerRetireTheConnection) {
  auto& c = client();
  server().answer(answer(200, "OK", user_json) + "HTTP/1.1 200 OK\r\n");
  server().answer(answer(200, "OK", user_json));
  EXPECT_TRUE(run(c.get("u1")).ok());
  EXPECT_TRUE(run(c.get("u1")).ok());
  EXPECT_EQ(c.connections_opened(), 2u);
}

TEST_F(scim_client_raw, PostThatNeverLeftIsResent) {
  auto& c = client();
  server().refuse();
  server().answer(answer(201, "Created", user_json));
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_EQ(server().requests().size(), 1u);  // the refused attempt wrote nothing
  EXPECT_EQ(request_line(0), "POST /scim/v2/Users");
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(scim_client_raw, RefusedEveryTimeIsTransport) {
  auto& c = client();
  for (int i = 0; i < 3; ++i)
    server().refuse();
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.detail, "connecting to scim.example.test:443: Connection refused");
  EXPECT_TRUE(server().requests().empty());
  EXPECT_EQ(c.connections_opened(), 0u);
}

TEST_F(scim_client_raw, RequestsBeyondTheScriptAreRefused) {
  auto o = options();
  o.retry.attempts = 1;
  auto& c = client(o);
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_EQ(r.detail, "connecting to scim.example.test:443 (no answer scripted): Connection refused");
  EXPECT_EQ(server().unscripted(), 1u);
}

// --- 429 and 503 -------------------------------------------------------------------------------

TEST_F(scim_client_raw, RateLimitedWithRetryAfterSeconds) {
  auto& c = client();
  server().answer(answer(429, "Too Many Requests", scim_error(429, "slow down"), "Retry-After: 120\r\n"));
  const auto r = run(c.get("u1"));
  // 120 s is beyond what one call waits (max_delay): the call ends, the limiter keeps the pause.
  EXPECT_EQ(r.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "slow down");
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(*r.retry_after, start() + 120s);
  EXPECT_EQ(limiter_->export_state().paused_until, start() + 120s);
  EXPECT_EQ(limiter_->acquire(), start() + 120s);
  EXPECT_EQ(tally().cost.responses_429, 1u);
}

TEST_F(scim_client_raw, RateLimitedWithAnHttpDate) {
  auto& c = client();
  // The manual clock reads 2024-01-01T00:00:00Z, a Monday.
  server().answer(answer(429, "Too Many Requests", scim_error(429, "slow down"),
                         "Retry-After: Mon, 01 Jan 2024 00:01:30 GMT\r\n"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(r.attempts, 1u);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(*r.retry_after, start() + 90s);
  EXPECT_EQ(limiter_->export_state().paused_until, start() + 90s);
}

TEST_F(scim_client_raw, RateLimitedPostIsResentOnceRetryAfterPassed) {
  auto& c = client();
  // A date in the past means now: within max_delay, so the call waits (not at all) and resends.
  server().answer(answer(429, "Too Many Requests", {}, "Retry-After: Sun, 31 Dec 2023 23:59:00 GMT\r\n"));
  server().answer(answer(201, "Created", user_json));
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_TRUE(r.retry_after);  // the pause met on the way is still reported
  EXPECT_EQ(*r.retry_after, start());
  EXPECT_EQ(limiter_->export_state().paused_until, start());
  ASSERT_EQ(server().requests().size(), 2u);
  EXPECT_EQ(request_line(1), "POST /scim/v2/Users");
}

TEST_F(scim_client_raw, ServiceUnavailableWithRetryAfterIsRetriedAfterThePause) {
  auto& c = client();
  server().answer(answer(503, "Service Unavailable", {}, "Retry-After: 0\r\n"));
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(*r.retry_after, start());
  EXPECT_EQ(limiter_->export_state().paused_until, start());
}

TEST_F(scim_client_raw, ServiceUnavailableWithALongRetryAfterEndsTheCall) {
  auto& c = client();
  server().answer(answer(503, "Service Unavailable", scim_error(503, "maintenance"), "Retry-After: 30\r\n"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::server);
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "maintenance");
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(*r.retry_after, start() + 30s);
  EXPECT_EQ(limiter_->export_state().paused_until, start() + 30s);
}

TEST_F(scim_client_raw, ServiceUnavailableWithoutRetryAfterBacksOff) {
  auto& c = client();
  for (int i = 0; i < 3; ++i)
    server().answer(answer(503, "Service Unavailable", scim_error(503, "busy")));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::server);
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.detail, "busy");
  EXPECT_FALSE(r.retry_after);
  EXPECT_FALSE(limiter_->export_state().paused_until);
  EXPECT_EQ(c.connections_opened(), 1u);  // 503s kept the connection alive
}

TEST_F(scim_client_raw, ServiceUnavailableOnPostIsOutcomeUnknown) {
  auto& c = client();
  server().answer(answer(503, "Service Unavailable", {}));
  server().answer(answer(201, "Created", user_json));  // must never be asked for
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown);
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "HTTP 503 without a body");
  EXPECT_EQ(server().steps_left(), 1u);
}

// --- long pauses (issue 13, finding 1) ---------------------------------------------------------

// Waits by moving the manual clock to each deadline, never sleeping, and records the waits.
// `during` runs inside each wait (e.g. a SIGTERM: interrupt()).
class manual_sleeper final : public pacing_sleeper {
 public:
  explicit manual_sleeper(core::manual_clock& clk) : clock_(clk) {}

  net::awaitable<bool> sleep_until(const core::clock& clk, core::clock::time_point deadline) override {
    if (interrupted_) co_return false;
    if (deadline <= clk.now()) co_return true;
    waits.push_back(deadline - clk.now());
    if (during) during();
    if (interrupted_) co_return false;
    clock_.set(deadline);
    co_return true;
  }
  void interrupt() noexcept override { interrupted_ = true; }
  bool interrupted() const noexcept override { return interrupted_; }

  std::vector<core::clock::duration> waits;
  std::function<void()> during;

 private:
  core::manual_clock& clock_;
  bool interrupted_ = false;
};

// A logger writing into a string, to read the events a call logged.
struct log_capture {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("raw-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(text));
  log_capture() { logger->set_level(spdlog::level::trace); }
  bool has(std::string_view event) const { return text.str().find(event) != std::string::npos; }
};

TEST_F(scim_client_raw, ARetryAfterLongerThanMaxPauseIsCutToIt) {
  // 999999999 s is 31 years; it used to be kept as a year, and every later call slept that long.
  log_capture log;
  auto o = options();
  o.logger = log.logger;
  auto& c = client(o);
  server().answer(
      answer(429, "Too Many Requests", scim_error(429, "slow down"), "Retry-After: 999999999\r\n"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::rate_limited);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(*r.retry_after, start() + 1h) << "target.retry.max_pause defaults to 1h";
  EXPECT_EQ(limiter_->export_state().paused_until, start() + 1h);
  EXPECT_TRUE(
      log.has("scim.retry_after_capped op=get method=GET target=/scim/v2/Users/u1 status=429 "
              "retry_after_s=31622400 max_pause_s=3600"))
      << log.text.str();
}

TEST_F(scim_client_raw, AnHttpDateBeyondMaxPauseIsCutToIt) {
  auto o = options();
  o.retry.max_pause = 10min;
  auto& c = client(o);
  server().answer(answer(503, "Service Unavailable", {}, "Retry-After: Fri, 01 Jan 2100 00:00:00 GMT\r\n"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::server);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(*r.retry_after, start() + 10min);
}

TEST_F(scim_client_raw, ALongWaitIsLoggedReportedAndWaitedOnTheClock) {
  // The sleeper moves the manual clock: a 30-minute pause costs no real time.
  log_capture log;
  auto sleeper = std::make_shared<manual_sleeper>(*clock_);
  std::vector<std::optional<long_wait>> reports;
  auto o = options();
  o.logger = log.logger;
  o.sleeper = sleeper;
  o.pacing_window = 60s;
  o.on_long_wait = [&](const std::optional<long_wait>& w) { reports.push_back(w); };
  auto& c = client(o);
  limiter_->on_retry_after(start() + 30min);
  server().answer(answer(200, "OK", user_json));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(sleeper->waits, std::vector<core::clock::duration>{30min});
  EXPECT_EQ(clock_->now(), start() + 30min);
  ASSERT_EQ(reports.size(), 2u) << "when it begins, and when it ends";
  ASSERT_TRUE(reports[0]);
  EXPECT_EQ(reports[0]->until, start() + 30min);
  EXPECT_EQ(reports[0]->wait, 30min);
  EXPECT_EQ(reports[0]->reason, "retry_after");
  EXPECT_FALSE(reports[1]);
  EXPECT_TRUE(
      log.has("[warning] scim.long_wait op=get method=GET target=/scim/v2/Users/u1 wait_s=1800 "
              "until=2024-01-01T00:30:00.000Z reason=retry_after"))
      << log.text.str();
  EXPECT_EQ(tally().cost.rate_limit_wait, 30min);
}

TEST_F(scim_client_raw, AWaitBeyondMaxWaitIsRefusedAndNothingIsSent) {
  log_capture log;
  auto sleeper = std::make_shared<manual_sleeper>(*clock_);
  auto limiter = std::make_shared<core::sliding_window_rate_limiter>(10, 60s, *clock_);
  std::vector<long_wait> refused;
  auto o = options();
  o.logger = log.logger;
  o.rate_limiter = limiter;
  o.sleeper = sleeper;
  o.pacing_window = std::chrono::ceil<std::chrono::milliseconds>(core::pacing_window(60s));
  o.max_wait = 60s;
  o.on_wait_refused = [&](const long_wait& w) { refused.push_back(w); };
  auto& c = client(o);
  limiter->on_retry_after(start() + 1h);
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(r.attempts, 0u) << "not sent";
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(
      r.detail,
      "not sent: the next request to 8x8 may go only at 2024-01-01T01:00:00.000Z, in 3600 s, longer than "
      "this command waits");
  EXPECT_EQ(r.retry_after, start() + 1h);
  EXPECT_TRUE(server().requests().empty());
  EXPECT_TRUE(sleeper->waits.empty()) << "nothing was waited";
  EXPECT_TRUE(limiter->export_state().sent.empty()) << "no send slot was spent";
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].until, start() + 1h);
  EXPECT_EQ(refused[0].reason, "retry_after");
  ASSERT_TRUE(c.refused_wait());
  EXPECT_EQ(c.refused_wait()->until, start() + 1h);
  EXPECT_TRUE(log.has("scim.wait_refused op=create")) << log.text.str();
  EXPECT_EQ(tally().sent, 0u);
  // The next call is refused too, and reported once.
  EXPECT_EQ(run(c.get("u1")).attempts, 0u);
  EXPECT_EQ(refused.size(), 1u);
}

TEST_F(scim_client_raw, TheRateLimitsOwnPacingIsNeverRefused) {
  // 1 request per 60 s: the second call waits a window, which --max-wait does not count.
  auto sleeper = std::make_shared<manual_sleeper>(*clock_);
  auto limiter = std::make_shared<core::sliding_window_rate_limiter>(1, 60s, *clock_);
  auto o = options();
  o.rate_limiter = limiter;
  o.sleeper = sleeper;
  o.pacing_window = std::chrono::ceil<std::chrono::milliseconds>(core::pacing_window(60s));
  o.max_wait = 10s;
  auto& c = client(o);
  server().answer(answer(200, "OK", user_json));
  server().answer(answer(200, "OK", user_json));
  EXPECT_EQ(run(c.get("u1")).outcome, scim_outcome::ok);
  EXPECT_EQ(run(c.get("u1")).outcome, scim_outcome::ok);
  EXPECT_EQ(sleeper->waits, std::vector<core::clock::duration>{60s + core::pacing_guard(60s)})
      << "one gap: at 1 request a window, the window and its guard";
  EXPECT_FALSE(c.refused_wait());
}

TEST_F(scim_client_raw, WaitForTurnWaitsTheGapAndLeavesTheSlotToTheNextRequest) {
  // 10 requests a minute, evenly spaced: one every 6.06 s. After one GET, waiting for the turn
  // takes the gap; the request decided then goes at once, in that slot.
  auto sleeper = std::make_shared<manual_sleeper>(*clock_);
  auto limiter = std::make_shared<core::sliding_window_rate_limiter>(10, 60s, *clock_);
  auto o = options();
  o.rate_limiter = limiter;
  o.sleeper = sleeper;
  o.pacing_window = std::chrono::ceil<std::chrono::milliseconds>(core::pacing_window(60s));
  auto& c = client(o);
  server().answer(answer(200, "OK", user_json));
  server().answer(answer(200, "OK", user_json));
  EXPECT_EQ(run(c.get("u1")).outcome, scim_outcome::ok);
  const auto gap = limiter->next_slot() - clock_->now();
  ASSERT_GT(gap, 6s);
  run(c.wait_for_turn());
  EXPECT_EQ(sleeper->waits, std::vector<core::clock::duration>{gap});
  EXPECT_TRUE(limiter->export_state().sent.size() == 1u) << "no slot taken";
  EXPECT_EQ(run(c.get("u1")).outcome, scim_outcome::ok);
  EXPECT_EQ(sleeper->waits.size(), 1u) << "the GET waited no more";
  EXPECT_EQ(tally().cost.rate_limit_wait, std::chrono::ceil<std::chrono::milliseconds>(gap))
      << "the wait counts as the rate limit's";
}

TEST_F(scim_client_raw, WaitForTurnDoesNotSitThroughAPause) {
  auto sleeper = std::make_shared<manual_sleeper>(*clock_);
  auto o = options();
  o.sleeper = sleeper;
  o.pacing_window = 60s;
  auto& c = client(o);
  limiter_->on_retry_after(start() + 30min);
  run(c.wait_for_turn());
  EXPECT_TRUE(sleeper->waits.empty()) << "the request after it meets the pause, and reports it";
}

TEST_F(scim_client_raw, AnInterruptedWaitSendsNothingAndNothingStartsAfter) {
  // SIGTERM while a call waits out a pause: it returns at once, unsent, and so does every later one.
  auto sleeper = std::make_shared<manual_sleeper>(*clock_);
  sleeper->during = [&] { sleeper->interrupt(); };
  std::vector<std::optional<long_wait>> reports;
  auto o = options();
  o.sleeper = sleeper;
  o.on_long_wait = [&](const std::optional<long_wait>& w) { reports.push_back(w); };
  auto& c = client(o);
  limiter_->on_retry_after(start() + 1h);
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(r.attempts, 0u);
  EXPECT_EQ(r.detail, "not sent: eightsync is stopping");
  EXPECT_TRUE(server().requests().empty());
  EXPECT_EQ(reports.size(), 2u) << "the wait began and ended";
  EXPECT_EQ(clock_->now(), start()) << "no time passed";
  const auto later = run(c.get("u1"));
  EXPECT_EQ(later.attempts, 0u);
  EXPECT_EQ(later.detail, "not sent: eightsync is stopping");
  EXPECT_EQ(sleeper->waits.size(), 1u) << "the second call did not wait";
}

TEST_F(scim_client_raw, ATimerSleeperInterruptEndsAnHourLongWaitAtOnce) {
  // The service's sleeper: a real steady_timer, cancelled by interrupt() from the same executor.
  auto sleeper = std::make_shared<timer_sleeper>(ioc_.get_executor());
  auto o = options();
  o.sleeper = sleeper;
  auto& c = client(o);
  limiter_->on_retry_after(start() + 1h);
  net::steady_timer sigterm(ioc_);
  sigterm.expires_after(50ms);
  sigterm.async_wait([&](const boost::system::error_code&) { sleeper->interrupt(); });
  const auto began = std::chrono::steady_clock::now();
  const auto r = run(c.get("u1"));
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  EXPECT_EQ(r.attempts, 0u);
  EXPECT_EQ(r.detail, "not sent: eightsync is stopping");
  EXPECT_TRUE(server().requests().empty());
  EXPECT_TRUE(sleeper->interrupted());
}

// --- 4xx ---------------------------------------------------------------------------------------

TEST_F(scim_client_raw, UnauthorizedIsAuthFailedAndNotRetried) {
  auto& c = client();
  server().answer(answer(401, "Unauthorized", scim_error(401, "invalid token")));
  server().answer(answer(200, "OK", user_json));  // must never be asked for
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::auth_failed);
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "invalid token");
  EXPECT_EQ(r.detail.find(token), std::string::npos);
  EXPECT_EQ(server().steps_left(), 1u);
}

TEST_F(scim_client_raw, ForbiddenIsWriteForbidden) {
  auto& c = client();
  server().answer(answer(403, "Forbidden", scim_error(403, "another client is primary")));
  const auto r = run(c.set_active("u1", true));
  EXPECT_EQ(r.outcome, scim_outcome::write_forbidden);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "another client is primary");
}

TEST_F(scim_client_raw, NotFound) {
  auto& c = client();
  server().answer(answer(404, "Not Found", scim_error(404, "Resource u9 not found")));
  const auto r = run(c.get("u9"));
  EXPECT_EQ(r.outcome, scim_outcome::not_found);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "Resource u9 not found");
}

TEST_F(scim_client_raw, ConflictCarriesScimType) {
  auto& c = client();
  server().answer(answer(409, "Conflict", scim_error(409, "userName is taken", "uniqueness")));
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::conflict);
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "userName is taken");
  EXPECT_EQ(r.scim_type, "uniqueness");
}

TEST_F(scim_client_raw, BadRequestIsInvalidWithTheScimDetail) {
  auto& c = client();
  server().answer(
      answer(400, "Bad Request", scim_error(400, "emails[0].value is not an address", "invalidValue")));
  const auto r = run(c.create(new_user()));
  EXPECT_EQ(r.outcome, scim_outcome::invalid);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.detail, "emails[0].value is not an address");
  EXPECT_EQ(r.scim_type, "invalidValue");
}

TEST_F(scim_client_raw, HtmlErrorPageIsDescribedNotCopied) {
  auto& c = client();
  const std::string page = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>";
  for (int i = 0; i < 3; ++i)
    server().answer(answer(502, "Bad Gateway", page, {}, "text/html"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::server);
  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.detail,
            "HTTP 502 with a " + std::to_string(page.size()) + "-byte body that is not a SCIM error");
  EXPECT_EQ(r.scim_type, "");
}

TEST_F(scim_client_raw, HtmlPageOnA4xxIsDescribedNotCopied) {
  auto& c = client();
  const std::string page = "<!DOCTYPE html><title>Request rejected</title>";
  server().answer(answer(400, "Bad Request", page, {}, "text/html"));
  const auto r = run(c.get("u1"));
  EXPECT_EQ(r.outcome, scim_outcome::invalid);
  EXPECT_EQ(r.detail,
            "HTTP 400 with a " + std::to_string(page.size()) + "-byte body that is not a SCIM error");
  EXPECT_EQ(r.detail.find("html"), std::string::npos);
}

}  // namespace
}  // namespace eightsync::connectors
