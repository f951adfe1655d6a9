#pragma once
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace eightsync::core {

// Text helpers for HR data, all on UTF-8.
//
// Case folding covers ASCII, Latin-1 Supplement (U+00C0–U+00FF) and Latin Extended-A
// (U+0100–U+017F) with Unicode's simple one-to-one mappings: "É"↔"é", "Ž"↔"ž", "Ł"↔"ł",
// "Ÿ"↔"ÿ", "İ"→"i", "ı"→"I". Every other byte passes through unchanged (so "ß" stays "ß",
// Greek and Cyrillic are not folded). That is enough for the names, offices and statuses HR
// exports hold; it is what `lower`, `upper` and every case-insensitive comparison use.
/// trim() for text that has whitespace at one of its ends. Never throws.
std::string_view trim_slow(std::string_view s) noexcept;

/// `s` without leading and trailing whitespace: ASCII space, \t, \r, \n, \v, \f and the UTF-8
/// no-break space U+00A0 (spreadsheets leave it behind). Never throws.
inline std::string_view trim(std::string_view s) noexcept {
  // Most values have nothing to trim, and this runs several times per HR row: look at the two
  // end bytes inline, and leave the loop to trim_slow. A U+00A0 starts with 0xC2, ends with 0xA0.
  auto may_be_space = [](char c, char nbsp_byte) {
    return c == ' ' || (c >= '\t' && c <= '\r') || c == nbsp_byte;
  };
  if (s.empty() || may_be_space(s.front(), '\xC2') || may_be_space(s.back(), '\xA0')) return trim_slow(s);
  return s;
}

/// Whether `a` and `b` hold the same bytes. Inline, without a library call, for the short
/// values (statuses, offices, map keys) compared for every HR row. Never throws.
inline bool same_bytes(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// Whether `s` is empty once trimmed. Never throws.
bool is_blank(std::string_view s) noexcept;

/// Appends `s` lower-cased (see the folding rules above) to `out`. Throws only std::bad_alloc.
void append_lower(std::string& out, std::string_view s);

/// Appends `s` upper-cased (see the folding rules above) to `out`. Throws only std::bad_alloc.
void append_upper(std::string& out, std::string_view s);

/// `s` lower-cased. Throws only std::bad_alloc.
std::string to_lower(std::string_view s);

/// `s` upper-cased. Throws only std::bad_alloc.
std::string to_upper(std::string_view s);

/// Whether `a` and `b` are equal once both are lower-cased. Does not trim. Never throws.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// The candidate closest to `word` by edit distance, when it is close enough to be a likely
/// typo (at most 2 edits, and fewer than half of `word`'s length), else nullopt. Compares
/// case-insensitively (ASCII). For "did you mean …?" hints. Throws only std::bad_alloc.
std::optional<std::string_view> closest_name(std::string_view word,
                                             std::initializer_list<std::string_view> candidates);

/// As above, over any range of strings. Throws only std::bad_alloc.
template <class Range>
std::optional<std::string_view> closest_name_in(std::string_view word, const Range& candidates);

/// Edit distance (insertions, deletions, substitutions; ASCII case ignored). Throws only std::bad_alloc.
std::size_t edit_distance(std::string_view a, std::string_view b);

template <class Range>
std::optional<std::string_view> closest_name_in(std::string_view word, const Range& candidates) {
  std::optional<std::string_view> best;
  std::size_t best_d = 3;
  for (const auto& c : candidates) {
    const std::string_view cv(c);
    const std::size_t d = edit_distance(word, cv);
    if (d < best_d && d * 2 < word.size()) {
      best_d = d;
      best = cv;
    }
  }
  return best;
}

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
