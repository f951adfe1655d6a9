#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// How much of 8x8 a cycle read. Stable names: stored in `cycles.kind`.
enum class cycle_kind : std::uint8_t {
  full,         ///< paged through all of GET /Users
  incremental,  ///< trusted state.db and touched only changed users
};

/// The stable name of `v` (`full`, `incremental`, …). Never throws.
constexpr std::string_view cycle_kind_name(cycle_kind v) noexcept {
  switch (v) {
    case cycle_kind::full:
      return "full";
    case cycle_kind::incremental:
      return "incremental";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<cycle_kind> cycle_kind_from_name(std::string_view name) noexcept {
  if (name == "full") return cycle_kind::full;
  if (name == "incremental") return cycle_kind::incremental;
  return std::nullopt;
}

}  // namespace eightsync::core
