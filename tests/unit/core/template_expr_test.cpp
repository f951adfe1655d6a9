#include "core/template_expr.hpp"

#include <gtest/gtest.h>

#include "expr_harness.hpp"

namespace eightsync::core {
namespace {

using testing::expr_harness;

TEST(template_expr, literal_text_only) {
  expr_harness h;
  EXPECT_EQ(h.render("example.com", {}), "example.com");
  EXPECT_EQ(h.render("", {}), "");
}

TEST(template_expr, column_and_concatenation) {
  expr_harness h;
  EXPECT_EQ(h.render("{first_name}.{last_name|lower}@example.com",
                     {{"first_name", "Zoë"}, {"last_name", "ASHWORTH"}}),
            "Zoë.ashworth@example.com");
}

TEST(template_expr, column_names_may_hold_spaces_and_are_trimmed) {
  expr_harness h;
  EXPECT_EQ(h.render("{ First Name | upper }", {{"First Name", "ana"}}), "ANA");
  EXPECT_EQ(h.symbols().columns(), std::vector<std::string>{"First Name"});
}

TEST(template_expr, doubled_braces_are_literal) {
  expr_harness h;
  EXPECT_EQ(h.render("{{literal}} {x} }}{{", {{"x", "v"}}), "{literal} v }{");
}

TEST(template_expr, value_is_used_exactly_as_exported) {
  expr_harness h;
  EXPECT_EQ(h.render("[{x}]", {{"x", "  spaced  "}}), "[  spaced  ]");
}

TEST(template_expr, lower_folds_ascii_and_latin) {
  expr_harness h;
  EXPECT_EQ(h.render("{x|lower}", {{"x", "ÉLODIE ŽIŽEK ŁUKASZ SØREN"}}), "élodie žižek łukasz søren");
}

TEST(template_expr, upper_folds_ascii_and_latin) {
  expr_harness h;
  EXPECT_EQ(h.render("{x|upper}", {{"x", "élodie žižek łukasz søren ÿ"}}), "ÉLODIE ŽIŽEK ŁUKASZ SØREN Ÿ");
}

TEST(template_expr, trim_strips_ascii_whitespace_and_no_break_space) {
  expr_harness h;
  EXPECT_EQ(h.render("[{x|trim}]", {{"x", " \t\xC2\xA0José \xC2\xA0"}}), "[José]");
}

TEST(template_expr, chained_filters_apply_left_to_right) {
  expr_harness h;
  EXPECT_EQ(h.render("{x|trim|lower|upper}", {{"x", "  MiXeD  "}}), "MIXED");
  EXPECT_EQ(h.render("{x|lower|default:NONE}", {{"x", ""}}), "NONE");
  EXPECT_EQ(h.render("{x|default:none|upper}", {{"x", ""}}), "NONE");
}

TEST(template_expr, or_uses_the_other_column_when_blank) {
  expr_harness h;
  const std::string t = "{preferred_name|or:first_name}";
  EXPECT_EQ(h.render(t, {{"preferred_name", "Kate"}, {"first_name", "Katherine"}}), "Kate");
  EXPECT_EQ(h.render(t, {{"preferred_name", ""}, {"first_name", "Katherine"}}), "Katherine");
  EXPECT_EQ(h.render(t, {{"preferred_name", "   "}, {"first_name", "Katherine"}}), "Katherine");
  EXPECT_EQ(h.symbols().columns(), (std::vector<std::string>{"preferred_name", "first_name"}));
}

TEST(template_expr, default_uses_text_when_blank) {
  expr_harness h;
  EXPECT_EQ(h.render("{department|default:Not assigned}", {{"department", ""}}), "Not assigned");
  EXPECT_EQ(h.render("{department|default:Not assigned}", {{"department", "Sales"}}), "Sales");
}

TEST(template_expr, map_looks_up_case_insensitively_after_trimming) {
  expr_harness h;
  h.add_map("office_site", {{"London", "London HQ"}, {"Austin", "Austin"}});
  EXPECT_EQ(h.render("{office|map:office_site}", {{"office", " LONDON "}}), "London HQ");
}

TEST(template_expr, map_miss_without_default_fails_the_render) {
  expr_harness h;
  h.add_map("office_site", {{"London", "London HQ"}});
  EXPECT_EQ(h.render("{office|map:office_site}", {{"office", "Paris"}}),
            "MAP MISS: map \"office_site\" has no entry for \"Paris\" and no _default");
}

TEST(template_expr, map_miss_with_default_uses_it) {
  expr_harness h;
  h.add_map("office_locale", {{"London", "en-GB"}, {"_default", "en-US"}});
  EXPECT_EQ(h.render("{office|map:office_locale}", {{"office", "Paris"}}), "en-US");
  EXPECT_EQ(h.render("{office|map:office_locale}", {{"office", "london"}}), "en-GB");
}

TEST(template_expr, map_then_other_filters) {
  expr_harness h;
  h.add_map("m", {{"a", "Alpha"}});
  EXPECT_EQ(h.render("{x|trim|map:m|upper}", {{"x", " A "}}), "ALPHA");
}

TEST(template_expr, error_unknown_filter_with_position_and_hint) {
  expr_harness h;
  EXPECT_EQ(
      h.render("{first|lowr}", {}),
      "PARSE ERROR at 7: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT or map:NAME), found "
      "\"lowr\"; did you mean \"lower\"?");
  EXPECT_EQ(
      h.render("{first|capitalize}", {}),
      "PARSE ERROR at 7: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT or map:NAME), found "
      "\"capitalize\"");
}

TEST(template_expr, error_unknown_map_with_position) {
  expr_harness h;
  h.add_map("office_site", {});
  EXPECT_EQ(h.render("{office|map: sites}", {}),
            "PARSE ERROR at 13: expected a map defined under maps (office_site), found \"sites\"");
  EXPECT_EQ(h.render("{office|map:office_sit}", {}),
            "PARSE ERROR at 12: expected a map defined under maps (office_site), found \"office_sit\"; did "
            "you mean "
            "\"office_site\"?");
  expr_harness none;
  EXPECT_EQ(none.render("{office|map:sites}", {}),
            "PARSE ERROR at 12: expected a map defined under maps (none are defined), found \"sites\"");
}

TEST(template_expr, error_filter_arguments) {
  expr_harness h;
  EXPECT_EQ(h.render("{a|lower:x}", {}),
            "PARSE ERROR at 3: expected lower without an argument, found \"lower:x\"");
  EXPECT_EQ(h.render("{a|or}", {}), "PARSE ERROR at 3: expected or:COLUMN, found \"or\" without a column");
  EXPECT_EQ(h.render("{a|default:}", {}),
            "PARSE ERROR at 3: expected default:TEXT, found \"default:\" without text");
  EXPECT_EQ(h.render("{a|map:}", {}),
            "PARSE ERROR at 3: expected map:NAME, found \"map:\" without a map name");
  EXPECT_EQ(h.render("{a|}", {}),
            "PARSE ERROR at 3: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT or map:NAME) "
            "after |, "
            "found nothing");
}

TEST(template_expr, error_braces) {
  expr_harness h;
  EXPECT_EQ(h.render("x{first", {}),
            "PARSE ERROR at 1: expected } to close this {, found the end of the template");
  EXPECT_EQ(h.render("a}b", {}), "PARSE ERROR at 1: expected }} for a literal brace, found a single }");
  EXPECT_EQ(h.render("{a{b}}", {}),
            "PARSE ERROR at 2: expected a column, a |filter or }, found { (write {{ for a literal brace)");
  EXPECT_EQ(h.render("{ }", {}), "PARSE ERROR at 2: expected a column name after {, found }");
  EXPECT_EQ(h.render("{|lower}", {}), "PARSE ERROR at 1: expected a column name after {, found |");
}

TEST(template_expr, failed_parse_registers_no_column) {
  expr_harness h;
  h.render("{good} {bad|nope}", {});
  EXPECT_TRUE(h.symbols().columns().empty());
}

TEST(template_expr, has_expression) {
  expr_symbols s;
  EXPECT_FALSE(template_expr::parse("plain {{x}}", s)->has_expression());
  EXPECT_TRUE(template_expr::parse("a{x}", s)->has_expression());
  EXPECT_EQ(template_expr::parse("a{x}", s)->text(), "a{x}");
}

}  // namespace
}  // namespace eightsync::core
