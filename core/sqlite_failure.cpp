#include "core/sqlite_failure.hpp"

#include <sys/resource.h>
#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace eightsync::core {
namespace {

// Whether one of the database's files has grown to within a page or so of this process's file
// size limit. SQLite does not keep the errno (EFBIG) of the write that failed, so the sizes tell.
bool at_file_size_limit(const std::string& database) {
  rlimit limit{};
  if (database.empty() || ::getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return false;
  constexpr rlim_t slack = 64 * 1024;  // larger than any page SQLite writes at once
  for (const char* suffix : {"", "-wal", "-journal"}) {
    struct stat st {};
    const std::string file = database + suffix;
    if (::stat(file.c_str(), &st) == 0 && static_cast<rlim_t>(st.st_size) + slack >= limit.rlim_cur)
      return true;
  }
  return false;
}

}  // namespace

std::string sqlite_failure_text(const SQLite::Exception& e, const SQLite::Database& db) {
  std::string text = e.what();
  const int code = e.getErrorCode() & 0xff;
  if ((code == SQLITE_IOERR || code == SQLITE_FULL) && at_file_size_limit(db.getFilename())) {
    text +=
        " (file too large: the state database reached this process's file size limit, ulimit -f or "
        "LimitFSIZE=; nothing was lost: raise the limit and run again)";
  }
  return text;
}

}  // namespace eightsync::core
