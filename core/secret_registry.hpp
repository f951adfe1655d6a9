#pragma once
#include <cstddef>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace eightsync::core {

/// The secret values this process knows (the 8x8 token, a proxy password and its encodings), so
/// that every sink can redact them by value: the audit log's stored texts, log lines, the CLI's
/// output and sd_notify's STATUS (invariant 9). A credential is added where it is read (the
/// token source, the proxy URL); from then on any text that repeats it, whatever surrounds it,
/// shows `[redacted]` instead. Values shorter than min_bytes are not kept: they would blank
/// ordinary words, and nothing that short is a credential. Thread-safe.
class secret_registry {
 public:
  /// The shortest value kept.
  static constexpr std::size_t min_bytes = 4;

  /// What each occurrence becomes.
  static constexpr std::string_view placeholder = "[redacted]";

  /// An empty registry (tests use their own). Never throws.
  secret_registry() = default;

  /// The process's registry, which the sinks consult. Never throws.
  static secret_registry& global() noexcept;

  /// Adds `value` (and its JSON-escaped form, when different), unless it is shorter than
  /// min_bytes or already known. Throws only std::bad_alloc.
  void add(std::string_view value);

  /// `text` with every occurrence of every known value replaced by the placeholder, the longest
  /// values first. Throws only std::bad_alloc.
  std::string redact(std::string_view text) const;

  /// The largest cut at most `want` (a byte offset into `text`) that no occurrence of a known
  /// value straddles, and that leaves at least longest() - 1 bytes after it (a value may still be
  /// arriving there); what a stream that redacts may pass on before the rest of a long line has
  /// come. Never throws.
  std::size_t safe_cut(std::string_view text, std::size_t want) const noexcept;

  /// The length of the longest known value; 0 when none. Never throws.
  std::size_t longest() const noexcept;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::string> values_;  // longest first
};

}  // namespace eightsync::core
