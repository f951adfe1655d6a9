#include "daemon/cli.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/hr_preview.hpp"

namespace eightsync::daemon {
namespace {

constexpr const char* default_config = "/etc/eightsync/eightsync.yaml";

// Loads the config, or prints every problem found and returns nullopt.
std::optional<config::eightsync_config> load_or_report(const std::filesystem::path& file) {
  try {
    return config::load_config_file(file);
  } catch (const config::config_error& e) {
    for (const auto& msg : e.errors()) std::cerr << msg << '\n';
    std::cerr << "eightsync: " << file.string() << ": " << e.errors().size()
              << (e.errors().size() == 1 ? " problem" : " problems") << "; nothing was done\n";
    return std::nullopt;
  }
}

int check_config(const std::filesystem::path& file) {
  auto cfg = load_or_report(file);
  if (!cfg) return exit_config_invalid;
  std::cout << file.string() << ": OK\n"
            << "  source  " << cfg->source.path.string() << " (key column \"" << cfg->source.key << "\")\n"
            << "  target  " << cfg->target.url << '\n'
            << "  state   " << cfg->state.path.string() << '\n';
  if (cfg->target.token_file) {
    std::cout << "  token   read from file " << cfg->target.token_file->string() << '\n';
  } else if (cfg->target.token_env) {
    std::cout << "  token   read from environment variable " << *cfg->target.token_env << '\n';
  } else {
    std::cout << "  note    no token source: set target.token_file or target.token_env before "
                 "`plan` or `sync` (under systemd, LoadCredential=eightsync-token provides it)\n";
  }
  return exit_ok;
}

int preview(const std::filesystem::path& file, std::size_t limit, bool as_json) {
  auto cfg = load_or_report(file);
  if (!cfg) return exit_config_invalid;
  auto snap = read_and_map(*cfg);
  if (!snap) {
    std::cerr << "eightsync: HR export rejected: " << snap.error().message << '\n'
              << "eightsync: nothing from this export would be used; fix it and run preview again\n";
    return exit_source_rejected;
  }
  if (as_json) {
    print_preview_json(std::cout, *snap, limit);
  } else {
    print_preview_text(std::cout, *snap, limit);
  }
  return exit_ok;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "eightsync provisions users from an HR export (CSV or JSON) into 8x8 X Series over SCIM 2.0\n"
      "and keeps them in sync. It never deletes: leavers are deactivated, and everything SCIM\n"
      "cannot do becomes a manual action for an admin.",
      "eightsync"};
  app.set_version_flag("--version", EIGHTSYNC_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Start here:\n"
      "  eightsync check-config -c /etc/eightsync/eightsync.yaml\n"
      "  eightsync preview -c /etc/eightsync/eightsync.yaml\n"
      "Exit codes: 0 ok, 1 config invalid, 2 HR export rejected, 64 usage error, 70 internal error.\n"
      "Run `eightsync COMMAND --help` for a command's options.");

  std::string config_file = default_config;

  auto* check = app.add_subcommand("check-config", "Validate the config file and report every problem in it");
  check->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  check->footer(
      "Example:\n  eightsync check-config -c /etc/eightsync/eightsync.yaml\n"
      "Exits 0 when the file is valid, 1 otherwise; each problem names the file, line, column and key.");

  std::size_t limit = 20;
  bool as_json = false;
  auto* prev = app.add_subcommand(
      "preview", "Show how the HR export maps to 8x8 users, and every row that is quarantined and why");
  prev->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  prev->add_option("--limit", limit, "How many users to show; 0 shows all")->capture_default_str();
  prev->add_flag("--json", as_json, "Print one JSON document instead of text (for scripts)");
  prev->footer(
      "Example, while editing the mapping:\n  eightsync preview -c eightsync.yaml --limit 5\n"
      "Nothing is sent to 8x8 and no state is written. Exits 0, or 1 on a bad config, or 2 when\n"
      "the HR export is rejected as a whole.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here too, with exit code 0.
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }

  if (check->parsed()) return check_config(config_file);
  if (prev->parsed()) return preview(config_file, limit, as_json);
  return exit_usage;
}

}  // namespace eightsync::daemon
