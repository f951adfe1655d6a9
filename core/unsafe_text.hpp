#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Characters from outside (HR values, 8x8 answers) that must not reach a terminal raw, nor
// stand in an identifier: a terminal acts on them (ESC starts a control sequence, CR rewrites
// the line) or they hide or reorder text (U+202E shows "txt.exe" as "exe.txt").
namespace eightsync::core {

/// One unsafe character found in a text.
struct unsafe_char {
  std::size_t offset = 0;        ///< byte offset of its first byte
  std::size_t size = 1;          ///< its length in bytes (1 for a byte that is not UTF-8)
  std::uint32_t code_point = 0;  ///< the code point; for a byte that is not UTF-8, the byte
  bool invalid_utf8 = false;     ///< the byte does not begin a well-formed UTF-8 sequence
};

/// Whether `cp` is a control, bidirectional or invisible formatting character: C0 (U+0000 to
/// U+001F), DEL, C1 (U+0080 to U+009F), U+061C, U+200B, U+200E, U+200F, U+2028 to U+202E,
/// U+2060 to U+2064, U+2066 to U+2069, U+FEFF and U+FFF9 to U+FFFB. Joiners (U+200C, U+200D),
/// which some scripts and emoji need, are not. Never throws.
bool is_unsafe_code_point(std::uint32_t cp) noexcept;

/// The first character of `text` at or after byte `from` that is unsafe (is_unsafe_code_point)
/// or not valid UTF-8, or nullopt. Never throws.
std::optional<unsafe_char> find_unsafe_char(std::string_view text, std::size_t from = 0) noexcept;

/// Whether escaping keeps line feeds as they are (for whole multi-line texts) or escapes them
/// (for one value printed on a line).
enum class line_feeds : std::uint8_t { escape, keep };

/// Appends `text` to `out` with every unsafe character escaped the way JSON writes it: `\n`,
/// `\r`, `\t`, else `\uXXXX` (ESC is `\u001B`, U+202E is `\u202E`); a byte that is not UTF-8
/// becomes `\xNN`. Everything else is copied as it is. Throws only std::bad_alloc.
void append_escaped(std::string& out, std::string_view text, line_feeds lf = line_feeds::escape);

/// `text` escaped as append_escaped does, line feeds included. Throws only std::bad_alloc.
std::string escaped(std::string_view text);

/// `cp` as "U+001B". Throws only std::bad_alloc.
std::string code_point_label(std::uint32_t cp);

}  // namespace eightsync::core
