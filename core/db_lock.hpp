#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include <sys/types.h>

#include "core/expected.hpp"

namespace eightsync::core {

/// The exclusive writer lock on a state database: a `flock` on the side file `<db>.lock` (not on
/// the database itself, so sqlite3 readers are never blocked), which holds the holder's pid as
/// text. Processes that write to 8x8 or to the state (`run`, `sync`, `link`, `unlink`) hold it
/// for their lifetime; readers (`plan`, `status`, `audit`) do not take it. The kernel releases it
/// when the process exits, however it exits. Move-only; the destructor releases it.
class db_lock {
 public:
  /// Another process holds the lock.
  struct busy {
    std::filesystem::path database;  ///< the state database the lock guards
    std::optional<pid_t> holder;     ///< its pid, when the lock file names one

    /// One line for an operator: "DB is locked by eightsync pid 1234; …" and what to do.
    /// Throws only std::bad_alloc.
    std::string message() const;
  };

  /// The lock file that guards `database`: the same path with `.lock` appended. Throws only
  /// std::bad_alloc.
  static std::filesystem::path lock_file_for(const std::filesystem::path& database);

  /// Takes the lock for `database` without waiting, creating the lock file (mode 0640) when
  /// missing, and writes this process's pid into it. Returns `busy` when another process (or
  /// another db_lock in this one) holds it. Throws state_error, naming the lock file, when the
  /// file cannot be created or locked for any other reason (a missing directory, permissions).
  static expected<db_lock, busy> try_acquire(const std::filesystem::path& database);

  db_lock(db_lock&& other) noexcept;
  db_lock& operator=(db_lock&& other) noexcept;
  db_lock(const db_lock&) = delete;
  db_lock& operator=(const db_lock&) = delete;

  /// Releases the lock (empties the pid and closes the file). Never throws.
  ~db_lock();

  /// The lock file held. Never throws.
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  db_lock(std::filesystem::path path, int fd) noexcept : path_(std::move(path)), fd_(fd) {}
  void release() noexcept;

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace eightsync::core
