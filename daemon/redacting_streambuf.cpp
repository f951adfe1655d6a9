#include "daemon/redacting_streambuf.hpp"

#include <algorithm>
#include <iostream>
#include <new>

#include "core/audit_redaction.hpp"

namespace eightsync::daemon {
namespace {

// A line longer than this is passed on in pieces rather than held whole (a `--json` document
// of 100,000 users is one line).
constexpr std::size_t max_held = 64 * 1024;

}  // namespace

redacting_streambuf::redacting_streambuf(std::streambuf* target,
                                         const core::secret_registry& secrets) noexcept
    : target_(target), secrets_(secrets) {}

redacting_streambuf::~redacting_streambuf() {
  try {
    drain(true, true);
    target_->pubsync();
  } catch (...) {
    // Out of memory while exiting: what is held is lost, never written unredacted.
  }
}

bool redacting_streambuf::drain(bool all, bool flushing) {
  std::size_t cut = held_.size();
  if (!all) {
    const auto newline = held_.rfind('\n');
    cut = newline == std::string::npos ? 0 : newline + 1;
    // A flush (std::cerr flushes after every insertion) or a very long line passes on the part
    // of the rest that cannot hold the start of a secret still being written.
    if (flushing || held_.size() - cut > max_held)
      cut = std::max(cut, secrets_.safe_cut(held_, held_.size()));
  }
  if (cut == 0) return true;
  const std::string out = core::redact_credentials(std::string_view(held_).substr(0, cut), secrets_);
  held_.erase(0, cut);
  const auto n = static_cast<std::streamsize>(out.size());
  return target_->sputn(out.data(), n) == n;
}

redacting_streambuf::int_type redacting_streambuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  try {
    held_.push_back(traits_type::to_char_type(c));
    if ((c == '\n' || held_.size() > max_held) && !drain(false, false)) return traits_type::eof();
  } catch (const std::bad_alloc&) {
    return traits_type::eof();
  }
  return c;
}

std::streamsize redacting_streambuf::xsputn(const char* s, std::streamsize n) {
  try {
    const std::size_t before = held_.size();
    held_.append(s, static_cast<std::size_t>(n));
    if ((held_.find('\n', before) != std::string::npos || held_.size() > max_held) && !drain(false, false))
      return 0;
  } catch (const std::bad_alloc&) {
    return 0;
  }
  return n;
}

int redacting_streambuf::sync() {
  try {
    if (!drain(false, true)) return -1;
  } catch (const std::bad_alloc&) {
    return -1;
  }
  return target_->pubsync();
}

redacted_standard_streams::redacted_standard_streams() noexcept {
  try {
    out_buf_ = new redacting_streambuf(std::cout.rdbuf(), core::secret_registry::global());
    err_buf_ = new redacting_streambuf(std::cerr.rdbuf(), core::secret_registry::global());
  } catch (const std::bad_alloc&) {
    delete out_buf_;
    out_buf_ = nullptr;
    err_buf_ = nullptr;
    return;
  }
  out_ = std::cout.rdbuf(out_buf_);
  err_ = std::cerr.rdbuf(err_buf_);
}

redacted_standard_streams::~redacted_standard_streams() {
  if (out_buf_ == nullptr) return;
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(out_);
  std::cerr.rdbuf(err_);
  delete out_buf_;
  delete err_buf_;
}

}  // namespace eightsync::daemon
