#include "daemon/lock_holder.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "core/db_lock.hpp"

namespace eightsync::daemon {

std::optional<pid_t> lock_holder(const std::filesystem::path& database) noexcept {
  try {
    struct stat st {};
    if (::stat(core::db_lock::lock_file_for(database).c_str(), &st) != 0) return std::nullopt;
    // Lines look like: "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (id, type, mode,
    // access, pid, major:minor:inode, range).
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
      std::istringstream in(line);
      std::string id, type, mode, access, where;
      long pid = 0;
      if (!(in >> id >> type)) continue;
      if (type == "->") {  // a waiter, listed under the holder
        continue;
      }
      if (!(in >> mode >> access >> pid >> where) || type != "FLOCK" || access != "WRITE") continue;
      unsigned maj = 0, min = 0;
      unsigned long long ino = 0;
      if (std::sscanf(where.c_str(), "%x:%x:%llu", &maj, &min, &ino) != 3) continue;
      if (ino == static_cast<unsigned long long>(st.st_ino) && maj == major(st.st_dev) &&
          min == minor(st.st_dev))
        return static_cast<pid_t>(pid);
    }
  } catch (...) {
    // Not knowing is reported as "no holder seen"; status says how it knows.
  }
  return std::nullopt;
}

}  // namespace eightsync::daemon
