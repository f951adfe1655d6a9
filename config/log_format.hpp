#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::config {

/// How log lines are written.
enum class log_format : std::uint8_t {
  text,  ///< one human-readable line per event
  json,  ///< one JSON object per line
};

/// The config spelling (`text`, `json`). Never throws.
constexpr std::string_view log_format_name(log_format f) noexcept {
  return f == log_format::text ? "text" : "json";
}

}  // namespace eightsync::config
