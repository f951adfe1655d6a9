#pragma once

namespace eightsync::daemon {

/// Parses the command line and runs the chosen subcommand. Returns the process exit code
/// (documented in README.md). Throws only on bugs; main() catches those.
int run_cli(int argc, char** argv);

}  // namespace eightsync::daemon
