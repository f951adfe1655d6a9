#include "daemon/escaping_streambuf.hpp"

#include "core/unsafe_text.hpp"

namespace eightsync::daemon {
namespace {

// How many bytes at the end of `text` begin a UTF-8 sequence that is not complete yet (0 when
// none): those wait for the next write, so a character cut between writes is not escaped as
// two invalid bytes.
std::size_t incomplete_tail(std::string_view text) noexcept {
  const std::size_t n = text.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const auto c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0U) == 0x80U) continue;  // a continuation byte: look further back
    const std::size_t need = c >= 0xF0U ? 4 : c >= 0xE0U ? 3 : c >= 0xC0U ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace

escaping_streambuf::~escaping_streambuf() {
  if (held_.empty()) return;
  try {
    out_.clear();
    core::append_escaped(out_, held_, core::line_feeds::keep);
    target_->sputn(out_.data(), static_cast<std::streamsize>(out_.size()));
    target_->pubsync();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor; the output is lost either way
  }
}

bool escaping_streambuf::write(std::string_view text) {
  std::string_view all = text;
  std::string joined;
  if (!held_.empty()) {
    joined = std::move(held_);
    joined.append(text);
    held_.clear();
    all = joined;
  }
  const std::size_t tail = incomplete_tail(all);
  held_.assign(all.substr(all.size() - tail));
  all.remove_suffix(tail);
  out_.clear();
  core::append_escaped(out_, all, core::line_feeds::keep);
  const auto n = static_cast<std::streamsize>(out_.size());
  return target_->sputn(out_.data(), n) == n;
}

escaping_streambuf::int_type escaping_streambuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  const char c = traits_type::to_char_type(ch);
  return write(std::string_view(&c, 1)) ? ch : traits_type::eof();
}

std::streamsize escaping_streambuf::xsputn(const char* s, std::streamsize n) {
  return write(std::string_view(s, static_cast<std::size_t>(n))) ? n : 0;
}

int escaping_streambuf::sync() {
  return target_->pubsync();
}

}  // namespace eightsync::daemon
