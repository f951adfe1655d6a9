#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace eightsync::core {

/// The most bytes of a text from outside (an 8x8 error detail, an HR field value, a header's
/// column list) that a message, a log line or an audit column holds.
inline constexpr std::size_t max_echoed_bytes = 4096;

/// `text` when it is at most `limit` bytes; otherwise its first bytes, cut at a UTF-8 character
/// boundary so at most `limit` are kept, followed by "… (N bytes)" with N its whole length. A
/// text that already ends with such a marker (a bounded detail quoted in a longer message) keeps
/// it, so N stays the size of what came from outside. The one helper every place uses where
/// text from outside enters a message or an audit column, so a 20 MB answer is never printed or
/// stored whole. Throws only std::bad_alloc.
std::string bound_text(std::string_view text, std::size_t limit = max_echoed_bytes);

}  // namespace eightsync::core
