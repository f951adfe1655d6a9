#pragma once
#include <cstdint>
#include <filesystem>

#include "core/clock.hpp"

// When an HR export may be read: only once it has stayed unchanged for source.settle, whatever
// started the cycle (the schedule, a signal, a change the watcher saw), so eightsync never reads
// a file the HR system is still writing.
//
//   export_look   how the file looked at one moment: exists, size, when it last changed
//   look_at       that, read from the file system
//   settle_wait   how much longer to wait before the look can be trusted
//   export_ready  whether source.ready_file says the export is complete
namespace eightsync::core {

/// How an export file looked at one moment.
struct export_look {
  bool exists = false;
  std::uint64_t size = 0;
  /// The later of its modification and status-change times: a copy that keeps the old mtime
  /// (`cp -p`, `rsync -t`) still changes the ctime as it is written.
  clock::time_point changed{};
  /// Its modification time alone (what a ready marker is compared with).
  clock::time_point modified{};

  /// Member-wise equality: the file did not change between two looks.
  friend bool operator==(const export_look&, const export_look&) = default;
};

/// How `file` looks now (exists false when it cannot be stat'ed: the read reports why). Never
/// throws.
export_look look_at(const std::filesystem::path& file) noexcept;

/// How much longer to wait, at `now`, before reading an export that looked like `seen` now: zero
/// when it changed at least `settle` ago or does not exist (the read says so), else what is left
/// of `settle`. A change time after `now` (a clock ahead, a copied timestamp) counts as now. After
/// waiting, look again: an unchanged look has stayed the same for the whole wait, and may be read.
/// Never throws.
clock::duration settle_wait(const export_look& seen, clock::time_point now, clock::duration settle) noexcept;

/// Whether an export that looks like `export_file` is ready by its marker (source.ready_file)
/// that looks like `marker`: the marker exists and was modified no earlier than the export. An
/// HR system that touches the marker after writing the export says "complete" that way. Never
/// throws.
bool export_ready(const export_look& export_file, const export_look& marker) noexcept;

}  // namespace eightsync::core
