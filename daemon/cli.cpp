#include "daemon/cli.hpp"

#include <CLI/CLI.hpp>

namespace eightsync::daemon {

int run_cli(int argc, char** argv) {
  CLI::App app{"eightsync: provisions users from an HR export into 8x8 X Series over SCIM 2.0", "eightsync"};
  app.set_version_flag("--version", EIGHTSYNC_VERSION);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace eightsync::daemon
