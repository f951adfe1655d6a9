#pragma once
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "connectors/scim_client.hpp"
#include "emulator_process.hpp"  // tests/emulator/conformance: the shared process fixture
#include "http_client.hpp"       // tests/emulator/conformance: the admin client

namespace eightsync::client_test {

/// The token every emulator in these tests accepts.
inline constexpr std::string_view test_token = "it-token-5b2e9c0d4f7a41e8a3c6";

/// One request as the emulator's log shows it.
struct logged_request {
  std::uint64_t seq = 0;
  std::chrono::system_clock::time_point time;  ///< arrival, millisecond precision (truncated)
  std::string method;
  std::string target;
  unsigned status = 0;
  bool applied = false;
  std::string fault;
};

/// Starts a fresh `eightsync-emulator` per test, builds SCIM clients for it on the fixture's
/// io_context, and runs their coroutines to completion.
class client_test : public ::testing::Test {
 protected:
  /// Starts the emulator with `--token test_token` plus `flags`. With `admin_ca_file`, the
  /// admin client speaks TLS and trusts that CA (for an emulator started with --cert).
  void start(std::vector<std::string> flags = {}, std::string admin_ca_file = {});

  /// Stops the emulator (expects exit status 0) after destroying the clients.
  void TearDown() override;

  /// Options for the running emulator: http://127.0.0.1:PORT/scim/v2, the test token, an
  /// unlimited rate limiter, 3 attempts with 10..50 ms backoff, a 10 s timeout.
  connectors::scim_client_options options() const;

  /// A client built from `o` on the fixture's io_context (owned by the fixture).
  connectors::scim_client& client(connectors::scim_client_options o);

  /// A client with options().
  connectors::scim_client& client() { return client(options()); }

  /// Runs `aw` on the fixture's io_context until it completes; rethrows its exception.
  template <class T>
  T run(boost::asio::awaitable<T> aw) {
    std::optional<T> out;
    std::exception_ptr error;
    boost::asio::co_spawn(ioc_, std::move(aw), [&](std::exception_ptr e, T v) {
      error = e;
      if (!e) out = std::move(v);
      ioc_.stop();  // other work (a test proxy's accept loop) may stay pending
    });
    ioc_.restart();
    ioc_.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
  }

  /// A valid user for POST or seeding.
  static boost::json::object user(std::string_view user_name, std::string_view given = "Jane",
                                  std::string_view family = "Doe");

  /// Seeds users through POST /_emulator/users; returns their ids (fails the test unless 201).
  std::vector<std::string> seed(const boost::json::array& users);

  /// Seeds `n` generated users (u0001@example.com …); returns their ids.
  std::vector<std::string> seed_many(std::size_t n);

  /// Adds a fault (POST /_emulator/faults); fails the test unless 200.
  void add_fault(const boost::json::object& spec);

  /// PATCHes /_emulator/settings; fails the test unless 200.
  void set(const boost::json::object& settings);

  /// The SCIM request log, oldest first.
  std::vector<logged_request> log();

  /// The stored users (GET /_emulator/users).
  boost::json::array dump();

  /// The admin client (no token).
  emulator::test::http_client& admin() { return *admin_; }

  /// The emulator's port.
  std::uint16_t port() const { return process_->port(); }

  boost::asio::io_context ioc_;

 private:
  std::unique_ptr<emulator::test::emulator_process> process_;
  std::unique_ptr<emulator::test::http_client> admin_;
  std::vector<std::unique_ptr<connectors::scim_client>> clients_;
};

/// Parses the emulator's `2024-05-01T12:34:56.789Z`. Throws std::invalid_argument.
std::chrono::system_clock::time_point parse_log_time(std::string_view text);

}  // namespace eightsync::client_test
