#pragma once
#include <string>
#include <string_view>

#include "core/source_options.hpp"

namespace eightsync::connectors {

/// Returns `text` without leading and trailing ASCII spaces, tabs, CRs and LFs. Never throws.
std::string_view trim_text(std::string_view text) noexcept;

/// Trims `key` in place, then repairs it as `options.key_normalize` says: strip_leading_zeros
/// turns an all-digit `00123` into `123` (and `000` into `0`); zero_pad left-pads an all-digit
/// key shorter than `options.key_width` with zeros. Keys that are not all digits are only
/// trimmed. Throws only std::bad_alloc.
void normalize_key(std::string& key, const core::source_options& options);

}  // namespace eightsync::connectors
