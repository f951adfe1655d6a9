#include "core/create_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace eightsync::core {
namespace {

TEST(create_rules, valid_emails) {
  EXPECT_TRUE(is_valid_email("jane.doe@example.com"));
  EXPECT_TRUE(is_valid_email("J+tag@sub.Example.co.uk"));
  EXPECT_TRUE(is_valid_email("zoë@exämple.com"));
}

TEST(create_rules, invalid_emails_say_why) {
  EXPECT_EQ(email_problem("jane.example.com"), "has no @");
  EXPECT_EQ(email_problem("a@b@example.com"), "has more than one @");
  EXPECT_EQ(email_problem("@example.com"), "has nothing before the @");
  EXPECT_EQ(email_problem("jane@"), "has nothing after the @");
  EXPECT_EQ(email_problem("jane@localhost"), "has no dot in the domain");
  EXPECT_EQ(email_problem("jane@example..com"), "has an empty label in the domain");
  EXPECT_EQ(email_problem("jane@.example.com"), "has an empty label in the domain");
  EXPECT_EQ(email_problem("jane@example.com."), "has an empty label in the domain");
  EXPECT_EQ(email_problem("jane doe@example.com"), "contains whitespace");
  EXPECT_EQ(email_problem("jane@example.com\xC2\xA0"), "contains whitespace");
  EXPECT_EQ(email_problem("jane\x01@example.com"), "contains a control character");
  EXPECT_EQ(email_problem(""), "has no @");
  EXPECT_EQ(email_problem(std::string(243, 'a') + "@example.com"), "is longer than 254 bytes");
  EXPECT_EQ(email_problem(std::string(242, 'a') + "@example.com"), std::nullopt);
}

TEST(create_rules, user_name_safety) {
  EXPECT_EQ(user_name_problem("jane.doe@example.com"), std::nullopt);
  EXPECT_EQ(user_name_problem("Łukasz.Nowak"), std::nullopt);
  EXPECT_EQ(user_name_problem("ja\"ne"), "holds a double quote (\")");
  EXPECT_EQ(user_name_problem("ja\\ne"), "holds a backslash (\\)");
  EXPECT_EQ(user_name_problem("ja\tne"), "holds a control character (U+0009)");
  EXPECT_EQ(user_name_problem("ja\x7Fne"), "holds a control character (U+007F)");
  EXPECT_EQ(user_name_problem("ja\xC2\x85ne"), "holds a control character (U+0085)");
}

}  // namespace
}  // namespace eightsync::core
