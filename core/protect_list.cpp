#include "core/protect_list.hpp"

#include "core/text.hpp"

namespace eightsync::core {
namespace {

// Length of the UTF-8 sequence starting at s[i] (1 for stray continuation bytes).
std::size_t char_len(std::string_view s, std::size_t i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  return i + n <= s.size() ? n : s.size() - i;
}

}  // namespace

protect_list::protect_list(const std::vector<std::string>& patterns) {
  folded_.reserve(patterns.size());
  for (const auto& p : patterns)
    folded_.push_back(to_lower(p));
}

bool protect_list::matches(std::string_view user_name) const {
  if (folded_.empty()) return false;
  const std::string name = to_lower(user_name);
  for (const auto& p : folded_) {
    if (glob_match(p, name)) return true;
  }
  return false;
}

bool protect_list::glob_match(std::string_view pattern, std::string_view text) noexcept {
  // Classic greedy matcher with one backtrack point: linear for patterns with few stars.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_text = t;
    } else if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      t += char_len(text, t);
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star;
      star_text += char_len(text, star_text);
      t = star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

}  // namespace eightsync::core
