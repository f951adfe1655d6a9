#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace eightsync::config {

/// Parses a config duration: one or more NUMBER UNIT pairs, units `ms`, `s`, `m`, `h`, `d`,
/// e.g. "30s", "15m", "24h", "1h30m", "500ms". No spaces, no fractions, at most 100 years.
/// nullopt when `text` is not such a duration. Never throws.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept;

/// `d` in the same notation, largest units first ("1h30m", "500ms", "0s"). Throws only std::bad_alloc.
std::string format_duration(std::chrono::milliseconds d);

}  // namespace eightsync::config
