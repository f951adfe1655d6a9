// check-config refuses what a run would refuse (issue 13, finding 11): a condition value that
// starts with an operator, a NUL delimiter, a URL the HTTP layer cannot send, config text that
// is not UTF-8. Each of these loaded before, and failed (or misbehaved) only later.
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace eightsync::config {
namespace {

using testing::error_of;
using testing::load;
using testing::minimal;

std::string with_source_line(const std::string& line) {
  std::string y = minimal();
  y.replace(y.find("target:"), 0, line);
  return y;
}

std::string with_url(const std::string& url) {
  std::string y = minimal();
  const auto at = y.find("  url: ");
  y.replace(at, y.find('\n', at) - at, "  url: \"" + url + "\"");
  return y;
}

TEST(config_hostile, active_condition_value_starting_with_an_operator) {
  EXPECT_EQ(
      error_of(minimal("  active: \"{status} === Active\"\n")),
      "cfg.yaml:11:23: mapping.active: expected a value after ==, found \"= Active\", which starts with an "
      "operator character (quote it if that is the text to compare)");
  EXPECT_EQ(error_of(minimal("scope: [\"{status} == A == A\"]\n")),
            "cfg.yaml:11:22: scope[0]: expected a value after ==, found \"A == A\", which holds a second "
            "operator (quote it if that is the text to compare)");
}

TEST(config_hostile, nul_delimiter) {
  EXPECT_EQ(
      error_of(with_source_line("  delimiter: \"\\0\"\n")),
      "cfg.yaml:4:14: source.delimiter: expected one character such as \",\" or \";\" (\"\\t\" for a tab), "
      "found \"\\u0000\"");
}

TEST(config_hostile, multi_byte_delimiter) {
  EXPECT_EQ(
      error_of(with_source_line("  delimiter: \"\xC2\xA7\"\n")),
      "cfg.yaml:4:14: source.delimiter: expected one character such as \",\" or \";\" (\"\\t\" for a tab), "
      "found \"\xC2\xA7\"");
}

TEST(config_hostile, url_the_http_layer_would_refuse) {
  const std::string expected =
      "cfg.yaml:5:8: target.url: expected an https:// URL such as "
      "https://platform-cloud.8x8.com/udi/customers/CUSTOMER_ID/scim/v2, found ";
  EXPECT_EQ(error_of(with_url("https://platform-cloud.8x8.com/udi/customers/C 1/scim/v2")),
            expected + "a space at character 47 of the URL (write it as %20)");
  EXPECT_EQ(error_of(with_url("https://platform-cloud.8x8.com/scim\\r\\n/v2")),
            expected + "a control character (U+000D) at character 36 of the URL");
  EXPECT_EQ(error_of(with_url("https://pl\xC3\xA4tform.8x8.com/scim/v2")),
            expected +
                "a non-ASCII character at character 11 of the URL (percent-encode it in a path; write a host "
                "name in its xn-- form)");
  EXPECT_EQ(error_of(with_url("https://platform-cloud.8x8.com/a|b")),
            expected + "\"|\" at character 33 of the URL, which a URL holds only percent-encoded");
  EXPECT_EQ(error_of(with_url("https://platform-cloud.8x8.com/a%zzb")),
            expected + "a \"%\" at character 33 of the URL that does not start a %XX escape");
}

TEST(config_hostile, proxy_the_http_layer_would_refuse) {
  EXPECT_EQ(
      error_of(
          minimal().replace(minimal().find("mapping:"), 0, "  proxy: \"http://proxy.example.com:3128 \"\n")),
      "cfg.yaml:6:10: target.proxy: expected a proxy URL such as http://proxy.example.com:3128, found a "
      "space at character 30 of the URL (write it as %20)");
}

TEST(config_hostile, config_text_that_is_not_utf8) {
  EXPECT_EQ(error_of(minimal("maps:\n  site:\n    London: \"Lon\xFF"
                             "don\"\n")),
            "cfg.yaml:13:17: expected UTF-8 text, found byte 0xFF (save the file as UTF-8)");
}

TEST(config_hostile, environment_value_that_is_not_utf8) {
  EXPECT_EQ(
      error_of(minimal("maps:\n  site:\n    London: \"${SITE}\"\n"), {{"SITE",
                                                                       "Lon\xFF"
                                                                       "don"}}),
      "cfg.yaml:13:13: maps.site.London: expected UTF-8 text, found a ${VAR} value that is not valid UTF-8");
}

TEST(config_hostile, max_record_bytes) {
  EXPECT_EQ(load(with_source_line("  max_record_bytes: 4096\n")).source.max_record_bytes, 4096U);
  EXPECT_EQ(error_of(with_source_line("  max_record_bytes: 10\n")),
            "cfg.yaml:4:21: source.max_record_bytes: expected a whole number from 1024 to 1073741824, found "
            "\"10\"");
  EXPECT_EQ(error_of(with_source_line("  max_record_bytes: 1MiB\n")),
            "cfg.yaml:4:21: source.max_record_bytes: expected a whole number from 1024 to 1073741824, found "
            "\"1MiB\"");
}

TEST(config_hostile, ready_file) {
  EXPECT_FALSE(load(with_source_line("  settle: 3s\n")).source.ready_file) << "off by default";
  const auto cfg = load(with_source_line("  ready_file: /srv/hr/employees.csv.done\n"));
  ASSERT_TRUE(cfg.source.ready_file);
  EXPECT_EQ(*cfg.source.ready_file, "/srv/hr/employees.csv.done");
}

TEST(config_hostile, max_age) {
  EXPECT_FALSE(load(with_source_line("  settle: 3s\n")).source.max_age) << "off by default";
  EXPECT_EQ(load(with_source_line("  max_age: 2d\n")).source.max_age, std::chrono::hours(48));
  EXPECT_EQ(error_of(with_source_line("  max_age: 0s\n")),
            "cfg.yaml:4:12: source.max_age: expected a duration greater than 0s, found \"0s\"");
}

TEST(config_hostile, settle) {
  EXPECT_EQ(load(with_source_line("  settle: 0s\n")).source.settle, std::chrono::milliseconds{0})
      << "0s reads at once";
  EXPECT_EQ(load(with_source_line("  settle: 10s\n")).source.settle, std::chrono::seconds{10});
  EXPECT_EQ(error_of(with_source_line("  settle: 2h\n")),
            "cfg.yaml:4:11: source.settle: expected a duration from 0s to 1h, such as 3s, found \"2h\"");
  EXPECT_EQ(error_of(with_source_line("  settle: soon\n")),
            "cfg.yaml:4:11: source.settle: expected a duration from 0s to 1h, such as 3s, found \"soon\"");
}

}  // namespace
}  // namespace eightsync::config
