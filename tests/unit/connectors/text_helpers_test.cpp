// The small text helpers under the HR readers: UTF-8 validation, key normalization and the
// line splitter.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "connectors/text_key.hpp"
#include "connectors/text_line_splitter.hpp"
#include "connectors/text_utf8.hpp"

namespace eightsync::connectors {
namespace {

constexpr auto npos = std::string_view::npos;

TEST(text_utf8, AcceptsAsciiAndWellFormedMultibyte) {
  EXPECT_EQ(find_invalid_utf8(""), npos);
  EXPECT_EQ(find_invalid_utf8("plain ASCII text longer than eight bytes"), npos);
  EXPECT_EQ(find_invalid_utf8("Ren\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), npos);
}

TEST(text_utf8, FindsLoneAndTruncatedBytes) {
  EXPECT_EQ(find_invalid_utf8("abcdefgh\xE9xyz"), 8u);
  EXPECT_EQ(find_invalid_utf8("\x81"), 0u);
  EXPECT_EQ(find_invalid_utf8("ab\xE2\x82"), 2u);
  EXPECT_EQ(find_invalid_utf8("ab\xE2\x82x"), 2u);
}

TEST(text_utf8, NeverReadsPastTheEndOfAnAsciiRun) {
  // 16 or 32 ASCII bytes followed, in memory but outside the view, by a byte that is not UTF-8:
  // the check used to read it (AddressSanitizer: heap-buffer-overflow) and report offset 32.
  const std::string buf = std::string(32, 'a') + "\xFF";
  EXPECT_EQ(find_invalid_utf8(std::string_view(buf.data(), 32)), npos);
  EXPECT_EQ(find_invalid_utf8(std::string_view(buf.data(), 16)), npos);
}

TEST(text_utf8, RejectsOverlongSurrogateAndOutOfRange) {
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);     // U+D800 surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xFF"), 0u);
}

TEST(text_key, TrimsSpacesTabsAndLineEnds) {
  core::source_options o;
  std::string k = " \t 42\r\n ";
  normalize_key(k, o);
  EXPECT_EQ(k, "42");
  std::string blank = "  \t ";
  normalize_key(blank, o);
  EXPECT_EQ(blank, "");
}

TEST(text_key, StripLeadingZerosOnlyForAllDigitKeys) {
  core::source_options o;
  o.key_normalize = core::key_normalization::strip_leading_zeros;
  for (auto [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"00123", "123"}, {"0000", "0"}, {"0", "0"}, {"100", "100"}, {"0A1", "0A1"}, {" 007 ", "7"}}) {
    normalize_key(in, o);
    EXPECT_EQ(in, out);
  }
}

TEST(text_key, ZeroPadOnlyShorterAllDigitKeys) {
  core::source_options o;
  o.key_normalize = core::key_normalization::zero_pad;
  o.key_width = 5;
  for (auto [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"123", "00123"}, {"12345", "12345"}, {"123456", "123456"}, {"E12", "E12"}, {"0", "00000"}}) {
    normalize_key(in, o);
    EXPECT_EQ(in, out);
  }
}

using pieces = std::vector<std::tuple<std::string, std::size_t, bool>>;

pieces split_all(const std::vector<std::string>& chunks) {
  text_line_splitter s;
  pieces out;
  const auto collect = [&](std::string_view t, std::size_t line, bool end) {
    out.emplace_back(std::string(t), line, end);
  };
  for (const auto& c : chunks) {
    s.split(c, collect);
  }
  s.finish(collect);
  return out;
}

TEST(text_line_splitter, SplitsLfCrlfAndCr) {
  EXPECT_EQ(split_all({"a\nb\r\nc\rd"}),
            (pieces{{"a\n", 1, true}, {"b\r\n", 2, true}, {"c\r", 3, true}, {"d", 4, false}}));
}

TEST(text_line_splitter, JoinsCrlfSplitAcrossChunks) {
  EXPECT_EQ(
      split_all({"ab\r", "\ncd\r", "ef"}),
      (pieces{{"ab", 1, false}, {"\r\n", 1, true}, {"cd", 2, false}, {"\r", 2, true}, {"ef", 3, false}}));
}

TEST(text_line_splitter, DeliversCrEndingTheLastChunk) {
  EXPECT_EQ(split_all({"ab\r"}), (pieces{{"ab", 1, false}, {"\r", 1, true}}));
}

TEST(text_line_splitter, LineSpanningChunksKeepsItsNumber) {
  EXPECT_EQ(split_all({"x\nlo", "ng\n"}), (pieces{{"x\n", 1, true}, {"lo", 2, false}, {"ng\n", 2, true}}));
}

}  // namespace
}  // namespace eightsync::connectors
