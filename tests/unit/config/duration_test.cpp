#include "config/duration.hpp"

#include <gtest/gtest.h>

#include "config/env_expansion.hpp"

namespace eightsync::config {
namespace {

using namespace std::chrono_literals;

TEST(duration, parses_units_and_combinations) {
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("24h"), 24h);
  EXPECT_EQ(parse_duration("7d"), 168h);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("1m30s250ms"), 90250ms);
  EXPECT_EQ(parse_duration("0s"), 0ms);
}

TEST(duration, rejects_everything_else) {
  for (const char* bad :
       {"", "30", "s", "1.5h", "-5s", "5 s", "5S", "1h 30m", "10x", "1y", "99999999999999d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(duration, formats_largest_units_first) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(168h + 1s), "7d1s");
}

std::optional<std::string> env(std::string_view name) {
  if (name == "HOME_DIR") return std::string("/home/x");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
}

TEST(env_expansion, expands_and_escapes) {
  EXPECT_EQ(expand_env("${HOME_DIR}/hr.csv", env).value(), "/home/x/hr.csv");
  EXPECT_EQ(expand_env("a${EMPTY}b", env).value(), "ab");
  EXPECT_EQ(expand_env("cost $5 and $${LITERAL} and $HOME_DIR", env).value(),
            "cost $5 and ${LITERAL} and $HOME_DIR");
}

TEST(env_expansion, errors_carry_the_offset) {
  auto unset = expand_env("x/${NOPE}/y", env);
  ASSERT_FALSE(unset);
  EXPECT_EQ(unset.error().offset, 2U);
  EXPECT_EQ(unset.error().message,
            "expected environment variable NOPE to be set (the value uses ${NOPE}), found it unset");
  auto open = expand_env("${HOME_DIR", env);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().message, "expected } to close ${, found the end of the value");
  auto bad = expand_env("${}", env);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "expected an environment variable name such as ${HR_EXPORT_DIR}, found \"${}\"");
}

}  // namespace
}  // namespace eightsync::config
