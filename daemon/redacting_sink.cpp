#include "daemon/redacting_sink.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "core/audit_redaction.hpp"

namespace eightsync::daemon {

redacting_sink::redacting_sink(std::shared_ptr<spdlog::sinks::sink> inner,
                               const core::secret_registry& secrets) noexcept
    : inner_(std::move(inner)), secrets_(secrets) {}

void redacting_sink::log(const spdlog::details::log_msg& msg) {
  const std::string text =
      core::redact_credentials(std::string_view(msg.payload.data(), msg.payload.size()), secrets_);
  spdlog::details::log_msg copy(msg);
  copy.payload = spdlog::string_view_t(text.data(), text.size());
  inner_->log(copy);
}

void redacting_sink::flush() {
  inner_->flush();
}

void redacting_sink::set_pattern(const std::string& pattern) {
  inner_->set_pattern(pattern);
}

void redacting_sink::set_formatter(std::unique_ptr<spdlog::formatter> sink_formatter) {
  inner_->set_formatter(std::move(sink_formatter));
}

std::shared_ptr<spdlog::sinks::sink> redacted(std::shared_ptr<spdlog::sinks::sink> inner) {
  return std::make_shared<redacting_sink>(std::move(inner), core::secret_registry::global());
}

void redact_default_logger() {
  auto logger = spdlog::default_logger();
  if (!logger) return;
  for (auto& sink : logger->sinks()) {
    if (!std::dynamic_pointer_cast<redacting_sink>(sink)) sink = redacted(sink);
  }
}

}  // namespace eightsync::daemon
