#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/source_options.hpp"

namespace eightsync::connectors {

/// Converts a single-byte encoding (cp1252, latin1) to UTF-8, chunk by chunk.
///
/// The conversion table is built once, with iconv, from every one of the 256 byte values;
/// converting is then a table lookup per byte, which is several times faster than calling
/// iconv on the text and safe at any chunk boundary (each byte is a whole character). A byte
/// the encoding does not define (cp1252 has five: 0x81, 0x8D, 0x8F, 0x90, 0x9D) is copied
/// through unchanged: it is a lone UTF-8 continuation byte, so the row holding it fails UTF-8
/// validation and is quarantined instead of being silently altered.
class text_transcoder {
 public:
  /// Builds the table for `encoding` (utf8 needs none: convert() must not be called).
  /// Returns an error sentence when iconv does not know the encoding. Throws only
  /// std::bad_alloc.
  std::optional<std::string> open(core::source_encoding encoding);

  /// Appends the UTF-8 form of `in` to `out` (which is cleared first). Never throws beyond
  /// std::bad_alloc.
  void convert(std::string_view in, std::string& out) const;

  /// The iconv name of `encoding` ("CP1252", "ISO-8859-1", "UTF-8"). Never throws.
  static const char* iconv_name(core::source_encoding encoding) noexcept;

 private:
  struct entry {
    std::array<char, 3> bytes{};
    std::uint8_t size = 0;
  };
  std::array<entry, 256> table_{};
};

}  // namespace eightsync::connectors
