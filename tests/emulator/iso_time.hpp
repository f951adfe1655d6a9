#pragma once
#include <chrono>
#include <string>

namespace eightsync::emulator {

/// Formats a time as ISO-8601 UTC with milliseconds: `2024-05-01T12:34:56.789Z`. Never throws
/// except std::bad_alloc.
std::string iso8601_utc_ms(std::chrono::system_clock::time_point t);

}  // namespace eightsync::emulator
