#pragma once
#include <filesystem>
#include <optional>

#include <sys/types.h>

namespace eightsync::daemon {

/// Which process holds the writer lock of the state database `database` (a `flock` on
/// `<database>.lock`), found in /proc/locks by the lock file's device and inode, so asking
/// never takes the lock and never disturbs a daemon starting at that moment. nullopt when no
/// process holds it, or the lock file does not exist. Never throws.
std::optional<pid_t> lock_holder(const std::filesystem::path& database) noexcept;

}  // namespace eightsync::daemon
