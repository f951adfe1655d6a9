// check-config never echoes the value of token_env, nor a value that came from ${VAR} in a field
// it rejects: either may be the token (issue 13, finding 6).
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.hpp"

namespace eightsync::config {
namespace {

using testing::error_of;
using testing::load;
using testing::minimal;

constexpr std::string_view token = "s3cr3tTOKENvalue9271";

std::string with_target(std::string_view lines) {
  std::string y = minimal();
  return y.replace(y.find("mapping:"), 0, std::string(lines));
}

TEST(config_secrets, a_token_pasted_into_token_env_is_not_echoed) {
  EXPECT_EQ(error_of(with_target("  token_env: eyJhbGciOi.J9-_~+/abc==\n")),
            "cfg.yaml:6:14: target.token_env: expected an environment variable name such as EIGHTSYNC_TOKEN, "
            "found a value that is not one (not shown: it may be the token itself, which goes in that "
            "variable, never in the config)");
}

TEST(config_secrets, token_env_is_a_name_as_written_never_expanded) {
  // `${EIGHTSYNC_TOKEN}` would put the token itself into token_env (and, looking like a name, it
  // would then be echoed as "the variable … is not set").
  const auto msg =
      error_of(with_target("  token_env: ${EIGHTSYNC_TOKEN}\n"), {{"EIGHTSYNC_TOKEN", std::string(token)}});
  EXPECT_EQ(msg,
            "cfg.yaml:6:14: target.token_env: expected an environment variable name such as EIGHTSYNC_TOKEN, "
            "found \"${EIGHTSYNC_TOKEN}\"; write the name alone, without ${ and }");
  EXPECT_EQ(load(with_target("  token_env: EIGHTSYNC_TOKEN\n")).target.token_env, "EIGHTSYNC_TOKEN");
}

TEST(config_secrets, a_rejected_value_from_a_variable_is_shown_as_written) {
  const testing::env_map env{{"TIMEOUT", std::string(token)}, {"PAGE", "0"}, {"HOST", "tok en"}};
  EXPECT_EQ(
      error_of(with_target("  timeout: ${TIMEOUT}\n"), env),
      "cfg.yaml:6:12: target.timeout: expected a duration such as 30s, 15m or 24h, found \"${TIMEOUT}\"");
  // A short value is hidden where it is quoted, and the message's own words stay intact.
  EXPECT_EQ(error_of(with_target("  page_size: ${PAGE}\n"), env),
            "cfg.yaml:6:14: target.page_size: expected a whole number from 1 to 1000, found \"${PAGE}\"");
  EXPECT_EQ(error_of(with_target("  proxy: \"http://${TIMEOUT}x:99999\"\n"), env),
            "cfg.yaml:6:10: target.proxy: expected a proxy URL such as http://proxy.example.com:3128, found "
            "\"http://${TIMEOUT}x:99999\"");
}

TEST(config_secrets, a_part_of_a_template_from_a_variable_is_not_shown) {
  const testing::env_map env{{"FILTER", std::string(token)}};
  std::string y = minimal();
  y.replace(y.find("  email: \"{email}\""), 0, "  title: \"{first|${FILTER}}\"\n");
  const auto msg = error_of(y, env);
  EXPECT_EQ(msg.find(token), std::string::npos) << msg;
  EXPECT_NE(msg.find("${FILTER}"), std::string::npos) << msg;
}

}  // namespace
}  // namespace eightsync::config
