#pragma once
#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace eightsync::core {

/// The deadline a `Retry-After` header value sets, read at `now`: either delay-seconds ("120")
/// or an HTTP-date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", or the obsolete RFC 850 and
/// asctime forms, RFC 9110 §5.6.7). A date in the past gives `now`. Delays over a year are cut
/// to a year. nullopt when the value is neither. Never throws.
std::optional<clock::time_point> parse_retry_after(std::string_view value, clock::time_point now) noexcept;

}  // namespace eightsync::core
