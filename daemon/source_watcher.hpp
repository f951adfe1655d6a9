#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace eightsync::daemon {

/// Watches the HR export for changes (schedule.on_source_change) with inotify on its
/// directory, so a replace by atomic rename (the usual way exports are published) is seen as
/// well as a write in place. A change is reported once the file has stayed the same (size and
/// modification time) for `settle`, so a half-written file is never read. Runs on the daemon's
/// io_context; stop() or destruction ends it. Not thread-safe.
class source_watcher {
 public:
  /// Watches `file` on `executor`, calling `on_change` after each settled change. Throws
  /// std::system_error when inotify cannot watch the file's directory (it must exist).
  source_watcher(boost::asio::any_io_executor executor, std::filesystem::path file,
                 std::chrono::milliseconds settle, std::function<void()> on_change);
  ~source_watcher();

  source_watcher(const source_watcher&) = delete;
  source_watcher& operator=(const source_watcher&) = delete;

  /// Stops watching; no callback runs afterwards. Never throws.
  void stop() noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace eightsync::daemon
