#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace eightsync::core {

/// `t` as the ISO-8601 UTC text the state database stores, with milliseconds:
/// `2024-05-01T12:34:56.789Z` (sub-millisecond digits are dropped, rounding toward the past).
/// Throws only std::bad_alloc.
std::string format_utc_time(clock::time_point t);

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff…]Z` as written by format_utc_time (a space instead of the
/// `T` and up to nine fraction digits are accepted). nullopt when `text` is anything else.
/// Never throws.
std::optional<clock::time_point> parse_utc_time(std::string_view text) noexcept;

}  // namespace eightsync::core
