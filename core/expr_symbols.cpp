#include "core/expr_symbols.hpp"

namespace eightsync::core {

std::uint32_t expr_symbols::column_slot(std::string_view column) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == column) return static_cast<std::uint32_t>(i);
  }
  columns_.emplace_back(column);
  return static_cast<std::uint32_t>(columns_.size() - 1);
}

std::uint32_t expr_symbols::add_map(std::string name) {
  maps_.push_back(std::move(name));
  return static_cast<std::uint32_t>(maps_.size() - 1);
}

std::optional<std::uint32_t> expr_symbols::map_index(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < maps_.size(); ++i) {
    if (maps_[i] == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

}  // namespace eightsync::core
