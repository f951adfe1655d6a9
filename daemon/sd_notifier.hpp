#pragma once
#include <chrono>
#include <optional>
#include <string_view>

namespace eightsync::daemon {

/// Talks to systemd through libsystemd's sd_notify: READY=1, STATUS=…, WATCHDOG=1 and
/// STOPPING=1. Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op, so the daemon runs
/// the same in a terminal. Never throws.
class sd_notifier {
 public:
  /// Reads $NOTIFY_SOCKET and $WATCHDOG_USEC once. Never throws.
  sd_notifier() noexcept;

  /// Whether a notify socket is set (running under systemd with Type=notify). Never throws.
  bool active() const noexcept { return active_; }

  /// Half of WatchdogSec= (from $WATCHDOG_USEC for this pid), the interval to send WATCHDOG=1
  /// at; nullopt when the watchdog is off. Never throws.
  std::optional<std::chrono::microseconds> watchdog_interval() const noexcept { return watchdog_; }

  /// READY=1 with a STATUS= line. Never throws.
  void ready(std::string_view status) const noexcept;
  /// STATUS=…: one line, for `systemctl status`. Never throws.
  void status(std::string_view line) const noexcept;
  /// WATCHDOG=1. Never throws.
  void watchdog() const noexcept;
  /// RELOADING=1 (a config reload starts); reloaded() sends READY=1 again. Never throws.
  void reloading() const noexcept;
  void reloaded(std::string_view status) const noexcept;
  /// STOPPING=1 with a STATUS= line. Never throws.
  void stopping(std::string_view status) const noexcept;

 private:
  void send(std::string_view message) const noexcept;

  bool active_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace eightsync::daemon
