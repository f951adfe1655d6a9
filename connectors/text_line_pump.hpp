#pragma once
#include <optional>

#include "connectors/text_chunk_reader.hpp"
#include "connectors/text_line_splitter.hpp"
#include "core/hr_source.hpp"

namespace eightsync::connectors {

/// Reads every chunk of the opened `in`, cuts it into numbered lines with `lines` and hands each
/// piece to `on_segment` (see text_line_splitter). Stops early, without finishing the last line,
/// as soon as `stopped()` is true after a chunk (a reader found a file-level problem). Returns
/// the read error, or nothing. Throws whatever on_segment throws.
template <class OnSegment, class Stopped>
std::optional<core::source_error> pump_lines(text_chunk_reader& in, text_line_splitter& lines,
                                             OnSegment&& on_segment, Stopped&& stopped) {
  for (;;) {
    auto chunk = in.next();
    if (!chunk) return std::move(chunk).error();
    if (chunk->empty()) break;
    lines.split(*chunk, on_segment);
    if (stopped()) return std::nullopt;
  }
  lines.finish(on_segment);
  return std::nullopt;
}

}  // namespace eightsync::connectors
