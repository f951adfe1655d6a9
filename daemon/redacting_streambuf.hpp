#pragma once
#include <cstddef>
#include <iosfwd>
#include <streambuf>
#include <string>

#include "core/secret_registry.hpp"

namespace eightsync::daemon {

/// A stream buffer that passes what is written to `target` with every secret of `secrets`
/// replaced by `[redacted]` (core::redact_credentials), so no CLI message, summary or `--json`
/// document can print the token, whatever it quotes (invariant 9). It passes on whole lines; on
/// a flush, or past 64 KiB without a newline, it passes on all but the last bytes that could be
/// the start of a secret still being written (core::secret_registry::safe_cut), so a secret
/// written in two pieces is still seen whole. The rest goes at destruction. Not thread-safe,
/// like the standard streams it serves.
class redacting_streambuf : public std::streambuf {
 public:
  /// Writes to `target`, which must outlive it, redacting what `secrets` knows. Never throws.
  redacting_streambuf(std::streambuf* target, const core::secret_registry& secrets) noexcept;

  /// Passes on what is still held. Never throws.
  ~redacting_streambuf() override;

  redacting_streambuf(const redacting_streambuf&) = delete;
  redacting_streambuf& operator=(const redacting_streambuf&) = delete;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  // Passes on every complete line, and the safe part of the rest when `flushing` or when it is
  // long; with `all`, everything. Returns whether the target took it all.
  bool drain(bool all, bool flushing);

  std::streambuf* target_;
  const core::secret_registry& secrets_;
  std::string held_;
};

/// Puts std::cout and std::cerr behind redacting_streambuf over the process's registry for its
/// lifetime, then flushes and restores them; main() holds one, so the catch-all's message is
/// redacted too. Never throws.
class redacted_standard_streams {
 public:
  /// Installs the buffers. Never throws.
  redacted_standard_streams() noexcept;
  /// Flushes what is held and restores the streams' own buffers. Never throws.
  ~redacted_standard_streams();

  redacted_standard_streams(const redacted_standard_streams&) = delete;
  redacted_standard_streams& operator=(const redacted_standard_streams&) = delete;

 private:
  std::streambuf* out_ = nullptr;
  std::streambuf* err_ = nullptr;
  redacting_streambuf* out_buf_ = nullptr;
  redacting_streambuf* err_buf_ = nullptr;
};

}  // namespace eightsync::daemon
