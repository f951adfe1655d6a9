#include "daemon/sd_notifier.hpp"

#include <cstdlib>
#include <string>

#include <systemd/sd-daemon.h>

#include "core/audit_redaction.hpp"
#include "core/bounded_text.hpp"

namespace eightsync::daemon {

sd_notifier::sd_notifier() noexcept {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec / 2);
}

void sd_notifier::send(std::string_view message) const noexcept {
  if (!active_) return;
  try {
    const std::string m(message);
    (void)sd_notify(0, m.c_str());
  } catch (...) {
    // Out of memory for one status line: systemd keeps the previous one.
  }
}

namespace {
// STATUS= is one line: a newline would end the assignment early. It may carry a cycle's error,
// so it is redacted and bounded like every other sink (invariant 9).
std::string one_line(std::string_view s) {
  std::string out = core::bound_text(core::redact_credentials(s));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}
}  // namespace

void sd_notifier::ready(std::string_view status) const noexcept {
  try {
    send("READY=1\nSTATUS=" + one_line(status));
  } catch (...) {
    send("READY=1");
  }
}

void sd_notifier::status(std::string_view line) const noexcept {
  try {
    send("STATUS=" + one_line(line));
  } catch (...) {
  }
}

void sd_notifier::watchdog() const noexcept {
  send("WATCHDOG=1");
}

void sd_notifier::reloading() const noexcept {
  send("RELOADING=1");
}

void sd_notifier::reloaded(std::string_view status) const noexcept {
  ready(status);
}

void sd_notifier::stopping(std::string_view status) const noexcept {
  try {
    send("STOPPING=1\nSTATUS=" + one_line(status));
  } catch (...) {
    send("STOPPING=1");
  }
}

}  // namespace eightsync::daemon
