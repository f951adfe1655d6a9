#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/expr_error.hpp"
#include "core/expr_symbols.hpp"
#include "core/render_context.hpp"
#include "core/template_expr.hpp"

namespace eightsync::core {

/// A parsed condition, used by `scope` and by `mapping.active`. The grammar is pinned:
///
///     condition := TEMPLATE OP VALUE
///     OP        := "==" | "!=" | "in" | "not in"
///     VALUE     := literal | "[" literal ( "," literal )* "]"      (a list only with in / not in)
///
/// The TEMPLATE (see template_expr) must hold at least one `{expression}`; the operator is the
/// first `==`, `!=`, or word `in` / `not in` outside braces. A literal is bare text or text in
/// "double" or 'single' quotes (quote a value holding a comma, a bracket or nothing: `""`).
/// A bare literal that starts with `=` or `!`, or holds `==` or `!=`, is an error (it is a typo
/// such as `{status} === Active`); quoted, the same text is a value.
/// Comparisons trim both sides and ignore case (core/text.hpp): `{status} == active` holds for
/// " Active ". The right-hand values are folded once, at parse time.
class condition_expr {
 public:
  /// The comparison.
  enum class op : std::uint8_t { equal, not_equal, in, not_in };

  /// Parses `text`, numbering columns in `symbols` and resolving maps there. A bad operator, a
  /// malformed value or list, or a bad template is an expr_error at the offending offset.
  /// Throws only std::bad_alloc.
  static expected<condition_expr, expr_error> parse(std::string_view text, expr_symbols& symbols);

  /// Evaluates the condition for the row in `ctx`, storing the answer in `result`. Returns
  /// false on a map miss in the template (ctx.error says which). Throws only std::bad_alloc.
  bool evaluate(render_context& ctx, bool& result) const;

  /// The condition as written. Never throws.
  const std::string& text() const noexcept { return text_; }
  /// The operator. Never throws.
  op operation() const noexcept { return op_; }
  /// The right-hand values, trimmed and lower-cased. Never throws.
  const std::vector<std::string>& values() const noexcept { return values_; }

 private:
  condition_expr(std::string text, template_expr left, op o, std::vector<std::string> values)
      : text_(std::move(text)), left_(std::move(left)), op_(o), values_(std::move(values)) {}

  std::string text_;
  template_expr left_;
  op op_;
  std::vector<std::string> values_;
};

}  // namespace eightsync::core
