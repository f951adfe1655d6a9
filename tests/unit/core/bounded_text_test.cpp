// bound_text: text from outside is at most 4 KB when echoed or stored, with its size said
// (issue 13, finding 7).
#include <gtest/gtest.h>

#include <string>

#include "core/bounded_text.hpp"

namespace eightsync::core {
namespace {

TEST(bound_text, short_text_is_kept_whole) {
  EXPECT_EQ(bound_text(""), "");
  EXPECT_EQ(bound_text("409 userName taken"), "409 userName taken");
  const std::string exact(max_echoed_bytes, 'a');
  EXPECT_EQ(bound_text(exact), exact);
}

TEST(bound_text, long_text_is_cut_and_says_how_long_it_was) {
  const std::string detail(20'000'000, 'x');
  const auto out = bound_text(detail);
  EXPECT_EQ(out, std::string(4096, 'x') + "\u2026 (20000000 bytes)");
  EXPECT_EQ(bound_text("abcdefghij", 4), "abcd\u2026 (10 bytes)");
}

TEST(bound_text, a_bounded_text_quoted_in_a_longer_one_keeps_its_size) {
  const auto detail = bound_text(std::string(20'000'000, 'x'));
  const auto message = bound_text("reading 8x8 stopped: " + detail);
  EXPECT_EQ(message, "reading 8x8 stopped: " + std::string(4096 - 21, 'x') + "\u2026 (20000000 bytes)");
  EXPECT_EQ(bound_text(message), message) << "bounded once is bounded";
  // Text that merely ends like a marker, without one, is cut as any other.
  EXPECT_EQ(bound_text("abcdef 12 bytes)", 4), "abcd\u2026 (16 bytes)");
}

TEST(bound_text, never_cuts_a_character_in_half) {
  // "é" is two bytes: a limit of 4 falls inside the third "é", which is left out whole.
  EXPECT_EQ(bound_text("ééééé", 5), "éé\u2026 (10 bytes)");
  EXPECT_EQ(bound_text("ééééé", 4), "éé\u2026 (10 bytes)");
  EXPECT_EQ(bound_text("a\xF0\x9F\x98\x80z", 3), "a\u2026 (6 bytes)");
}

}  // namespace
}  // namespace eightsync::core
