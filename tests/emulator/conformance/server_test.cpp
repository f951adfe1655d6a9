// The server itself: address printing, TLS, shutdown, command line, robustness.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include <boost/json/serialize.hpp>

#include "emulator_test.hpp"

namespace eightsync::emulator::test {
namespace {

namespace json = boost::json;

class server : public emulator_test {};

TEST_F(server, PrintsTheBoundAddressOnItsFirstLine) {
  start();
  EXPECT_TRUE(std::regex_match(process().first_line(), std::regex(R"(^127\.0\.0\.1:[0-9]+$)")))
      << process().first_line();
  EXPECT_NE(port(), 0);
}

TEST_F(server, ExitsZeroOnSigtermAndSigint) {
  emulator_process p({"--token", "t"});
  EXPECT_EQ(p.stop(), 0);  // SIGTERM
  emulator_process q({"--token", "t"});
  http_client c(q.port(), "t");
  ASSERT_EQ(c.get("/scim/v2/Users").status, 200u);  // an open keep-alive connection does not block exit
  EXPECT_EQ(q.stop(SIGINT), 0);
}

TEST_F(server, ServesHttpsWithCertAndKey) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  char tmpl[] = "/tmp/emulator-tls-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string cert = dir + "/cert.pem";
  const std::string key = dir + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  start({"--cert", cert, "--key", key});
  http_client tls(port(), std::string(test_token), cert);
  const auto r = tls.post("/scim/v2/Users", user("tls@example.com"));
  EXPECT_EQ(r.status, 201u) << r.error.message();
  EXPECT_TRUE(r.json().at("meta").at("location").as_string().starts_with("https://"));
  EXPECT_EQ(tls.get("/scim/v2/Users").status, 200u);
  EXPECT_EQ(tls.connections_opened(), 1);
  http_client plain(port(), std::string(test_token));
  plain.set_timeout(std::chrono::milliseconds(2000));
  EXPECT_NE(plain.get("/scim/v2/Users").status, 200u) << "plain HTTP is not served on a TLS port";
  std::filesystem::remove_all(dir);
}

TEST_F(server, SurvivesMalformedInput) {
  start({"--max-body", "1000"});
  static constexpr char tls_hello_junk[] = "\x16\x03\x01\x00\xff garbage\r\n\r\n";
  const auto garbage = scim().raw_exchange(std::string(tls_hello_junk, sizeof tls_hello_junk - 1),
                                           std::chrono::milliseconds(2000));
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400")) << garbage;
  const auto no_version = scim().raw_exchange("GET /scim/v2/Users\r\n\r\n", std::chrono::milliseconds(2000));
  EXPECT_TRUE(no_version.starts_with("HTTP/1.1 400")) << no_version;
  const auto huge_header = scim().raw_exchange(
      "GET / HTTP/1.1\r\nX: " + std::string(100'000, 'a') + "\r\n\r\n", std::chrono::milliseconds(2000));
  EXPECT_TRUE(huge_header.starts_with("HTTP/1.1 431")) << huge_header.substr(0, 100);
  const auto big_body = scim().raw_exchange(
      "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, '{'),
      std::chrono::milliseconds(2000));
  EXPECT_TRUE(big_body.starts_with("HTTP/1.1 413")) << big_body.substr(0, 100);
  const auto bad_chunk = scim().raw_exchange(
      "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      std::chrono::milliseconds(2000));
  EXPECT_TRUE(bad_chunk.starts_with("HTTP/1.1 400")) << bad_chunk;
  scim().raw_exchange("POST /scim/v2/Users HTTP/1.1\r\nContent-Length: 10\r\n\r\n{",
                      std::chrono::milliseconds(200));
  const auto bad_target = scim().get("/scim/v2/Users?filter=%zz");
  EXPECT_EQ(bad_target.status, 400u);
  // A JSON value that is not an object, deep nesting, wrong types: 400, never a crash.
  for (const std::string& body : std::vector<std::string>{
           "[]", "42", "null", std::string(200, '[') + std::string(200, ']'), R"({"userName":5})",
           R"({"userName":"a","name":"x"})",
           R"({"userName":"a","name":{"givenName":"a","familyName":"b"},"emails":[5]})"}) {
    const auto r = scim().request("POST", "/scim/v2/Users", body);
    EXPECT_EQ(r.status, 400u) << body;
  }
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u) << "still serving";
}

TEST_F(server, ExpectContinueIsHonoured) {
  start();
  const auto r = scim().request("POST", "/scim/v2/Users", boost::json::serialize(user("c@example.com")),
                                {{"Expect", "100-continue"}, {"Content-Type", "application/scim+json"}});
  EXPECT_EQ(r.status, 201u);
}

TEST_F(server, CommandLineIsChecked) {
  std::string out;
  EXPECT_EQ(run_emulator_to_exit({"--listen", "127.0.0.1:0"}, out), 2) << out;
  EXPECT_NE(out.find("--token"), std::string::npos) << "a token is required: " << out;
  out.clear();
  EXPECT_EQ(run_emulator_to_exit({"--listen", "0.0.0.0:0", "--token", "t"}, out), 2);
  EXPECT_NE(out.find("loopback"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(run_emulator_to_exit({"--token", "t", "--rate-limit", "ten"}, out), 2);
  out.clear();
  EXPECT_NE(run_emulator_to_exit({"--token", "t", "--site-change", "maybe"}, out), 0);
  out.clear();
  EXPECT_NE(run_emulator_to_exit({"--token", "t", "--bogus-flag"}, out), 0);
  out.clear();
  EXPECT_EQ(run_emulator_to_exit({"--help"}, out), 0);
  EXPECT_NE(out.find("Example"), std::string::npos) << out;
  EXPECT_NE(out.find("--listen 127.0.0.1:0"), std::string::npos) << out;
  EXPECT_EQ(out.find("secret-token-value"), std::string::npos);
  out.clear();
  run_emulator_to_exit({"--listen", "127.0.0.1:1", "--token", "secret-token-value", "--cert", "/nonexistent"},
                       out);
  EXPECT_EQ(out.find("secret-token-value"), std::string::npos) << "the token is never printed";
}

}  // namespace
}  // namespace eightsync::emulator::test
