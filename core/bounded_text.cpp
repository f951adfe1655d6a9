#include "core/bounded_text.hpp"

#include <algorithm>

namespace eightsync::core {
namespace {

constexpr std::string_view ellipsis = "\u2026 (";
constexpr std::string_view bytes_close = " bytes)";

// The length of a "… (N bytes)" marker that `text` ends with; 0 when it ends with none.
std::size_t marker_length(std::string_view text) {
  if (!text.ends_with(bytes_close)) return 0;
  std::size_t i = text.size() - bytes_close.size();
  const std::size_t digits_end = i;
  while (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9')
    --i;
  if (i == digits_end || i < ellipsis.size() || text.substr(i - ellipsis.size(), ellipsis.size()) != ellipsis)
    return 0;
  return text.size() - (i - ellipsis.size());
}

}  // namespace

std::string bound_text(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  // Bounded before and quoted since ("reading 8x8 stopped: " + a bounded detail): keep the first
  // marker, which gives the size of what came from outside.
  const std::size_t kept_marker = marker_length(text);
  const std::string_view body = text.substr(0, text.size() - kept_marker);
  std::size_t keep = std::min(limit, body.size());
  // Back up over continuation bytes (10xxxxxx) to the start of the character the limit cuts.
  while (keep > 0 && keep < body.size() && (static_cast<unsigned char>(body[keep]) & 0xC0U) == 0x80U)
    --keep;
  std::string out(body.substr(0, keep));
  if (kept_marker > 0) {
    out.append(text.substr(text.size() - kept_marker));
  } else {
    out += ellipsis;
    out += std::to_string(text.size());
    out += bytes_close;
  }
  return out;
}

}  // namespace eightsync::core
