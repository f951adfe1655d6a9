#include "core/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace eightsync::core {

std::size_t find_invalid_utf8(std::string_view text) noexcept {
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = begin + text.size();
  const auto* p = begin;
  while (p < end) {
    // HR exports are mostly ASCII: skip it 16 bytes, then a word, at a time.
    while (end - p >= 16) {
      std::uint64_t a = 0;
      std::uint64_t b = 0;
      std::memcpy(&a, p, sizeof a);
      std::memcpy(&b, p + 8, sizeof b);
      if (((a | b) & 0x8080808080808080ULL) != 0) {
        break;
      }
      p += 16;
    }
    if (p == end) {
      break;  // an ASCII text of 16·n bytes: reading *p would read past its end
    }
    if (end - p >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // The lead byte fixes the length and the allowed range of the first continuation byte
    // (Unicode 15, table 3-7), which rules out overlong forms, surrogates and > U+10FFFF.
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c >= 0xE1 && c <= 0xEF) {
      len = 3;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return static_cast<std::size_t>(p - begin);
    }
    if (static_cast<std::size_t>(end - p) < len || p[1] < lo || p[1] > hi) {
      return static_cast<std::size_t>(p - begin);
    }
    for (std::size_t i = 2; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) {
        return static_cast<std::size_t>(p - begin);
      }
    }
    p += len;
  }
  return std::string_view::npos;
}

}  // namespace eightsync::core
