#include "core/sqlite_failure.hpp"

#include <cerrno>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace eightsync::core {
namespace {

std::filesystem::path directory_of(const std::filesystem::path& database) {
  auto dir = database.parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

// The effective user's name, as `ls -l` shows it; "uid N" when it has none.
std::string effective_user() {
  const uid_t uid = ::geteuid();
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr && found->pw_name)
    return found->pw_name;
  return "uid " + std::to_string(uid);
}

// Whether this process (its effective ids) may write `p`; a read-only mount counts as no.
bool writable(const std::filesystem::path& p) {
  return ::faccessat(AT_FDCWD, p.c_str(), W_OK, AT_EACCESS) == 0;
}

bool present(const std::filesystem::path& p) {
  return ::faccessat(AT_FDCWD, p.c_str(), F_OK, AT_EACCESS) == 0;
}

// Less than a megabyte free counts as full: SQLite grows the files by pages and the -shm by
// 32 KiB at a time, so a write fails before the last block is used.
bool no_space_left(const std::filesystem::path& dir) {
  struct statvfs st {};
  return ::statvfs(dir.c_str(), &st) == 0 &&
         static_cast<unsigned long long>(st.f_bavail) * st.f_frsize < 1024ULL * 1024ULL;
}

bool file_size_limited() {
  rlimit r{};
  return ::getrlimit(RLIMIT_FSIZE, &r) == 0 && r.rlim_cur != RLIM_INFINITY;
}

// Whether one of the database's files has grown to within a page or so of this process's file
// size limit: SQLite does not always keep the errno (EFBIG) of the write that failed (a commit
// reports "disk I/O error"), so the sizes tell.
bool at_file_size_limit(const std::filesystem::path& database) {
  rlimit limit{};
  if (database.empty() || ::getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return false;
  constexpr rlim_t slack = 64 * 1024;  // larger than any page SQLite writes at once
  for (const char* suffix : {"", "-wal", "-journal"}) {
    struct stat st {};
    const std::string file = database.string() + suffix;
    if (::stat(file.c_str(), &st) == 0 && static_cast<rlim_t>(st.st_size) + slack >= limit.rlim_cur)
      return true;
  }
  return false;
}

std::string disk_full(const std::filesystem::path& database) {
  return "disk full: the file system of " + directory_of(database).string() + " has no space left";
}

std::string too_large(const std::filesystem::path& database) {
  return "file too large: " + database.string() +
         " reached this process's file size limit (ulimit -f, LimitFSIZE=); nothing was lost: raise or "
         "remove the "
         "limit and run again";
}

std::optional<std::string> read_only(const std::filesystem::path& database) {
  const auto dir = directory_of(database);
  // A missing directory is not a read-only one; the caller's own message says to create it.
  if (!present(dir)) return std::nullopt;
  // The directory first: SQLite creates the -wal and -shm files next to the database.
  if (!writable(dir)) return "read-only: " + dir.string() + " is not writable by " + effective_user();
  if (present(database) && !writable(database))
    return "read-only: " + database.string() + " is not writable by " + effective_user();
  return std::nullopt;
}

}  // namespace

std::optional<std::string> sqlite_environment_failure(const SQLite::Exception& e,
                                                      const std::filesystem::path& database,
                                                      sqlite3* handle) noexcept {
  try {
    const int primary = e.getErrorCode() & 0xFF;
    const int sys = handle != nullptr ? sqlite3_system_errno(handle) : 0;
    const auto dir = directory_of(database);
    if (sys == EFBIG) return too_large(database);
    if ((primary == SQLITE_IOERR || primary == SQLITE_FULL) && at_file_size_limit(database))
      return too_large(database);
    if (primary == SQLITE_FULL || sys == ENOSPC || (primary == SQLITE_IOERR && no_space_left(dir))) {
      // SQLite reports a short write as SQLITE_FULL without an errno; under `ulimit -f` that is
      // the size limit, not the disk, when the file system still has room.
      if (primary == SQLITE_FULL && sys != ENOSPC && !no_space_left(dir) && file_size_limited())
        return too_large(database);
      return disk_full(database);
    }
    if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM ||
        primary == SQLITE_AUTH || sys == EACCES || sys == EPERM || sys == EROFS ||
        (primary == SQLITE_IOERR && !writable(dir)))
      return read_only(database);
    return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<std::string> file_environment_failure(int error,
                                                    const std::filesystem::path& database) noexcept {
  try {
    if (error == ENOSPC) return disk_full(database);
    if (error == EFBIG) return too_large(database);
    if (error == EACCES || error == EPERM || error == EROFS) return read_only(database);
    return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

std::string describe_sqlite_failure(const SQLite::Exception& e, const std::filesystem::path& database,
                                    sqlite3* handle) noexcept {
  try {
    if (auto why = sqlite_environment_failure(e, database, handle)) return *why;
    return e.what();
  } catch (...) {
    return {};
  }
}

}  // namespace eightsync::core
