#pragma once
#include <cstddef>
#include <streambuf>
#include <string>
#include <string_view>

namespace eightsync::daemon {

/// A streambuf that forwards to another and escapes, on the way, every character a terminal
/// would act on or that hides or reorders text (core/unsafe_text.hpp), line feeds excepted. The
/// CLI writes all its output through two of these (daemon/terminal_escaping.hpp), so no ESC, CR or U+202E
/// from HR or 8x8 reaches the terminal raw, whichever message quotes it. The escapes are JSON's
/// own (`\u001B`, `\r`), so `--json` output stays valid JSON with the same meaning. A UTF-8
/// sequence cut between two writes is held until it is whole.
class escaping_streambuf : public std::streambuf {
 public:
  /// Forwards to `target`, which must outlive this buffer. Never throws.
  explicit escaping_streambuf(std::streambuf* target) noexcept : target_(target) {}
  /// Forwards a held, still incomplete sequence (escaped byte by byte). Never throws.
  ~escaping_streambuf() override;
  escaping_streambuf(const escaping_streambuf&) = delete;
  escaping_streambuf& operator=(const escaping_streambuf&) = delete;

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool write(std::string_view text);

  std::streambuf* target_;
  std::string held_;  // the start of a UTF-8 sequence the last write cut
  std::string out_;   // reused for the escaped text
};

}  // namespace eightsync::daemon
