#include "core/db_lock.hpp"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string_view>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/sqlite_failure.hpp"
#include "core/state_error.hpp"

namespace eightsync::core {
namespace {

[[noreturn]] void fail(const std::filesystem::path& lock_file, std::string_view what, int err) {
  // A read-only directory or a full disk is said in those words.
  if (auto why = file_environment_failure(err, lock_file))
    throw state_error("cannot " + std::string(what) + " the state lock file " + lock_file.string() + ": " +
                      *why);
  throw state_error("cannot " + std::string(what) + " the state lock file " + lock_file.string() + ": " +
                    std::strerror(err) +
                    " (it sits next to the state database; is state.path's directory "
                    "present and writable by this user?)");
}

// The pid written by the holder. A holder writes it right after taking the lock, so a reader
// racing with it may briefly see an empty file: retry a few times before giving up on it.
std::optional<pid_t> read_holder(const std::filesystem::path& lock_file) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int fd = ::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buf[32];
    const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    ::close(fd);
    if (n > 0) {
      std::string_view text(buf, static_cast<std::size_t>(n));
      while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
      pid_t pid = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
      if (ec == std::errc{} && end == text.data() + text.size() && pid > 0) return pid;
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace

std::string db_lock::busy::message() const {
  std::string who = holder ? "eightsync pid " + std::to_string(*holder) : "another eightsync process";
  return database.string() + " is locked by " + who +
         "; only one eightsync process at a time may write from a state database. Wait for it to "
         "finish, or stop it (for the service: systemctl stop eightsync), then try again.";
}

std::filesystem::path db_lock::lock_file_for(const std::filesystem::path& database) {
  std::filesystem::path p = database;
  p += ".lock";
  return p;
}

expected<db_lock, db_lock::busy> db_lock::try_acquire(const std::filesystem::path& database) {
  auto path = lock_file_for(database);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) fail(path, "open", errno);
  int rc = 0;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return unexpected<busy>{busy{database, read_holder(path)}};
    fail(path, "lock", err);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    ::close(fd);
    fail(path, "write the pid into", err);
  }
  return db_lock(std::move(path), fd);
}

db_lock::db_lock(db_lock&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

db_lock& db_lock::operator=(db_lock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

db_lock::~db_lock() {
  release();
}

void db_lock::release() noexcept {
  if (fd_ < 0) return;
  // Empty the pid first, while still holding the lock, so no one reads a stale holder.
  [[maybe_unused]] const int rc = ::ftruncate(fd_, 0);
  ::close(fd_);  // closing the last descriptor releases the flock
  fd_ = -1;
}

}  // namespace eightsync::core
