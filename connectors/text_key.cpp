#include "connectors/text_key.hpp"

#include <algorithm>

namespace eightsync::connectors {
namespace {

bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view trim_text(std::string_view text) noexcept {
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && is_blank(text[b])) {
    ++b;
  }
  while (e > b && is_blank(text[e - 1])) {
    --e;
  }
  return text.substr(b, e - b);
}

void normalize_key(std::string& key, const core::source_options& options) {
  const std::string_view trimmed = trim_text(key);
  if (trimmed.size() != key.size()) {
    // Trimmed views into `key` itself: erase the tail first so the head offset stays valid.
    const auto head = static_cast<std::size_t>(trimmed.data() - key.data());
    key.erase(head + trimmed.size());
    key.erase(0, head);
  }
  if (!all_digits(key)) {
    return;
  }
  switch (options.key_normalize) {
    case core::key_normalization::none:
      break;
    case core::key_normalization::strip_leading_zeros: {
      const std::size_t first = key.find_first_not_of('0');
      key.erase(0, first == std::string::npos ? key.size() - 1 : first);
      break;
    }
    case core::key_normalization::zero_pad:
      if (key.size() < options.key_width) {
        key.insert(0, options.key_width - key.size(), '0');
      }
      break;
  }
}

}  // namespace eightsync::connectors
