#pragma once
#include <string_view>

#include "core/text.hpp"

namespace eightsync::core {

/// core::trim, with an inline fast path for the usual value that needs no trimming (the
/// planner trims every value it compares or indexes: hundreds of thousands per cycle). Never throws.
inline std::string_view planner_trim(std::string_view s) noexcept {
  if (s.empty()) return s;
  const auto first = static_cast<unsigned char>(s.front());
  const auto last = static_cast<unsigned char>(s.back());
  // Whitespace trim() removes is ASCII <= 0x20, or U+00A0 (C2 A0).
  if (first > 0x20 && first != 0xC2 && last > 0x20 && last != 0xA0) return s;
  return trim(s);
}

}  // namespace eightsync::core
