#include "emulator_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace eightsync::emulator::test {

namespace {

pid_t spawn(const std::vector<std::string>& args, int out_fd, bool merge_stderr) {
  std::vector<std::string> full{EIGHTSYNC_EMULATOR_BIN};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec. If the test process dies (a crash,
    // a failed assertion that aborts), the emulator gets SIGTERM instead of leaking.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(out_fd, STDOUT_FILENO);
    if (merge_stderr) dup2(out_fd, STDERR_FILENO);
    execve(argv[0], argv.data(), environ);
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0 && errno != EINTR) return -1;
    if (std::chrono::steady_clock::now() > deadline) return -2;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

emulator_process::emulator_process(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> full{"--listen", "127.0.0.1:0"};
  full.insert(full.end(), args.begin(), args.end());
  try {
    pid_ = spawn(full, fds[1], false);
  } catch (...) {
    close(fds[0]);
    close(fds[1]);
    throw;
  }
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string line;
  bool done = false;
  while (!done) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c = 0;
    const ssize_t n = read(fds[0], &c, 1);
    if (n <= 0) break;
    if (c == '\n') {
      done = true;
    } else {
      line += c;
    }
  }
  close(fds[0]);
  const auto colon = line.rfind(':');
  if (!done || colon == std::string::npos) {
    stop();
    throw std::runtime_error("eightsync-emulator did not print its address; first line: `" + line + "`");
  }
  first_line_ = line;
  port_ = static_cast<std::uint16_t>(std::stoul(line.substr(colon + 1)));
}

emulator_process::~emulator_process() {
  stop();
}

int emulator_process::stop(int signal) noexcept {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = wait_exit(pid_, std::chrono::seconds(5));
  if (status == -2) {
    kill(pid_, SIGKILL);
    status = wait_exit(pid_, std::chrono::seconds(5));
  }
  pid_ = -1;
  return status;
}

int run_emulator_to_exit(const std::vector<std::string>& args, std::string& output) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = spawn(args, fds[1], true);
  close(fds[1]);
  char buf[4096];
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 10'000) <= 0) break;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = wait_exit(pid, std::chrono::seconds(5));
  if (status == -2) {
    kill(pid, SIGKILL);
    status = wait_exit(pid, std::chrono::seconds(5));
  }
  return status;
}

}  // namespace eightsync::emulator::test
