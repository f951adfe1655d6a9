#pragma once
#include <string>

namespace SQLite {
class Database;
class Exception;
}  // namespace SQLite

namespace eightsync::core {

/// What SQLite's exception `e`, raised on `db`, says, plus what its words hide: a write past the
/// process's file size limit (`ulimit -f`, LimitFSIZE=; EFBIG, with SIGXFSZ ignored) reads
/// "disk I/O error" or "database or disk is full" in SQLite's words. When the failure is one of
/// those and the database file (or its -wal or -journal) has reached the limit, "file too
/// large …" is added. Throws only std::bad_alloc.
std::string sqlite_failure_text(const SQLite::Exception& e, const SQLite::Database& db);

}  // namespace eightsync::core
