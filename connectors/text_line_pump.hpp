#pragma once
#include <optional>
#include <string>
#include <utility>

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

/// What each line-based reader does first: opens `in` and pumps its lines into `on_segment`
/// until the end, or until the reader records a problem with the whole export in `reader_error`
/// (then nothing more is read). Returns the open or read error, else that problem (moved out),
/// or nothing. Throws whatever on_segment throws.
template <class OnSegment>
std::optional<core::source_error> read_all_lines(text_chunk_reader& in, text_line_splitter& lines,
                                                 OnSegment&& on_segment,
                                                 std::optional<std::string>& reader_error) {
  if (auto err = in.open()) return err;
  if (auto err = pump_lines(in, lines, on_segment, [&reader_error] { return reader_error.has_value(); }))
    return err;
  if (reader_error) return core::source_error{std::move(*reader_error)};
  return std::nullopt;
}

}  // namespace eightsync::connectors
