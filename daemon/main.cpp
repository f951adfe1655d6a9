// eightsync: provisions users from an HR export into 8x8 X Series over SCIM 2.0.
// The whole program lives in eightsync::daemon so tests link the same code; this stays thin.
#include <csignal>
#include <exception>
#include <iostream>

#include "daemon/allocator_tuning.hpp"
#include "daemon/cli.hpp"
#include "daemon/process_hardening.hpp"
#include "daemon/redacting_sink.hpp"
#include "daemon/redacting_streambuf.hpp"

int main(int argc, char** argv) {
  // First of all: no core file and no ptrace may ever show the token (invariant 9).
  eightsync::daemon::forbid_core_dumps();
  // Under a file size limit (ulimit -f, LimitFSIZE=) a write past it must fail like a full disk
  // (SQLite reports it; the cycle ends with a message, nothing lost), not kill the process
  // silently with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  eightsync::daemon::keep_heap_between_cycles();
  eightsync::daemon::register_environment_secrets();
  // Every message on stdout and stderr, the catch-all's below included, is redacted by value.
  const eightsync::daemon::redacted_standard_streams redacted;
  try {
    eightsync::daemon::redact_default_logger();
    return eightsync::daemon::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "eightsync: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "eightsync: internal error of unknown type\n";
  }
  return 70;  // EX_SOFTWARE
}
