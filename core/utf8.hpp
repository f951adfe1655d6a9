#pragma once
#include <cstddef>
#include <string_view>

namespace eightsync::core {

/// Returns the offset of the first byte of `text` that does not belong to a well-formed UTF-8
/// sequence (overlong forms, surrogates and code points above U+10FFFF are ill-formed), or
/// std::string_view::npos when all of `text` is valid UTF-8. ASCII runs are checked eight bytes
/// at a time. Never throws.
std::size_t find_invalid_utf8(std::string_view text) noexcept;

}  // namespace eightsync::core
