#pragma once
#include <array>
#include <cstdint>
#include <string_view>

// The config values that are one of a fixed set of spellings: log_level, log_format and
// visibility_mode, each with its names as written in eightsync.yaml.

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

/// How log lines are written.
enum class log_format : std::uint8_t {
  text,  ///< one human-readable line per event
  json,  ///< one JSON object per line
};

/// The config spelling (`text`, `json`). Never throws.
constexpr std::string_view log_format_name(log_format f) noexcept {
  return f == log_format::text ? "text" : "json";
}

/// 8x8's "Users that can be retrieved by your identity provider" setting, as the admin chose it.
enum class visibility_mode : std::uint8_t {
  all,       ///< GET /Users lists every user
  idp_only,  ///< GET /Users lists only users an identity provider created: "not listed" ≠ "gone"
};

/// The config spelling (`all`, `idp_only`). Never throws.
constexpr std::string_view visibility_mode_name(visibility_mode v) noexcept {
  return v == visibility_mode::all ? "all" : "idp_only";
}

}  // namespace eightsync::config
