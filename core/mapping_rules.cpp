#include "core/mapping_rules.hpp"

namespace eightsync::core {

std::optional<std::string> mapping_rules::add_map(
    std::string name, const std::vector<std::pair<std::string, std::string>>& entries) {
  if (symbols_.map_index(name)) return "expected each map name once, found \"" + name + "\" twice";
  lookup_map map(name);
  for (const auto& [key, value] : entries) {
    if (auto err = map.add(key, value)) return err;
  }
  symbols_.add_map(std::move(name));
  maps_.push_back(std::move(map));
  return std::nullopt;
}

std::optional<expr_error> mapping_rules::map_attribute(attribute a, std::string_view template_text) {
  if (a == attribute::active) {
    return expr_error{0, "expected a condition for active (use set_active), found a template"};
  }
  auto parsed = template_expr::parse(template_text, symbols_);
  if (!parsed) return parsed.error();
  templates_[static_cast<std::size_t>(a)] = std::move(*parsed);
  owned_ |= bit(a);
  return std::nullopt;
}

std::optional<expr_error> mapping_rules::set_active(std::string_view condition_text) {
  auto parsed = condition_expr::parse(condition_text, symbols_);
  if (!parsed) return parsed.error();
  active_ = std::move(*parsed);
  return std::nullopt;
}

std::optional<expr_error> mapping_rules::set_lifecycle_template(lifecycle_template which,
                                                                std::string_view template_text) {
  auto parsed = template_expr::parse(template_text, symbols_);
  if (!parsed) return parsed.error();
  lifecycle_[static_cast<std::size_t>(which)] = std::move(*parsed);
  return std::nullopt;
}

std::optional<expr_error> mapping_rules::set_pre_hire(std::string_view condition_text) {
  auto parsed = condition_expr::parse(condition_text, symbols_);
  if (!parsed) return parsed.error();
  pre_hire_ = std::move(*parsed);
  return std::nullopt;
}

std::optional<expr_error> mapping_rules::add_scope(std::string_view condition_text) {
  auto parsed = condition_expr::parse(condition_text, symbols_);
  if (!parsed) return parsed.error();
  scope_.push_back(std::move(*parsed));
  return std::nullopt;
}

const template_expr* mapping_rules::template_for(attribute a) const noexcept {
  const auto& t = templates_[static_cast<std::size_t>(a)];
  return t ? &*t : nullptr;
}

std::vector<attribute> mapping_rules::missing_required() const {
  std::vector<attribute> out;
  for (auto a : required) {
    if (!owns(a)) out.push_back(a);
  }
  return out;
}

}  // namespace eightsync::core
