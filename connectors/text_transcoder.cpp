#include "connectors/text_transcoder.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstring>

namespace eightsync::connectors {

const char* text_transcoder::iconv_name(core::source_encoding encoding) noexcept {
  switch (encoding) {
    case core::source_encoding::cp1252:
      return "CP1252";
    case core::source_encoding::latin1:
      return "ISO-8859-1";
    case core::source_encoding::utf8:
      break;
  }
  return "UTF-8";
}

std::optional<std::string> text_transcoder::open(core::source_encoding encoding) {
  iconv_t cd = ::iconv_open("UTF-8", iconv_name(encoding));
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return std::string("cannot convert from ") + iconv_name(encoding) +
           ": iconv_open: " + std::strerror(errno);
  }
  for (unsigned b = 0; b < 256; ++b) {
    char in = static_cast<char>(b);
    std::array<char, 8> out{};
    char* in_p = &in;
    std::size_t in_left = 1;
    char* out_p = out.data();
    std::size_t out_left = out.size();
    entry& e = table_[b];
    if (::iconv(cd, &in_p, &in_left, &out_p, &out_left) == static_cast<std::size_t>(-1) ||
        out.size() - out_left > e.bytes.size()) {
      // Undefined in this encoding: pass the byte through, so UTF-8 validation flags the row.
      e.bytes[0] = in;
      e.size = 1;
    } else {
      e.size = static_cast<std::uint8_t>(out.size() - out_left);
      std::memcpy(e.bytes.data(), out.data(), e.size);
    }
    ::iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
  }
  ::iconv_close(cd);
  return std::nullopt;
}

void text_transcoder::convert(std::string_view in, std::string& out) const {
  // At most three UTF-8 bytes per input byte (€ is E2 82 AC); size once, trim at the end.
  out.resize(in.size() * 3);
  char* o = out.data();
  for (const char c : in) {
    const entry& e = table_[static_cast<unsigned char>(c)];
    std::memcpy(o, e.bytes.data(), e.bytes.size());
    o += e.size;
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
}

}  // namespace eightsync::connectors
