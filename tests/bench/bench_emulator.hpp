#pragma once
// The emulator as a child process of a benchmark, on 127.0.0.1 with a port the kernel picks
// (its first stdout line is the address). Shared by bench_scim_list, bench_sync_cycle and
// bench_pace.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace eightsync::bench {

// The binaries this build made, as the benchmark's target defines them (none: found in the tree).
#ifdef EIGHTSYNC_BIN
inline constexpr const char* eightsync_bin = EIGHTSYNC_BIN;
#else
inline constexpr const char* eightsync_bin = nullptr;
#endif
#ifdef EIGHTSYNC_EMULATOR_BIN
inline constexpr const char* emulator_bin = EIGHTSYNC_EMULATOR_BIN;
#else
inline constexpr const char* emulator_bin = nullptr;
#endif

/// The binary a benchmark runs: $`env_name` when set, else `built_in` (eightsync_bin,
/// emulator_bin), else `in_tree` under the build directory, found from this benchmark's own
/// path (build/tests/bench/NAME).
inline std::string binary(const char* env_name, const char* built_in, const std::filesystem::path& in_tree) {
  if (const char* env = std::getenv(env_name); env && *env) return env;
  if (built_in && *built_in) return built_in;
  const auto self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path().parent_path() / in_tree).string();
}

class bench_emulator {
 public:
  /// Starts `binary --listen 127.0.0.1:0 --token TOKEN --max-page-size PAGE EXTRA...` and reads
  /// its port. Throws std::runtime_error when it cannot start or prints no address within 10 s.
  bench_emulator(const std::string& binary, const std::string& token, std::size_t max_page_size,
                 const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{binary,
                                  "--listen",
                                  "127.0.0.1:0",
                                  "--token",
                                  token,
                                  "--max-page-size",
                                  std::to_string(max_page_size)};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    const int rc = posix_spawnp(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      throw std::runtime_error("cannot start " + binary);
    }
    std::string line;
    char c = 0;
    pollfd p{fds[0], POLLIN, 0};
    while (poll(&p, 1, 10'000) > 0 && read(fds[0], &c, 1) == 1 && c != '\n')
      line += c;
    close(fds[0]);
    const auto colon = line.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("the emulator printed no address: " + line);
    port_ = static_cast<std::uint16_t>(std::stoul(line.substr(colon + 1)));
  }
  ~bench_emulator() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  bench_emulator(const bench_emulator&) = delete;
  bench_emulator& operator=(const bench_emulator&) = delete;

  std::uint16_t port() const { return port_; }

  /// The emulator's own CPU so far (user+sys), from /proc.
  double cpu_seconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)
      if (i >= 14) ticks += std::stod(field);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace eightsync::bench
