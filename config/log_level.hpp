#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace eightsync::config {

/// The least severe log event written (spdlog's levels).
enum class log_level : std::uint8_t { trace, debug, info, warn, error, critical, off };

/// Every level's config spelling, indexed by log_level.
inline constexpr std::array<std::string_view, 7> log_level_names{"trace", "debug",    "info", "warn",
                                                                 "error", "critical", "off"};

/// The config spelling of `l`. Never throws.
constexpr std::string_view log_level_name(log_level l) noexcept {
  return log_level_names[static_cast<std::size_t>(l)];
}

}  // namespace eightsync::config
