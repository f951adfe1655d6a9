#include "core/template_expr.hpp"

#include <optional>

#include "core/text.hpp"

namespace eightsync::core {
namespace {

constexpr std::string_view filter_list = "a filter (lower, upper, trim, or:COLUMN, default:TEXT or map:NAME)";

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// A piece of the template text: a view plus its offset in the whole template.
struct token {
  std::string_view text;
  std::size_t offset = 0;
};

// `t` without surrounding whitespace, offset kept right.
token trimmed(token t) {
  const std::string_view s = trim(t.text);
  if (s.empty()) return {s, t.offset};
  return {s, t.offset + static_cast<std::size_t>(s.data() - t.text.data())};
}

unexpected<expr_error> fail(std::size_t offset, std::string message) {
  return unexpected<expr_error>{expr_error{offset, std::move(message)}};
}

}  // namespace

expected<template_expr, expr_error> template_expr::parse(std::string_view text, expr_symbols& symbols) {
  // Column slots are numbered only once the whole template parsed, so a template that fails
  // leaves `symbols` untouched.
  struct pending_part {
    std::string literal;
    std::string column;
    bool is_expression = false;
    struct pending_filter {
      filter_kind kind;
      std::string column;  // or_column
      std::uint32_t map = 0;
      std::string text;
    };
    std::vector<pending_filter> filters;
  };
  std::vector<pending_part> parts;
  std::string literal;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    parts.push_back(pending_part{std::move(literal), {}, false, {}});
    literal.clear();
  };

  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '}') {
      if (pos + 1 < text.size() && text[pos + 1] == '}') {
        literal.push_back('}');
        pos += 2;
        continue;
      }
      return fail(pos, "expected }} for a literal brace, found a single }");
    }
    if (c != '{') {
      literal.push_back(c);
      ++pos;
      continue;
    }
    if (pos + 1 < text.size() && text[pos + 1] == '{') {
      literal.push_back('{');
      pos += 2;
      continue;
    }

    const std::size_t open = pos;
    std::size_t close = open + 1;
    while (close < text.size() && text[close] != '}' && text[close] != '{')
      ++close;
    if (close == text.size()) return fail(open, "expected } to close this {, found the end of the template");
    if (text[close] == '{') {
      return fail(close, "expected a column, a |filter or }, found { (write {{ for a literal brace)");
    }

    // Split the body at '|': the first segment is the column, the rest are filters.
    std::vector<token> segments;
    std::size_t seg_start = open + 1;
    for (std::size_t i = open + 1; i <= close; ++i) {
      if (i == close || text[i] == '|') {
        segments.push_back({text.substr(seg_start, i - seg_start), seg_start});
        seg_start = i + 1;
      }
    }

    pending_part part;
    part.is_expression = true;
    const token column = trimmed(segments[0]);
    if (column.text.empty()) {
      const std::size_t at = open + 1 + segments[0].text.size();
      return fail(at, std::string("expected a column name after {, found ") + (text[at] == '}' ? "}" : "|"));
    }
    part.column = std::string(column.text);

    for (std::size_t s = 1; s < segments.size(); ++s) {
      const token seg = trimmed(segments[s]);
      if (seg.text.empty())
        return fail(segments[s].offset, "expected " + std::string(filter_list) + " after |, found nothing");
      const auto colon = seg.text.find(':');
      const std::string_view name = trim(seg.text.substr(0, colon));
      const token arg = colon == std::string_view::npos
                            ? token{{}, seg.offset + seg.text.size()}
                            : trimmed({seg.text.substr(colon + 1), seg.offset + colon + 1});
      const bool has_arg = colon != std::string_view::npos;

      pending_part::pending_filter f{filter_kind::lower, {}, 0, {}};
      if (name == "lower" || name == "upper" || name == "trim") {
        if (has_arg) {
          return fail(seg.offset,
                      "expected " + std::string(name) + " without an argument, found " + in_quotes(seg.text));
        }
        f.kind = name == "lower"   ? filter_kind::lower
                 : name == "upper" ? filter_kind::upper
                                   : filter_kind::trim;
      } else if (name == "or") {
        if (arg.text.empty())
          return fail(seg.offset, "expected or:COLUMN, found " + in_quotes(seg.text) + " without a column");
        f.kind = filter_kind::or_column;
        f.column = std::string(arg.text);
      } else if (name == "default") {
        if (arg.text.empty())
          return fail(seg.offset, "expected default:TEXT, found " + in_quotes(seg.text) + " without text");
        f.kind = filter_kind::default_text;
        f.text = std::string(arg.text);
      } else if (name == "map") {
        if (arg.text.empty())
          return fail(seg.offset, "expected map:NAME, found " + in_quotes(seg.text) + " without a map name");
        const auto index = symbols.map_index(arg.text);
        if (!index) {
          std::string known;
          for (const auto& m : symbols.map_names())
            known += (known.empty() ? "" : ", ") + m;
          std::string msg = "expected a map defined under maps (" +
                            (known.empty() ? std::string("none are defined") : known) + "), found " +
                            in_quotes(arg.text);
          if (auto hint = closest_name_in(arg.text, symbols.map_names()))
            msg += "; did you mean " + in_quotes(*hint) + "?";
          return fail(arg.offset, std::move(msg));
        }
        f.kind = filter_kind::map;
        f.map = *index;
      } else {
        std::string msg = "expected " + std::string(filter_list) + ", found " + in_quotes(name);
        if (auto hint = closest_name(name, {"lower", "upper", "trim", "or", "default", "map"})) {
          msg += "; did you mean " + in_quotes(*hint) + "?";
        }
        return fail(seg.offset, std::move(msg));
      }
      part.filters.push_back(std::move(f));
    }
    flush_literal();
    parts.push_back(std::move(part));
    pos = close + 1;
  }
  flush_literal();

  template_expr out;
  out.text_ = std::string(text);
  for (auto& p : parts) {
    part q;
    if (!p.is_expression) {
      q.literal = std::move(p.literal);
    } else {
      q.slot = symbols.column_slot(p.column);
      for (auto& f : p.filters) {
        filter g{f.kind, 0, std::move(f.text)};
        if (f.kind == filter_kind::or_column) g.index = symbols.column_slot(f.column);
        if (f.kind == filter_kind::map) g.index = f.map;
        q.filters.push_back(std::move(g));
      }
    }
    out.parts_.push_back(std::move(q));
  }
  return out;
}

bool template_expr::has_expression() const noexcept {
  for (const auto& p : parts_) {
    if (p.slot != no_slot) return true;
  }
  return false;
}

bool template_expr::evaluate(const part& p, std::size_t filters, render_context& ctx,
                             std::string_view& value) {
  value = ctx.columns[p.slot];
  unsigned next_buffer = 0;
  for (std::size_t n = 0; n < filters; ++n) {
    const filter& f = p.filters[n];
    switch (f.kind) {
      case filter_kind::lower:
      case filter_kind::upper: {
        // Ping-pong between two buffers: `value` may point into the other one.
        std::string& buf = ctx.filter_buffers[next_buffer];
        next_buffer ^= 1U;
        buf.clear();
        if (f.kind == filter_kind::lower) {
          append_lower(buf, value);
        } else {
          append_upper(buf, value);
        }
        value = buf;
        break;
      }
      case filter_kind::trim:
        value = trim(value);
        break;
      case filter_kind::or_column:
        if (is_blank(value)) value = ctx.columns[f.index];
        break;
      case filter_kind::default_text:
        if (is_blank(value)) value = f.text;
        break;
      case filter_kind::map: {
        const lookup_map& map = ctx.maps[f.index];
        const std::string* hit = map.find(value, ctx.map_key);
        if (hit == nullptr) {
          ctx.error = "map \"" + map.name() + "\" has no entry for \"" + std::string(trim(value)) +
                      "\" and no _default";
          return false;
        }
        value = *hit;
        break;
      }
    }
  }
  return true;
}

bool template_expr::render(render_context& ctx, std::string& out) const {
  for (const auto& p : parts_) {
    if (p.slot == no_slot) {
      out += p.literal;
      continue;
    }
    // A last lower or upper writes straight into `out` rather than into a buffer first.
    const filter_kind last = p.filters.empty() ? filter_kind::trim : p.filters.back().kind;
    const bool cased = last == filter_kind::lower || last == filter_kind::upper;
    std::string_view value;
    if (!evaluate(p, p.filters.size() - (cased ? 1 : 0), ctx, value)) return false;
    if (!cased) {
      out += value;
    } else if (last == filter_kind::lower) {
      append_lower(out, value);
    } else {
      append_upper(out, value);
    }
  }
  return true;
}

bool template_expr::render_view(render_context& ctx, std::string& buffer, std::string_view& out) const {
  if (parts_.size() == 1 && parts_[0].slot != no_slot) {
    return evaluate(parts_[0], parts_[0].filters.size(), ctx, out);
  }
  buffer.clear();
  if (!render(ctx, buffer)) return false;
  out = buffer;
  return true;
}

}  // namespace eightsync::core
