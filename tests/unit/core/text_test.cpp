#include "core/text.hpp"

#include <gtest/gtest.h>

namespace eightsync::core {
namespace {

TEST(text, trim) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "x");
  EXPECT_EQ(trim("   "), "");
  EXPECT_TRUE(is_blank(" \t\xC2\xA0"));
  EXPECT_FALSE(is_blank(" x "));
}

TEST(text, lower_and_upper_ascii) {
  EXPECT_EQ(to_lower("Hello, World 123"), "hello, world 123");
  EXPECT_EQ(to_upper("Hello, World 123"), "HELLO, WORLD 123");
}

TEST(text, lower_and_upper_agree_with_one_byte_at_a_time) {
  // Long ASCII runs are folded eight bytes at a time: every byte value below 0x80, at every
  // offset, and ASCII next to two-byte letters must fold exactly as one byte at a time.
  std::string all;
  for (int c = 1; c < 0x80; ++c)
    all += static_cast<char>(c);
  std::string lower;
  std::string upper;
  for (char c : all) {
    lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  for (std::size_t skip = 0; skip < 9; ++skip) {
    EXPECT_EQ(to_lower(all.substr(skip)), lower.substr(skip));
    EXPECT_EQ(to_upper(all.substr(skip)), upper.substr(skip));
  }
  EXPECT_EQ(to_lower("Kowalski.JÓZEF@Example.COM"), "kowalski.józef@example.com");
  EXPECT_EQ(to_upper("MARGARET.whitfield-ŁUKASZ@example.com"), "MARGARET.WHITFIELD-ŁUKASZ@EXAMPLE.COM");
}

TEST(text, latin1_supplement) {
  EXPECT_EQ(to_lower("ÀÉÎÕÜÝÞ×ØÆÇ"), "àéîõüýþ×øæç");
  EXPECT_EQ(to_upper("àéîõüýþ÷øæçÿ"), "ÀÉÎÕÜÝÞ÷ØÆÇŸ");
  EXPECT_EQ(to_upper("ß"), "ß");  // no single-character upper case
}

TEST(text, latin_extended_a) {
  EXPECT_EQ(to_lower("ŁĄĆĘŃŚŹŻŽŠČŘĚŮŐŰĞŒŸ"), "łąćęńśźżžščřěůőűğœÿ");
  EXPECT_EQ(to_upper("łąćęńśźżžščřěůőűğœ"), "ŁĄĆĘŃŚŹŻŽŠČŘĚŮŐŰĞŒ");
  EXPECT_EQ(to_lower("İ"), "i");
  EXPECT_EQ(to_upper("ı"), "I");
  EXPECT_EQ(to_lower("ĸ"), "ĸ");
}

TEST(text, other_scripts_pass_through) {
  EXPECT_EQ(to_lower("ΑΒΓ Жж 日本"), "ΑΒΓ Жж 日本");
}

TEST(text, iequals) {
  EXPECT_TRUE(iequals("José", "JOSÉ"));
  EXPECT_TRUE(iequals("Žižek", "žIžEK"));
  EXPECT_FALSE(iequals("Zizek", "Žižek"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_TRUE(iequals("", ""));
}

TEST(text, closest_name) {
  EXPECT_EQ(closest_name("delimter", {"delimiter", "encoding"}),
            std::optional<std::string_view>("delimiter"));
  EXPECT_EQ(closest_name("xyz", {"delimiter", "encoding"}), std::nullopt);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

}  // namespace
}  // namespace eightsync::core
