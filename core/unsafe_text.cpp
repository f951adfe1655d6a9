#include "core/unsafe_text.hpp"

#include <cstdio>

namespace eightsync::core {
namespace {

// The length of the well-formed UTF-8 sequence at `p` (storing its code point), or 0 when the
// byte at `p` does not begin one (Unicode 15, table 3-7, as core/utf8.cpp).
std::size_t decode(const unsigned char* p, const unsigned char* end, std::uint32_t& cp) noexcept {
  const unsigned char c = *p;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1FU;
  } else if (c == 0xE0) {
    len = 3, lo = 0xA0, cp = c & 0x0FU;
  } else if (c == 0xED) {
    len = 3, hi = 0x9F, cp = c & 0x0FU;
  } else if (c >= 0xE1 && c <= 0xEF) {
    len = 3, cp = c & 0x0FU;
  } else if (c == 0xF0) {
    len = 4, lo = 0x90, cp = c & 0x07U;
  } else if (c >= 0xF1 && c <= 0xF3) {
    len = 4, cp = c & 0x07U;
  } else if (c == 0xF4) {
    len = 4, hi = 0x8F, cp = c & 0x07U;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < len || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0U) != 0x80U) return 0;
    cp = (cp << 6U) | (p[i] & 0x3FU);
  }
  return len;
}

}  // namespace

bool is_unsafe_code_point(std::uint32_t cp) noexcept {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  if (cp < 0x061C) return false;
  return cp == 0x061C || cp == 0x200B || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB);
}

std::optional<unsafe_char> find_unsafe_char(std::string_view text, std::size_t from) noexcept {
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = begin + text.size();
  const auto* p = begin + (from < text.size() ? from : text.size());
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7F) {
      ++p;
      continue;
    }
    const auto offset = static_cast<std::size_t>(p - begin);
    if (c < 0x80) return unsafe_char{offset, 1, c, false};
    std::uint32_t cp = 0;
    const std::size_t len = decode(p, end, cp);
    if (len == 0) return unsafe_char{offset, 1, c, true};
    if (is_unsafe_code_point(cp)) return unsafe_char{offset, len, cp, false};
    p += len;
  }
  return std::nullopt;
}

void append_escaped(std::string& out, std::string_view text, line_feeds lf) {
  std::size_t done = 0;
  while (auto u = find_unsafe_char(text, done)) {
    out.append(text.substr(done, u->offset - done));
    done = u->offset + u->size;
    char buf[16];
    if (u->invalid_utf8) {
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(u->code_point));
    } else if (u->code_point == '\n') {
      if (lf == line_feeds::keep) {
        out += '\n';
        continue;
      }
      std::snprintf(buf, sizeof buf, "\\n");
    } else if (u->code_point == '\r') {
      std::snprintf(buf, sizeof buf, "\\r");
    } else if (u->code_point == '\t') {
      std::snprintf(buf, sizeof buf, "\\t");
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(u->code_point));
    }
    out += buf;
  }
  out.append(text.substr(done));
}

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string code_point_label(std::uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

}  // namespace eightsync::core
