#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/expr_error.hpp"
#include "core/expr_symbols.hpp"
#include "core/render_context.hpp"

namespace eightsync::core {

/// A parsed mapping template: literal text with `{expression}` parts. The grammar is pinned:
///
///     template   := ( literal | "{{" | "}}" | "{" expression "}" )*
///     expression := COLUMN ( "|" filter )*
///     filter     := "lower" | "upper" | "trim" | "or:" COLUMN | "default:" TEXT | "map:" NAME
///
/// `{{` and `}}` are literal braces; spaces around names and filters are ignored; a COLUMN is
/// any text without `|`, `{` or `}`. Filters apply left to right to the column's value:
/// `lower`/`upper` change case (see core/text.hpp), `trim` strips whitespace, `or:OTHER` takes
/// column OTHER when the value is blank (empty or whitespace), `default:TEXT` takes TEXT when
/// the value is blank, `map:NAME` looks the value up in `maps.NAME` (case-insensitive,
/// trimmed) and fails the render when the value is absent and the map has no `_default`.
/// Values are otherwise used exactly as the export holds them.
class template_expr {
 public:
  /// Parses `text`, numbering the columns it uses in `symbols` and resolving `map:NAME` against
  /// the maps already registered there. A syntax error, an unknown filter or an unknown map is
  /// an expr_error at the offending offset (nothing is registered then). Throws only std::bad_alloc.
  static expected<template_expr, expr_error> parse(std::string_view text, expr_symbols& symbols);

  /// Appends the rendered value to `out`. Returns false on a map miss, with ctx.error saying
  /// which map lacked which value (`out` then holds a partial value). Throws only std::bad_alloc.
  bool render(render_context& ctx, std::string& out) const;

  /// Renders without copying when the template is exactly one `{expression}`: `out` then views
  /// the row, a map entry or one of ctx's buffers, valid until ctx is used again. Any other
  /// template is rendered into `buffer` (cleared first), which `out` then views. Returns false
  /// on a map miss, as render does. Throws only std::bad_alloc.
  bool render_view(render_context& ctx, std::string& buffer, std::string_view& out) const;

  /// The template as written. Never throws.
  const std::string& text() const noexcept { return text_; }
  /// Whether the template has at least one `{expression}`. Never throws.
  bool has_expression() const noexcept;

 private:
  enum class filter_kind : std::uint8_t { lower, upper, trim, or_column, default_text, map };
  struct filter {
    filter_kind kind;
    std::uint32_t index = 0;  ///< column slot (or_column) or map index (map)
    std::string text;         ///< default_text's TEXT
  };
  struct part {
    std::string literal;  ///< used when slot == no_slot
    std::uint32_t slot = no_slot;
    std::vector<filter> filters;
  };
  static constexpr std::uint32_t no_slot = 0xFFFFFFFFU;

  // The value of expression part `p` after its first `filters` filters; false on a map miss.
  static bool evaluate(const part& p, std::size_t filters, render_context& ctx, std::string_view& value);

  std::string text_;
  std::vector<part> parts_;
};

}  // namespace eightsync::core
