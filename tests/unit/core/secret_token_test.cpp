// secret_token: the token cannot be printed by accident.
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "core/secret_token.hpp"

namespace eightsync::core {
namespace {

constexpr std::string_view raw = "s3cr3t-8x8-api-token-0123456789abcdef";

TEST(secret_token, StreamingPrintsRedacted) {
  const secret_token t{std::string(raw)};
  std::ostringstream out;
  out << t;
  EXPECT_EQ(out.str(), "[redacted]");
}

TEST(secret_token, FmtPrintsRedacted) {
  const secret_token t{std::string(raw)};
  EXPECT_EQ(fmt::format("{}", t), "[redacted]");
  EXPECT_EQ(fmt::format("token={:>12}", t), "token=  [redacted]");
}

TEST(secret_token, SpdlogPrintsRedacted) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  spdlog::logger log("secret_token_test", sink);
  log.set_level(spdlog::level::trace);
  const secret_token t{std::string(raw)};
  log.trace("token is {}", t);
  log.flush();
  EXPECT_NE(captured.str().find("token is [redacted]"), std::string::npos) << captured.str();
  EXPECT_EQ(captured.str().find(raw), std::string::npos);
}

TEST(secret_token, RevealGivesTheValue) {
  const secret_token t{std::string(raw)};
  EXPECT_EQ(t.reveal(), raw);
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(secret_token{}.empty());
}

TEST(secret_token, MovesLeaveTheSourceEmpty) {
  secret_token a{std::string(raw)};
  secret_token b{std::move(a)};
  EXPECT_EQ(b.reveal(), raw);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the wipe is the point
  secret_token c;
  c = std::move(b);
  EXPECT_EQ(c.reveal(), raw);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  secret_token d{std::string("short")};
  secret_token e{std::move(d)};
  EXPECT_TRUE(d.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(e.reveal(), "short");
}

TEST(secret_token, CopiesAndEquality) {
  const secret_token a{std::string(raw)};
  secret_token b = a;
  EXPECT_TRUE(a == b);
  b = secret_token{std::string("other")};
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(secret_token{std::string("abc")} == secret_token{std::string("abcd")});
}

}  // namespace
}  // namespace eightsync::core
