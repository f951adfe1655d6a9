// core/unsafe_text: which characters are unsafe for a terminal or an identifier, and how they
// are escaped (issue 13, finding 12); the two new quarantine reasons; and which columns the
// mapper reads, so the JSON reader keeps only those (finding 9).
#include "core/unsafe_text.hpp"

#include <gtest/gtest.h>

#include "core/quarantine_reason.hpp"
#include "core/user_mapper.hpp"
#include "core/utf8.hpp"

namespace eightsync::core {
namespace {

TEST(unsafe_text, finds_controls_bidi_and_invisible_characters) {
  EXPECT_FALSE(
      find_unsafe_char("plain ASCII, Zoë, 東京, emoji \xF0\x9F\x98\x80, joiner a\xE2\x80\x8D"
                       "b"));
  struct sample {
    std::string text;
    std::size_t offset;
    std::size_t size;
    std::uint32_t cp;
  };
  const std::vector<sample> samples{
      {std::string("a\0b", 3), 1, 1, 0x00},
      {"a\x1B[2J", 1, 1, 0x1B},
      {"a\rb", 1, 1, 0x0D},
      {"a\x7F", 1, 1, 0x7F},
      {"a\xC2\x85", 1, 2, 0x85},
      {"a\xC2\x9B"
       "1m",
       1, 2, 0x9B},
      {"ab\xD8\x9C", 2, 2, 0x061C},
      {"\xE2\x80\x8B", 0, 3, 0x200B},
      {"\xE2\x80\x8F", 0, 3, 0x200F},
      {"x\xE2\x80\xA8", 1, 3, 0x2028},
      {"x\xE2\x80\xAE"
       "cba",
       1, 3, 0x202E},
      {"\xE2\x81\xA0", 0, 3, 0x2060},
      {"\xE2\x81\xA6", 0, 3, 0x2066},
      {"\xE2\x81\xA9", 0, 3, 0x2069},
      {"\xEF\xBB\xBFid", 0, 3, 0xFEFF},
      {"\xEF\xBF\xB9", 0, 3, 0xFFF9},
  };
  for (const auto& s : samples) {
    const auto u = find_unsafe_char(s.text);
    ASSERT_TRUE(u) << escaped(s.text);
    EXPECT_EQ(u->offset, s.offset) << escaped(s.text);
    EXPECT_EQ(u->size, s.size) << escaped(s.text);
    EXPECT_EQ(u->code_point, s.cp) << escaped(s.text);
    EXPECT_FALSE(u->invalid_utf8);
  }
  const auto bad = find_unsafe_char("ok\xFFok");
  ASSERT_TRUE(bad);
  EXPECT_TRUE(bad->invalid_utf8);
  EXPECT_EQ(bad->offset, 2u);
  EXPECT_EQ(bad->code_point, 0xFFu);
}

TEST(unsafe_text, escapes_as_json_does) {
  EXPECT_EQ(escaped("plain Zoë"), "plain Zoë");
  EXPECT_EQ(escaped("a\x1B[2Jb"), "a\\u001B[2Jb");
  EXPECT_EQ(escaped("1\r2\n3\t4"), "1\\r2\\n3\\t4");
  EXPECT_EQ(escaped(std::string("nul\0", 4)), "nul\\u0000");
  EXPECT_EQ(escaped("rlo\xE2\x80\xAE"
                    "cba"),
            "rlo\\u202Ecba");
  EXPECT_EQ(escaped("bom\xEF\xBB\xBF"), "bom\\uFEFF");
  EXPECT_EQ(escaped("del\x7F"
                    "c1\xC2\x9B"),
            "del\\u007Fc1\\u009B");
  EXPECT_EQ(escaped("bad\xFF\xC3"), "bad\\xFF\\xC3");
  std::string keep;
  append_escaped(keep, "line 1\nline\r2\n", line_feeds::keep);
  EXPECT_EQ(keep, "line 1\nline\\r2\n");
  EXPECT_EQ(code_point_label(0x1B), "U+001B");
  EXPECT_EQ(code_point_label(0x202E), "U+202E");
}

TEST(unsafe_text, utf8_check_moved_to_core) {
  EXPECT_EQ(find_invalid_utf8("Zoë"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("ab\xE2\x82"), 2u);
}

TEST(unsafe_text, new_quarantine_reasons_have_stable_names) {
  EXPECT_EQ(enum_name(quarantine_reason::record_too_long), "record_too_long");
  EXPECT_EQ(enum_name(quarantine_reason::unsafe_key), "unsafe_key");
}

TEST(user_mapper_columns, reads_the_key_and_the_columns_of_mapping_scope_and_active) {
  mapping_rules rules;
  ASSERT_FALSE(rules.map_attribute(attribute::user_name, "{email|lower}"));
  ASSERT_FALSE(rules.map_attribute(attribute::title, "{job_title}"));
  ASSERT_FALSE(rules.set_active("{status} == Active"));
  ASSERT_FALSE(rules.add_scope("{office} in [London]"));
  const user_mapper m(rules, "employee_id");
  for (const char* used : {"employee_id", "email", "job_title", "status", "office", "EMAIL", "Employee_ID"})
    EXPECT_TRUE(m.uses_column(used)) << used;
  for (const char* unused : {"extra_1", "manager", "emai", ""})
    EXPECT_FALSE(m.uses_column(unused)) << unused;
}

}  // namespace
}  // namespace eightsync::core
