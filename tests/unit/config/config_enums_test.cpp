// The config spellings of log.level, log.format and target.visibility (config_enums.hpp),
// pinned: an eightsync.yaml that worked keeps working.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "config/config_enums.hpp"

namespace eightsync::config {
namespace {

template <class E>
std::vector<std::string_view> names_of() {
  const auto names = enum_names<E>();
  return {names.begin(), names.end()};
}

TEST(config_enums, spellings) {
  using names = std::vector<std::string_view>;
  EXPECT_EQ(names_of<log_level>(), (names{"trace", "debug", "info", "warn", "error", "critical", "off"}));
  EXPECT_EQ(names_of<log_format>(), (names{"text", "json"}));
  EXPECT_EQ(names_of<visibility_mode>(), (names{"all", "idp_only"}));
  EXPECT_EQ(enum_from_name<visibility_mode>("idp_only"), visibility_mode::idp_only);
  EXPECT_FALSE(enum_from_name<log_level>("Info"));
}

}  // namespace
}  // namespace eightsync::config
