#include "core/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace eightsync::core {
namespace {

bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Lower-case mapping of a code point in U+00C0..U+017F (others are returned unchanged).
std::uint32_t lower_latin(std::uint32_t cp) noexcept {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if (cp == 0x130) return 'i';   // İ: simple lower-case mapping is plain i
  if (cp == 0x178) return 0xFF;  // Ÿ → ÿ
  if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
    return cp | 1U;  // even code points are upper case
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
    return (cp & 1U) != 0 ? cp + 1 : cp;  // odd code points are upper case
  }
  return cp;
}

// Upper-case mapping of a code point in U+00C0..U+017F (others are returned unchanged).
std::uint32_t upper_latin(std::uint32_t cp) noexcept {
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 0x20;
  if (cp == 0xFF) return 0x178;  // ÿ → Ÿ
  if (cp == 0x131) return 'I';   // dotless ı
  if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
    return cp & ~std::uint32_t{1};
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
    return (cp & 1U) == 0 ? cp - 1 : cp;
  }
  return cp;
}

// Writes `cp` (< U+0800) as UTF-8 at `w`, returning the next write position.
char* put(char* w, std::uint32_t cp) noexcept {
  if (cp < 0x80) {
    *w++ = static_cast<char>(cp);
  } else {
    *w++ = static_cast<char>(0xC0U | (cp >> 6));
    *w++ = static_cast<char>(0x80U | (cp & 0x3FU));
  }
  return w;
}

// Whether s[i], s[i+1] is a two-byte sequence for U+00C0..U+017F (lead bytes C3, C4, C5).
bool latin_pair(std::string_view s, std::size_t i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  return b >= 0xC3 && b <= 0xC5 && i + 1 < s.size() &&
         (static_cast<unsigned char>(s[i + 1]) & 0xC0U) == 0x80U;
}

std::uint32_t decode_pair(std::string_view s, std::size_t i) noexcept {
  return ((static_cast<unsigned char>(s[i]) & 0x1FU) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3FU);
}

constexpr std::uint64_t ones = 0x0101010101010101ULL;
constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

// Eight ASCII bytes (every high bit clear) with A-Z lowered, or a-z raised. Adding to a byte
// below 0x80 never carries into the next, so each sum's high bit says "at least" per byte.
template <bool Upper>
std::uint64_t fold_ascii(std::uint64_t word) noexcept {
  constexpr unsigned first = Upper ? 'a' : 'A';
  constexpr unsigned last = Upper ? 'z' : 'Z';
  const std::uint64_t at_least_first = word + (0x80U - first) * ones;
  const std::uint64_t above_last = word + (0x7FU - last) * ones;
  const std::uint64_t in_range = (at_least_first & ~above_last) & high_bits;
  return word ^ (in_range >> 2);  // 0x80 >> 2 is 0x20, the case bit
}

template <bool Upper>
void append_cased(std::string& out, std::string_view s) {
  // Case mapping never makes this text longer (a pair maps to a pair or to one ASCII byte), so
  // write straight into the string and trim it after.
  const std::size_t old = out.size();
  out.resize(old + s.size());
  char* const begin = out.data() + old;
  char* w = begin;
  for (std::size_t i = 0; i < s.size(); ++i) {
    // HR text is mostly ASCII (emails, statuses, offices): fold it eight bytes at a time.
    while (s.size() - i >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, s.data() + i, sizeof word);
      if ((word & high_bits) != 0) break;
      const std::uint64_t folded = fold_ascii<Upper>(word);
      std::memcpy(w, &folded, sizeof folded);
      w += 8;
      i += 8;
    }
    if (i == s.size()) break;
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if constexpr (Upper) {
        *w++ = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      } else {
        *w++ = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
    } else if (latin_pair(s, i)) {
      const std::uint32_t cp = decode_pair(s, i);
      w = put(w, Upper ? upper_latin(cp) : lower_latin(cp));
      ++i;
    } else {
      *w++ = c;
    }
  }
  out.resize(old + static_cast<std::size_t>(w - begin));
}

// The next case-folded unit of `s` at `i` (a code point for folded pairs, a byte otherwise).
std::uint32_t next_folded(std::string_view s, std::size_t& i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return (b >= 'A' && b <= 'Z') ? b + 32U : b;
  }
  if (latin_pair(s, i)) {
    const std::uint32_t cp = lower_latin(decode_pair(s, i));
    i += 2;
    // Keep folded code points apart from raw bytes (which are < 0x100 too).
    return cp < 0x80 ? cp : cp | 0x10000U;
  }
  ++i;
  return b;
}

}  // namespace

std::string_view trim_slow(std::string_view s) noexcept {
  for (;;) {
    if (!s.empty() && is_ascii_space(s.front())) {
      s.remove_prefix(1);
    } else if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0') {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && is_ascii_space(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s[s.size() - 2] == '\xC2' && s.back() == '\xA0') {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

bool is_blank(std::string_view s) noexcept {
  return trim(s).empty();
}

void append_lower(std::string& out, std::string_view s) {
  append_cased<false>(out, s);
}

void append_upper(std::string& out, std::string_view s) {
  append_cased<true>(out, s);
}

std::string to_lower(std::string_view s) {
  std::string out;
  append_lower(out, s);
  return out;
}

std::string to_upper(std::string_view s) {
  std::string out;
  append_upper(out, s);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (next_folded(a, i) != next_folded(b, j)) return false;
  }
  return i == a.size() && j == b.size();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> closest_name(std::string_view word,
                                             std::initializer_list<std::string_view> candidates) {
  return closest_name_in(word, candidates);
}

}  // namespace eightsync::core
