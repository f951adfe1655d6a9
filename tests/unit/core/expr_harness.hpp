#pragma once
// Test harness: parse and render templates and conditions against a row given as
// column → value pairs, without a reader or a mapper.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/condition_expr.hpp"
#include "core/expr_symbols.hpp"
#include "core/lookup_map.hpp"
#include "core/render_context.hpp"
#include "core/template_expr.hpp"

namespace eightsync::core::testing {

class expr_harness {
 public:
  void add_map(const std::string& name, const std::vector<std::pair<std::string, std::string>>& entries) {
    symbols_.add_map(name);
    lookup_map m(name);
    for (const auto& [k, v] : entries)
      m.add(k, v);
    maps_.push_back(std::move(m));
  }

  /// The rendered template, or "MAP MISS: …" on a map miss, or "PARSE ERROR at N: …".
  std::string render(std::string_view text, const std::map<std::string, std::string>& row) {
    auto t = template_expr::parse(text, symbols_);
    if (!t) return "PARSE ERROR at " + std::to_string(t.error().offset) + ": " + t.error().message;
    render_context ctx = context(row);
    std::string out;
    if (!t->render(ctx, out)) return "MAP MISS: " + ctx.error;
    return out;
  }

  /// "true"/"false", or "MAP MISS: …", or "PARSE ERROR at N: …".
  std::string evaluate(std::string_view text, const std::map<std::string, std::string>& row) {
    auto c = condition_expr::parse(text, symbols_);
    if (!c) return "PARSE ERROR at " + std::to_string(c.error().offset) + ": " + c.error().message;
    render_context ctx = context(row);
    bool result = false;
    if (!c->evaluate(ctx, result)) return "MAP MISS: " + ctx.error;
    return result ? "true" : "false";
  }

  const expr_symbols& symbols() const { return symbols_; }

 private:
  render_context context(const std::map<std::string, std::string>& row) {
    values_.clear();
    for (const auto& column : symbols_.columns()) {
      auto it = row.find(column);
      values_.push_back(it == row.end() ? std::string() : it->second);
    }
    render_context ctx;
    ctx.maps = maps_;
    ctx.columns.assign(values_.begin(), values_.end());
    return ctx;
  }

  expr_symbols symbols_;
  std::vector<lookup_map> maps_;
  std::vector<std::string> values_;
};

}  // namespace eightsync::core::testing
