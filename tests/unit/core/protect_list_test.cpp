#include "core/protect_list.hpp"

#include <gtest/gtest.h>

namespace eightsync::core {
namespace {

TEST(protect_list, globs_match_whole_user_names_case_insensitively) {
  const protect_list p({"admin*@example.com", "breakglass@*", "svc-??@example.com"});
  EXPECT_TRUE(p.matches("admin@example.com"));
  EXPECT_TRUE(p.matches("Admin.Ops@EXAMPLE.com"));
  EXPECT_TRUE(p.matches("breakglass@anything.example"));
  EXPECT_TRUE(p.matches("svc-ab@example.com"));
  EXPECT_TRUE(p.matches("svc-éö@example.com"));  // ? is one character, not one byte
  EXPECT_FALSE(p.matches("svc-abc@example.com"));
  EXPECT_FALSE(p.matches("jane.admin@example.com"));
  EXPECT_FALSE(p.matches("admin@example.com.evil"));
  EXPECT_FALSE(p.matches("mybreakglass@example.com"));
}

TEST(protect_list, latin_case_folding_and_empty_list) {
  EXPECT_TRUE(protect_list({"ŁUKASZ*"}).matches("łukasz.nowak@example.com"));
  EXPECT_FALSE(protect_list().matches("anyone@example.com"));
  EXPECT_TRUE(protect_list({"*"}).matches(""));
}

TEST(protect_list, glob_match_backtracks) {
  EXPECT_TRUE(protect_list::glob_match("*a*b*c", "xxaxxbxxbxc"));
  EXPECT_FALSE(protect_list::glob_match("*a*b*c", "xxaxxbxxbx"));
  EXPECT_TRUE(protect_list::glob_match("a**", "a"));
}

}  // namespace
}  // namespace eightsync::core
