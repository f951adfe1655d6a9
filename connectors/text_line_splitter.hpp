#pragma once
#include <cstddef>
#include <cstring>
#include <string_view>

namespace eightsync::connectors {

/// Cuts a stream of text chunks into physical lines and numbers them, so a parser that is fed
/// one line at a time knows where every record starts. A line ends at LF, CRLF or a lone CR
/// (old Mac exports); a CRLF split across two chunks still counts once.
///
/// Each piece is handed to `on_segment(std::string_view text, std::size_t line, bool
/// ends_line)`: `text` includes its line terminator when `ends_line` is true. A line that
/// straddles a chunk boundary comes as several pieces with the same line number, and only its
/// last piece has `ends_line`. Lines are found with memchr, not byte by byte.
class text_line_splitter {
 public:
  /// Splits `chunk` (valid only during the call) into pieces. Throws whatever on_segment throws.
  template <class OnSegment>
  void split(std::string_view chunk, OnSegment&& on_segment) {
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    if (p == end) {
      return;
    }
    if (pending_cr_) {
      // The previous chunk ended in CR: this is a CRLF only if the chunk starts with LF.
      pending_cr_ = false;
      const bool crlf = *p == '\n';
      on_segment(crlf ? std::string_view("\r\n", 2) : std::string_view("\r", 1), line_++, true);
      p += crlf ? 1 : 0;
    }
    // The next LF and CR at or after p; memchr runs over a chunk at most once for each.
    const char* next_lf = nullptr;
    const char* next_cr = nullptr;
    while (p < end) {
      if (next_lf == nullptr || next_lf < p) {
        next_lf = find(p, end, '\n');
      }
      if (next_cr == nullptr || next_cr < p) {
        next_cr = find(p, end, '\r');
      }
      const char* t = next_lf < next_cr ? next_lf : next_cr;
      if (t == end) {
        on_segment(std::string_view(p, static_cast<std::size_t>(end - p)), line_, false);
        return;
      }
      if (*t == '\r') {
        if (t + 1 == end) {
          if (t > p) {
            on_segment(std::string_view(p, static_cast<std::size_t>(t - p)), line_, false);
          }
          pending_cr_ = true;
          return;
        }
        if (t[1] == '\n') {
          ++t;
        }
      }
      on_segment(std::string_view(p, static_cast<std::size_t>(t + 1 - p)), line_++, true);
      p = t + 1;
    }
  }

  /// Ends the stream: delivers a CR that closed the last chunk. Throws whatever on_segment
  /// throws.
  template <class OnSegment>
  void finish(OnSegment&& on_segment) {
    if (pending_cr_) {
      pending_cr_ = false;
      on_segment(std::string_view("\r", 1), line_++, true);
    }
  }

  /// The number of the line the next byte belongs to (1-based). Never throws.
  std::size_t line() const noexcept { return line_; }

 private:
  static const char* find(const char* p, const char* end, char c) noexcept {
    const void* hit = std::memchr(p, c, static_cast<std::size_t>(end - p));
    return hit != nullptr ? static_cast<const char*>(hit) : end;
  }

  std::size_t line_ = 1;
  bool pending_cr_ = false;
};

}  // namespace eightsync::connectors
