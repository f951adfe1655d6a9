#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include <SQLiteCpp/Exception.h>

struct sqlite3;

namespace eightsync::core {

/// What a failed SQLite call on the database file `database` means, when the cause is the
/// machine rather than the file, in the words an operator acts on:
/// - "disk full: the file system of DIR has no space left" (SQLITE_FULL, ENOSPC, or an I/O error
///   while the file system has no free blocks: SQLite reports a full disk while opening a WAL
///   database as "disk I/O error");
/// - "file too large: FILE reached this process's file size limit (ulimit -f)" (EFBIG, or
///   SQLITE_FULL while the file system has room and a limit is set);
/// - "read-only: DIR is not writable by USER" (or FILE), when SQLite could not write (read-only,
///   cannot open, permission denied, read-only file system) and the directory, which must hold
///   the -wal and -shm files, or the file is not writable by this process's effective user.
/// nullopt when none applies: the caller shows SQLite's own message. `handle`, when given, is
/// the connection that failed (its system errno is read). Never throws.
std::optional<std::string> sqlite_environment_failure(const SQLite::Exception& e,
                                                      const std::filesystem::path& database,
                                                      sqlite3* handle = nullptr) noexcept;

/// The same for a failure of a plain system call on `database` (opening or creating it) with
/// `error` as errno: "read-only: …" for EACCES, EPERM and EROFS when the directory or file is
/// not writable, "disk full: …" for ENOSPC. nullopt otherwise. Never throws.
std::optional<std::string> file_environment_failure(int error,
                                                    const std::filesystem::path& database) noexcept;

/// sqlite_environment_failure's text when it applies, else SQLite's message (`e.what()`). Never
/// throws.
std::string describe_sqlite_failure(const SQLite::Exception& e, const std::filesystem::path& database,
                                    sqlite3* handle = nullptr) noexcept;

}  // namespace eightsync::core
