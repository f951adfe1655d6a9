#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eightsync::emulator::test {

/// A running `eightsync-emulator` child process on 127.0.0.1 with a kernel-chosen port.
class emulator_process {
 public:
  /// Spawns the binary with `--listen 127.0.0.1:0` plus `args` and reads the bound address from
  /// its first stdout line. Throws std::runtime_error if it does not start within 10 s.
  explicit emulator_process(const std::vector<std::string>& args);

  /// Stops the process if still running (SIGTERM, then SIGKILL after 5 s). Never throws.
  ~emulator_process();

  emulator_process(const emulator_process&) = delete;
  emulator_process& operator=(const emulator_process&) = delete;

  /// The bound port.
  std::uint16_t port() const noexcept { return port_; }

  /// The first stdout line: `127.0.0.1:PORT`.
  const std::string& first_line() const noexcept { return first_line_; }

  /// Sends `signal` (SIGTERM by default) and waits, SIGKILL after 5 s. Returns the exit status,
  /// or 128+signal when killed by a signal, or -1 when already stopped. Never throws.
  int stop(int signal = 15) noexcept;

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string first_line_;
};

/// Runs the emulator to completion with `args` (no --listen added) and returns its exit status;
/// stdout and stderr are captured into `output`. For option-parsing tests.
int run_emulator_to_exit(const std::vector<std::string>& args, std::string& output);

}  // namespace eightsync::emulator::test
