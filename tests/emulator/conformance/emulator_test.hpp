#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "emulator_process.hpp"
#include "http_client.hpp"

namespace eightsync::emulator::test {

/// The token every fixture starts the emulator with.
inline constexpr std::string_view test_token = "conformance-token-6c1f0e";

/// Base fixture: starts a fresh emulator per test (start() with extra flags), gives a SCIM
/// client (`scim()`) and an admin client (`admin()`), and stops the emulator in TearDown,
/// checking that it exits 0.
class emulator_test : public ::testing::Test {
 protected:
  /// Starts the emulator with `--token test_token` plus `flags`.
  void start(std::vector<std::string> flags = {});

  /// Stops the emulator; expects exit status 0.
  void TearDown() override;

  /// The SCIM client (sends the token).
  http_client& scim() { return *scim_; }

  /// The admin client (no token).
  http_client& admin() { return *admin_; }

  /// The emulator's port.
  std::uint16_t port() const { return process_->port(); }

  /// The running process.
  emulator_process& process() { return *process_; }

  /// A valid POST body for `user_name`.
  static boost::json::object user(std::string_view user_name, std::string_view given = "Jane",
                                  std::string_view family = "Doe");

  /// POSTs user(user_name) and returns the new id; fails the test unless 201.
  std::string create(std::string_view user_name);

  /// Seeds `users` through POST /_emulator/users and returns their ids; fails unless 201.
  std::vector<std::string> seed(const boost::json::array& users);

  /// GET /_emulator/users, parsed.
  boost::json::array dump();

  /// GET /_emulator/log, parsed.
  boost::json::array log();

  /// The stored user with this id from dump(), or an empty object.
  boost::json::object stored(std::string_view id);

  /// POST /_emulator/faults with `spec`; fails unless 200.
  void add_fault(const boost::json::value& spec);

  /// GET /scim/v2/Users with `query` ("?startIndex=1&count=10"…), parsed; fails unless 200.
  boost::json::object list(std::string_view query = "");

 public:
  /// Percent-encodes a filter value for a query string.
  static std::string url_encode(std::string_view s);

 private:
  std::unique_ptr<emulator_process> process_;
  std::unique_ptr<http_client> scim_;
  std::unique_ptr<http_client> admin_;
};

}  // namespace eightsync::emulator::test
