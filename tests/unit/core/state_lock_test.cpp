// db_lock: one writer per state database, across processes; the second is told the holder's pid.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "core/db_lock.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::temp_dir;
using testing::test_url;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A child process that takes the lock on `db` and holds it until told to exit (or killed).
class lock_holder {
 public:
  explicit lock_holder(const std::filesystem::path& db) {
    int ready[2];
    int release[2];
    if (::pipe(ready) != 0 || ::pipe(release) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(release[1]);
      char status = 'n';
      try {
        auto lock = db_lock::try_acquire(db);
        status = lock ? 'y' : 'n';
        [[maybe_unused]] auto w = ::write(ready[1], &status, 1);
        char c = 0;
        [[maybe_unused]] auto r = ::read(release[0], &c, 1);  // returns 0 when the parent closes it
      } catch (...) {
        [[maybe_unused]] auto w = ::write(ready[1], &status, 1);
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release[0]);
    release_fd_ = release[1];
    char status = 0;
    const auto n = ::read(ready[0], &status, 1);
    ::close(ready[0]);
    acquired_ = n == 1 && status == 'y';
  }

  ~lock_holder() { stop(SIGKILL); }
  lock_holder(const lock_holder&) = delete;
  lock_holder& operator=(const lock_holder&) = delete;

  pid_t pid() const { return pid_; }
  bool acquired() const { return acquired_; }

  // Ends the child (closing the pipe lets it exit on its own; the signal makes sure) and reaps it.
  void stop(int sig) {
    if (release_fd_ >= 0) {
      ::close(release_fd_);
      release_fd_ = -1;
    }
    if (pid_ > 0) {
      ::kill(pid_, sig);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  int release_fd_ = -1;
  bool acquired_ = false;
};

TEST(state_lock, a_second_process_is_told_the_holders_pid) {
  temp_dir dir;
  const auto db = dir / "state.db";
  lock_holder child(db);
  ASSERT_TRUE(child.acquired());

  auto second = db_lock::try_acquire(db);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().holder, child.pid());
  EXPECT_EQ(
      second.error().message(),
      db.string() + " is locked by eightsync pid " + std::to_string(child.pid()) +
          "; only one eightsync process at a time may write from a state database. Wait for it to finish, "
          "or stop it (for the service: systemctl stop eightsync), then try again.");
  EXPECT_EQ(read_file(dir / "state.db.lock"), std::to_string(child.pid()) + "\n");
}

TEST(state_lock, the_lock_is_released_when_the_holder_dies) {
  temp_dir dir;
  const auto db = dir / "state.db";
  lock_holder child(db);
  ASSERT_TRUE(child.acquired());
  child.stop(SIGKILL);  // no cleanup in the child: the kernel releases the flock
  auto lock = db_lock::try_acquire(db);
  ASSERT_TRUE(lock.has_value());
  EXPECT_EQ(read_file(dir / "state.db.lock"), std::to_string(::getpid()) + "\n");
}

TEST(state_lock, readers_are_not_blocked_by_the_lock) {
  temp_dir dir;
  const auto db = dir / "state.db";
  { state_store store(db, test_url); }
  lock_holder child(db);
  ASSERT_TRUE(child.acquired());
  state_store reader(db, test_url);
  EXPECT_EQ(reader.link_count(), 0u);
}

TEST(state_lock, a_second_lock_in_the_same_process_is_busy_and_release_empties_the_pid) {
  temp_dir dir;
  const auto db = dir / "state.db";
  {
    auto first = db_lock::try_acquire(db);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->path(), dir / "state.db.lock");
    auto second = db_lock::try_acquire(db);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().holder, ::getpid());
  }
  EXPECT_EQ(read_file(dir / "state.db.lock"), "");
  EXPECT_TRUE(db_lock::try_acquire(db).has_value());
}

TEST(state_lock, an_unknown_holder_is_still_reported) {
  const db_lock::busy busy{"/var/lib/eightsync/state.db", std::nullopt};
  EXPECT_EQ(busy.message().rfind("/var/lib/eightsync/state.db is locked by another eightsync process; ", 0),
            0u);
}

TEST(state_lock, a_missing_directory_throws_naming_the_lock_file) {
  temp_dir dir;
  const auto db = dir / "gone" / "state.db";
  try {
    auto lock = db_lock::try_acquire(db);
    FAIL() << "locked in a missing directory";
  } catch (const state_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot open the state lock file " +
                                              (dir / "gone" / "state.db.lock").string() +
                                              ": No such file or directory",
                                          0),
              0u)
        << e.what();
  }
}

}  // namespace
}  // namespace eightsync::core
