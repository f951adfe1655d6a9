#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eightsync::core {

/// The names templates and conditions refer to, numbered: HR columns become *slots* (so a
/// header is bound once, not looked up per row) and `maps.NAME` tables become map indices.
class expr_symbols {
 public:
  /// The slot for `column`, numbering it on first use. Throws only std::bad_alloc.
  std::uint32_t column_slot(std::string_view column);

  /// Registers map `name` and returns its index. The caller keeps names unique. Throws only
  /// std::bad_alloc.
  std::uint32_t add_map(std::string name);

  /// The index of map `name`, or nullopt. Never throws.
  std::optional<std::uint32_t> map_index(std::string_view name) const noexcept;

  /// Every column referenced so far, by slot. Never throws.
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// Every map name, by index. Never throws.
  const std::vector<std::string>& map_names() const noexcept { return maps_; }

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> maps_;
};

}  // namespace eightsync::core
