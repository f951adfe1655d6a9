#include "core/condition_expr.hpp"

#include <optional>

#include "core/text.hpp"

namespace eightsync::core {
namespace {

constexpr std::string_view operator_list = "an operator (==, !=, in or not in)";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool ieq_ascii(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    char c = text[at + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != word[k]) return false;
  }
  return true;
}

unexpected<expr_error> fail(std::size_t offset, std::string message) {
  return unexpected<expr_error>{expr_error{offset, std::move(message)}};
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// Why an unquoted value cannot be meant as written: `{status} === Active` reads as == "= Active"
// and `{s} == A == A` as == "A == A", both surely typos that would turn every row inactive.
// Empty when the value is fine. Quoted values are never checked: quoting says "this text".
std::string operator_in_value(std::string_view value) {
  if (!value.empty() && (value.front() == '=' || value.front() == '!'))
    return ", which starts with an operator character (quote it if that is the text to compare)";
  if (value.find("==") != std::string_view::npos || value.find("!=") != std::string_view::npos)
    return ", which holds a second operator (quote it if that is the text to compare)";
  return {};
}

bool starts_quoted(std::string_view t, std::size_t pos) {
  while (pos < t.size() && is_space(t[pos]))
    ++pos;
  return pos < t.size() && (t[pos] == '"' || t[pos] == '\'');
}

struct found_op {
  condition_expr::op o;
  std::size_t begin;  // first character of the operator
  std::size_t end;    // one past its last character
};

// The first operator outside braces; `last_close` is set to one past the last `}` of an
// expression scanned before it (or before the end).
std::optional<found_op> find_operator(std::string_view t, std::size_t& last_close) {
  last_close = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '{') {
      if (i + 1 < t.size() && t[i + 1] == '{') {
        i += 2;
        continue;
      }
      const auto close = t.find('}', i);
      if (close == std::string_view::npos) return std::nullopt;
      i = last_close = close + 1;
      continue;
    }
    if (c == '}') {
      i += (i + 1 < t.size() && t[i + 1] == '}') ? 2 : 1;
      continue;
    }
    if (c == '=' && i + 1 < t.size() && t[i + 1] == '=') return found_op{condition_expr::op::equal, i, i + 2};
    if (c == '!' && i + 1 < t.size() && t[i + 1] == '=')
      return found_op{condition_expr::op::not_equal, i, i + 2};
    const bool word_start = i == 0 || is_space(t[i - 1]) || t[i - 1] == '}';
    auto word_end = [&](std::size_t e) {
      return e == t.size() || is_space(t[e]) || t[e] == '[' || t[e] == '"' || t[e] == '\'';
    };
    if (word_start && ieq_ascii(t, i, "not") && i + 3 < t.size() && is_space(t[i + 3])) {
      std::size_t j = i + 3;
      while (j < t.size() && is_space(t[j]))
        ++j;
      if (ieq_ascii(t, j, "in") && word_end(j + 2)) return found_op{condition_expr::op::not_in, i, j + 2};
    }
    if (word_start && ieq_ascii(t, i, "in") && word_end(i + 2))
      return found_op{condition_expr::op::in, i, i + 2};
    ++i;
  }
  return std::nullopt;
}

// Reads one literal at `pos` (quoted, or bare up to one of `stops`), advancing `pos`.
expected<std::string, expr_error> read_literal(std::string_view t, std::size_t& pos, std::string_view stops) {
  while (pos < t.size() && is_space(t[pos]))
    ++pos;
  if (pos < t.size() && (t[pos] == '"' || t[pos] == '\'')) {
    const char q = t[pos];
    const auto close = t.find(q, pos + 1);
    if (close == std::string_view::npos) {
      return fail(pos,
                  std::string("expected a closing ") + q + " for this quote, found the end of the condition");
    }
    std::string value(t.substr(pos + 1, close - pos - 1));
    pos = close + 1;
    while (pos < t.size() && is_space(t[pos]))
      ++pos;
    return value;
  }
  const std::size_t start = pos;
  while (pos < t.size() && stops.find(t[pos]) == std::string_view::npos)
    ++pos;
  return std::string(trim(t.substr(start, pos - start)));
}

}  // namespace

expected<condition_expr, expr_error> condition_expr::parse(std::string_view text, expr_symbols& symbols) {
  std::size_t last_close = 0;
  const auto found = find_operator(text, last_close);
  if (!found) {
    // A broken template explains itself better than a missing operator.
    expr_symbols scratch = symbols;
    if (auto t = template_expr::parse(text, scratch); !t) return unexpected<expr_error>{t.error()};
    std::size_t at = last_close;
    while (at < text.size() && is_space(text[at]))
      ++at;
    std::size_t end = at;
    while (end < text.size() && !is_space(text[end]))
      ++end;
    if (at == text.size())
      return fail(at, "expected " + std::string(operator_list) + ", found the end of the condition");
    return fail(at,
                "expected " + std::string(operator_list) + ", found " + in_quotes(text.substr(at, end - at)));
  }
  const std::string op_text(text.substr(found->begin, found->end - found->begin));
  const std::string op_name = found->o == op::not_in ? "not in" : found->o == op::in ? "in" : op_text;

  // Parse the left side with a copy of the symbols, so a failing condition registers nothing.
  expr_symbols trial = symbols;
  const std::string_view left_text = text.substr(0, found->begin);
  auto left = template_expr::parse(left_text, trial);
  if (!left) return unexpected<expr_error>{left.error()};
  if (!left->has_expression()) {
    const std::string_view l = trim(left_text);
    return fail(0, "expected a {column} on the left of " + op_name + ", found " +
                       (l.empty() ? std::string("nothing") : in_quotes(l)));
  }

  std::vector<std::string> values;
  std::size_t pos = found->end;
  while (pos < text.size() && is_space(text[pos]))
    ++pos;
  const std::string_view rest = trim(text.substr(pos));
  if (found->o == op::equal || found->o == op::not_equal) {
    if (rest.empty())
      return fail(text.size(),
                  "expected a value after " + op_name + ", found nothing (write \"\" for an empty value)");
    if (rest.front() == '[')
      return fail(pos, "expected a single value after " + op_name + ", found a list (use in or not in)");
    const std::size_t value_at = pos;
    const bool quoted = starts_quoted(text, pos);
    auto v = read_literal(text, pos, "");
    if (!v) return unexpected<expr_error>{v.error()};
    if (pos < text.size())
      return fail(pos, "expected the end of the condition, found " + in_quotes(trim(text.substr(pos))));
    if (const auto why = quoted ? std::string() : operator_in_value(*v); !why.empty())
      return fail(value_at, "expected a value after " + op_name + ", found " + in_quotes(*v) + why);
    values.push_back(to_lower(trim(*v)));
  } else {
    if (rest.empty() || rest.front() != '[') {
      return fail(rest.empty() ? text.size() : pos,
                  "expected a list like [a, b] after " + op_name + ", found " +
                      (rest.empty() ? std::string("nothing") : in_quotes(rest)));
    }
    ++pos;  // past '['
    for (;;) {
      const std::size_t item_at = pos;
      auto v = read_literal(text, pos, ",]");
      if (!v) return unexpected<expr_error>{v.error()};
      const bool was_quoted = starts_quoted(text, item_at);
      if (pos == text.size()) return fail(pos, "expected , or ] in the list, found the end of the condition");
      if (v->empty() && !was_quoted) {
        if (text[pos] == ']' && values.empty())
          return fail(pos, "expected at least one value in the list, found []");
        return fail(pos, std::string("expected a value in the list, found ") + text[pos] +
                             " (write \"\" for an empty value)");
      }
      if (text[pos] != ',' && text[pos] != ']') {
        return fail(pos, std::string("expected , or ] in the list, found ") + in_quotes(text.substr(pos, 1)));
      }
      if (const auto why = was_quoted ? std::string() : operator_in_value(*v); !why.empty()) {
        std::size_t at = item_at;
        while (at < text.size() && is_space(text[at]))
          ++at;
        return fail(at, "expected a value in the list, found " + in_quotes(*v) + why);
      }
      values.push_back(to_lower(trim(*v)));
      if (text[pos++] == ']') break;
    }
    while (pos < text.size() && is_space(text[pos]))
      ++pos;
    if (pos < text.size())
      return fail(pos,
                  "expected the end of the condition after ], found " + in_quotes(trim(text.substr(pos))));
  }

  symbols = std::move(trial);
  return condition_expr(std::string(text), std::move(*left), found->o, std::move(values));
}

bool condition_expr::evaluate(render_context& ctx, bool& result) const {
  std::string_view value;
  if (!left_.render_view(ctx, ctx.condition_value, value)) return false;
  ctx.condition_folded.clear();
  append_lower(ctx.condition_folded, trim(value));
  bool hit = false;
  for (const auto& v : values_) {
    if (same_bytes(v, ctx.condition_folded)) {
      hit = true;
      break;
    }
  }
  result = (op_ == op::equal || op_ == op::in) ? hit : !hit;
  return true;
}

}  // namespace eightsync::core
