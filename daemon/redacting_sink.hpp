#pragma once
#include <memory>
#include <string>

#include <spdlog/sinks/sink.h>

#include "core/secret_registry.hpp"

namespace eightsync::daemon {

/// An spdlog sink that hands each message to `inner` with every secret of `secrets` (and any
/// Bearer credential) replaced by `[redacted]`, before it is formatted, so a text or JSON line
/// never carries the token, whatever an event quotes (invariant 9). Patterns and formatters are
/// the inner sink's. Thread-safe when `inner` is.
class redacting_sink final : public spdlog::sinks::sink {
 public:
  /// Wraps `inner`, redacting what `secrets` (which must outlive it) knows. Never throws.
  redacting_sink(std::shared_ptr<spdlog::sinks::sink> inner, const core::secret_registry& secrets) noexcept;

  /// Redacts the message's text and passes it on. Throws what the inner sink throws.
  void log(const spdlog::details::log_msg& msg) override;
  /// Flushes the inner sink.
  void flush() override;
  /// Sets the inner sink's pattern.
  void set_pattern(const std::string& pattern) override;
  /// Sets the inner sink's formatter.
  void set_formatter(std::unique_ptr<spdlog::formatter> sink_formatter) override;

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  const core::secret_registry& secrets_;
};

/// `inner` behind a redacting_sink over the process's registry. Throws only std::bad_alloc.
std::shared_ptr<spdlog::sinks::sink> redacted(std::shared_ptr<spdlog::sinks::sink> inner);

/// Puts every sink of spdlog's default logger (the one a component uses when given none) behind
/// a redacting_sink. Throws only std::bad_alloc.
void redact_default_logger();

}  // namespace eightsync::daemon
