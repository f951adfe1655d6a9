#include "core/condition_expr.hpp"

#include <gtest/gtest.h>

#include "expr_harness.hpp"

namespace eightsync::core {
namespace {

using testing::expr_harness;

TEST(condition_expr, equal) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{status} == Active", {{"status", "Active"}}), "true");
  EXPECT_EQ(h.evaluate("{status} == Active", {{"status", "Terminated"}}), "false");
}

TEST(condition_expr, not_equal) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{type} != Contractor", {{"type", "Employee"}}), "true");
  EXPECT_EQ(h.evaluate("{type} != Contractor", {{"type", "contractor"}}), "false");
}

TEST(condition_expr, in_list) {
  expr_harness h;
  const std::string c = "{status} in [Active, On Leave]";
  EXPECT_EQ(h.evaluate(c, {{"status", "On Leave"}}), "true");
  EXPECT_EQ(h.evaluate(c, {{"status", "Active"}}), "true");
  EXPECT_EQ(h.evaluate(c, {{"status", "Terminated"}}), "false");
}

TEST(condition_expr, not_in_list) {
  expr_harness h;
  const std::string c = "{status} not in [Terminated, Retired]";
  EXPECT_EQ(h.evaluate(c, {{"status", "Active"}}), "true");
  EXPECT_EQ(h.evaluate(c, {{"status", "retired"}}), "false");
}

TEST(condition_expr, comparisons_ignore_case_and_surrounding_spaces) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{status} == active", {{"status", "  ACTIVE \t"}}), "true");
  EXPECT_EQ(h.evaluate("{city} in [ Zürich ,  ÉVRY ]", {{"city", "zÜRICH"}}), "true");
  EXPECT_EQ(h.evaluate("{city} in [ Zürich ,  ÉVRY ]", {{"city", "évry"}}), "true");
  EXPECT_EQ(h.evaluate("{status} IN [Active]", {{"status", "active"}}), "true");
  EXPECT_EQ(h.evaluate("{status} NOT IN [Active]", {{"status", "active"}}), "false");
}

TEST(condition_expr, values_are_folded_once_at_parse) {
  expr_symbols s;
  auto c = condition_expr::parse("{status} in [Active, ON LEAVE, \"Ž, Ł\"]", s);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->operation(), condition_expr::op::in);
  EXPECT_EQ(c->values(), (std::vector<std::string>{"active", "on leave", "ž, ł"}));
}

TEST(condition_expr, quoted_values_hold_commas_and_empty) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{title} in [\"Director, Sales\", 'VP, Sales']", {{"title", "director, sales"}}),
            "true");
  EXPECT_EQ(h.evaluate("{mobile} == \"\"", {{"mobile", "  "}}), "true");
  EXPECT_EQ(h.evaluate("{mobile} != ''", {{"mobile", "+1 512"}}), "true");
}

TEST(condition_expr, left_side_is_a_template_with_filters_and_maps) {
  expr_harness h;
  h.add_map("region", {{"London", "EMEA"}, {"Austin", "AMER"}});
  EXPECT_EQ(h.evaluate("{office|map:region} == emea", {{"office", "London"}}), "true");
  EXPECT_EQ(h.evaluate("{office}/{type} == London/Employee", {{"office", "London"}, {"type", "Employee"}}),
            "true");
  EXPECT_EQ(h.evaluate("{office|map:region} == emea", {{"office", "Paris"}}),
            "MAP MISS: map \"region\" has no entry for \"Paris\" and no _default");
}

TEST(condition_expr, error_bad_operator) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{status} = Active", {}),
            "PARSE ERROR at 9: expected an operator (==, !=, in or not in), found \"=\"");
  EXPECT_EQ(h.evaluate("{status} contains Act", {}),
            "PARSE ERROR at 9: expected an operator (==, !=, in or not in), found \"contains\"");
  EXPECT_EQ(h.evaluate("{status}", {}),
            "PARSE ERROR at 8: expected an operator (==, !=, in or not in), found the end of the condition");
}

TEST(condition_expr, error_left_side_without_column) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("status == Active", {}),
            "PARSE ERROR at 0: expected a {column} on the left of ==, found \"status\"");
  EXPECT_EQ(h.evaluate(" in [a]", {}),
            "PARSE ERROR at 0: expected a {column} on the left of in, found nothing");
}

TEST(condition_expr, error_bad_template_on_the_left) {
  expr_harness h;
  EXPECT_EQ(
      h.evaluate("{status|nope} == x", {}),
      "PARSE ERROR at 8: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT or map:NAME), found "
      "\"nope\"");
  EXPECT_EQ(h.evaluate("{status == x", {}),
            "PARSE ERROR at 0: expected } to close this {, found the end of the template");
}

TEST(condition_expr, error_values) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{s} ==", {}),
            "PARSE ERROR at 6: expected a value after ==, found nothing (write \"\" for an empty value)");
  EXPECT_EQ(h.evaluate("{s} == [a, b]", {}),
            "PARSE ERROR at 7: expected a single value after ==, found a list (use in or not in)");
  EXPECT_EQ(h.evaluate("{s} in Active", {}),
            "PARSE ERROR at 7: expected a list like [a, b] after in, found \"Active\"");
  EXPECT_EQ(h.evaluate("{s} not in", {}),
            "PARSE ERROR at 10: expected a list like [a, b] after not in, found nothing");
  EXPECT_EQ(h.evaluate("{s} in [a, b", {}),
            "PARSE ERROR at 12: expected , or ] in the list, found the end of the condition");
  EXPECT_EQ(h.evaluate("{s} in []", {}),
            "PARSE ERROR at 8: expected at least one value in the list, found []");
  EXPECT_EQ(h.evaluate("{s} in [a,,b]", {}),
            "PARSE ERROR at 10: expected a value in the list, found , (write \"\" for an empty value)");
  EXPECT_EQ(h.evaluate("{s} in [a] extra", {}),
            "PARSE ERROR at 11: expected the end of the condition after ], found \"extra\"");
  EXPECT_EQ(h.evaluate("{s} == \"open", {}),
            "PARSE ERROR at 7: expected a closing \" for this quote, found the end of the condition");
  EXPECT_EQ(h.evaluate("{s} == \"a\" b", {}),
            "PARSE ERROR at 11: expected the end of the condition, found \"b\"");
}

// Issue 13, finding 11: a value that starts with an operator character, or holds a second
// operator, was read as text (`{status} === Active` compared with "= Active", so every row
// became inactive). Quoted, such text is still a value.
TEST(condition_expr, error_value_that_looks_like_an_operator) {
  expr_harness h;
  EXPECT_EQ(h.evaluate("{status} === Active", {}),
            "PARSE ERROR at 11: expected a value after ==, found \"= Active\", which starts with an operator "
            "character (quote it if that is the text to compare)");
  EXPECT_EQ(h.evaluate("{status} !== Active", {}),
            "PARSE ERROR at 11: expected a value after !=, found \"= Active\", which starts with an operator "
            "character (quote it if that is the text to compare)");
  EXPECT_EQ(
      h.evaluate("{s} == !x", {}),
      "PARSE ERROR at 7: expected a value after ==, found \"!x\", which starts with an operator character "
      "(quote it if that is the text to compare)");
  EXPECT_EQ(
      h.evaluate("{s} == A == A", {}),
      "PARSE ERROR at 7: expected a value after ==, found \"A == A\", which holds a second operator (quote "
      "it if that is the text to compare)");
  EXPECT_EQ(
      h.evaluate("{s} != A != B", {}),
      "PARSE ERROR at 7: expected a value after !=, found \"A != B\", which holds a second operator (quote "
      "it if that is the text to compare)");
  EXPECT_EQ(h.evaluate("{s} in [a, =b]", {}),
            "PARSE ERROR at 11: expected a value in the list, found \"=b\", which starts with an operator "
            "character (quote it if that is the text to compare)");
  EXPECT_EQ(
      h.evaluate("{s} not in [a == b]", {}),
      "PARSE ERROR at 12: expected a value in the list, found \"a == b\", which holds a second operator "
      "(quote it if that is the text to compare)");
  // Quoted, the same text is a value; words such as "in" inside a value stay text.
  EXPECT_EQ(h.evaluate("{s} == \"= Active\"", {{"s", "= Active"}}), "true");
  EXPECT_EQ(h.evaluate("{s} in [\"a == b\", c]", {{"s", "a == b"}}), "true");
  EXPECT_EQ(h.evaluate("{dept} == Sales in EMEA", {{"dept", "sales in emea"}}), "true");
}

}  // namespace
}  // namespace eightsync::core
