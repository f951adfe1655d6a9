#include "daemon/token_source.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace eightsync::daemon {
namespace {

namespace fs = std::filesystem;

class token_source : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eightsync-token-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ::unsetenv("EIGHTSYNC_TEST_TOKEN");
  }
  config::target_config from_file(const std::string& content) {
    const fs::path f = dir_ / "token";
    std::ofstream(f, std::ios::binary) << content;
    config::target_config t;
    t.token_file = f;
    return t;
  }
  fs::path dir_;
};

TEST_F(token_source, file_token_loses_its_trailing_newline_and_spaces) {
  auto t = read_token(from_file("  s3cr3t-token\r\n"));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->reveal(), "s3cr3t-token");
}

TEST_F(token_source, missing_file_is_named_without_any_token) {
  config::target_config t;
  t.token_file = dir_ / "absent";
  auto r = read_token(t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("cannot read the token file " + (dir_ / "absent").string()), std::string::npos)
      << r.error();
  EXPECT_NE(r.error().find("No such file"), std::string::npos) << r.error();
}

TEST_F(token_source, empty_file_is_refused) {
  auto r = read_token(from_file("\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("is empty: put the 8x8 API token in it"), std::string::npos) << r.error();
}

TEST_F(token_source, two_lines_are_refused_and_not_echoed) {
  auto r = read_token(from_file("first-line\nsecond-line\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("must hold the token alone, on one line"), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find("first-line"), std::string::npos) << "the error must not echo the token";
}

TEST_F(token_source, environment_variable_token) {
  ::setenv("EIGHTSYNC_TEST_TOKEN", "env-token\n", 1);
  config::target_config t;
  t.token_env.emplace("EIGHTSYNC_TEST_TOKEN");
  auto r = read_token(t);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->reveal(), "env-token");
}

TEST_F(token_source, unset_environment_variable_is_named) {
  config::target_config t;
  t.token_env.emplace("EIGHTSYNC_TEST_TOKEN");
  auto r = read_token(t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "environment variable EIGHTSYNC_TEST_TOKEN is not set: export it with the 8x8 API token, "
            "or use target.token_file");
}

TEST_F(token_source, no_source_says_what_to_configure) {
  auto r = read_token(config::target_config{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("set target.token_file (or target.token_env)"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace eightsync::daemon

namespace eightsync::daemon {
namespace {

TEST_F(token_source, systemd_credential_wins_over_token_file) {
  const auto creds = dir_ / "creds";
  std::filesystem::create_directories(creds);
  std::ofstream(creds / "eightsync-token") << "from-systemd\n";
  ::setenv("CREDENTIALS_DIRECTORY", creds.c_str(), 1);
  auto r = read_token(from_file("from-file\n"));
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->reveal(), "from-systemd");
}

TEST_F(token_source, credentials_directory_without_the_token_falls_back_to_token_file) {
  ::setenv("CREDENTIALS_DIRECTORY", dir_.c_str(), 1);
  auto r = read_token(from_file("from-file\n"));
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->reveal(), "from-file");
}

}  // namespace
}  // namespace eightsync::daemon

// Special files as token_file (issue 13, finding 8): each is refused by what it is, without
// blocking and without reading more than a token's size.
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>
#include <functional>

namespace eightsync::daemon {
namespace {

// In a death-test child: limits the address space to `headroom` bytes beyond its current size
// and the time to `seconds`, runs `read`, and exits 0 when it returned true (1 otherwise, or
// killed by SIGALRM when it blocked).
[[noreturn]] void limited_run(std::size_t headroom, unsigned seconds, const std::function<bool()>& read) {
  ::alarm(seconds);
  long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  const auto now = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
  rlimit lim{};
  lim.rlim_cur = lim.rlim_max = now + headroom;
#if defined(EIGHTSYNC_ADDRESS_SANITIZER)
  (void)lim;  // AddressSanitizer maps its own memory as it goes: under it, only the time limit applies
#else
  ::setrlimit(RLIMIT_AS, &lim);
#endif
  bool ok = false;
  try {
    ok = read();
  } catch (...) {
    ok = false;
  }
  std::_Exit(ok ? 0 : 1);
}

// Runs `read` in a child limited to 256 MiB more address space and `seconds` of time; the child
// exits 0 when `read` returns true.
void in_bounded_child(unsigned seconds, const std::function<bool()>& read) {
  const std::size_t headroom = 256u << 20;
  EXPECT_EXIT(limited_run(headroom, seconds, read), ::testing::ExitedWithCode(0), "");
}

TEST_F(token_source, fifo_token_file_is_refused_without_waiting_for_a_writer) {
  const auto fifo = dir_ / "token-fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  config::target_config t;
  t.token_file = fifo;
  in_bounded_child(10, [&] {
    auto r = read_token(t);
    return !r && r.error() == "the token file " + fifo.string() +
                                  " is a FIFO (named pipe), not a regular file: put the token in a file";
  });
}

TEST_F(token_source, dev_zero_token_file_is_refused) {
  config::target_config t;
  t.token_file = "/dev/zero";
  in_bounded_child(10, [&] {
    auto r = read_token(t);
    return !r &&
           r.error() ==
               "the token file /dev/zero is a character device, not a regular file: put the token in a file";
  });
}

TEST_F(token_source, huge_token_file_is_refused_after_reading_its_limit) {
  // A sparse 64 GiB file: reading it whole would take minutes and all memory.
  const auto huge = dir_ / "huge";
  { std::ofstream(huge) << "x"; }
  std::filesystem::resize_file(huge, 64ULL << 30);
  config::target_config t;
  t.token_file = huge;
  in_bounded_child(10, [&] {
    auto r = read_token(t);
    return !r && r.error() == "the token file " + huge.string() + " is too large to be a token";
  });
}

}  // namespace
}  // namespace eightsync::daemon
