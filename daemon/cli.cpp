#include "daemon/cli.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "config/duration.hpp"
#include "daemon/approve_command.hpp"
#include "daemon/audit_command.hpp"
#include "daemon/check_connection_command.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/hr_preview.hpp"
#include "daemon/link_command.hpp"
#include "daemon/manual_actions_command.hpp"
#include "daemon/plan_command.hpp"
#include "daemon/service.hpp"
#include "daemon/status_command.hpp"
#include "daemon/sync_command.hpp"
#include "daemon/terminal_escaping.hpp"

namespace eightsync::daemon {
namespace {

constexpr const char* default_config = "/etc/eightsync/eightsync.yaml";

// Loads the config, or prints every problem found and returns nullopt.
std::optional<config::eightsync_config> load_or_report(const std::filesystem::path& file) {
  try {
    return config::load_config_file(file);
  } catch (const config::config_error& e) {
    for (const auto& msg : e.errors())
      std::cerr << msg << '\n';
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
    // The name is not shown: a token pasted into token_env looks like a name, and this output
    // ends up in tickets and chat.
    const bool set = std::getenv(cfg->target.token_env->c_str()) != nullptr;
    std::cout << "  token   read from the environment variable that target.token_env names ("
              << (set ? "set here" : "not set here: export it before `plan` or `sync`") << ")\n";
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

// A --max-wait option on `cmd`, read into `out`: a duration such as 30s, 15m or 2h.
void add_max_wait(CLI::App& cmd, std::chrono::milliseconds& out) {
  cmd.add_option_function<std::string>(
         "--max-wait", [&out](const std::string& text) { out = *config::parse_duration(text); },
         "The longest wait for 8x8 (a pause it asked for with Retry-After); a longer one exits 11, naming "
         "the wait and its end. The rate limit's own pacing always goes. Default: 1m")
      ->type_name("DURATION")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return config::parse_duration(text) ? std::string()
                                                : "expected a duration such as 30s, 15m or 2h";
          },
          ""));
}

}  // namespace

int run_cli(int argc, char** argv) {
  // Whatever a command prints may quote HR or 8x8 text: no control or bidi character of theirs
  // reaches the terminal raw (JSON output keeps its meaning: the escapes are JSON's).
  const terminal_escaping escaping;
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
      "  eightsync plan -c /etc/eightsync/eightsync.yaml\n"
      "Exit codes: 0 ok, 1 config invalid, 2 HR export rejected, 3 state database unusable,\n"
      "4 state database locked by another eightsync, 5 refused (conflicts with the recorded state),\n"
      "6 no token or 8x8 refused it (401), 7 8x8 could not be read, 11 a pause longer than --max-wait,\n"
      "64 usage error, 70 internal error.\n"
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

  plan_request plan_req;
  auto* plan = app.add_subcommand(
      "plan", "Dry run: read HR and 8x8 and show what a cycle would change now, and why; change nothing");
  plan->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  plan->add_flag(
      "--full", plan_req.full,
      "Read every 8x8 user (a full reconcile), even when per-user reads would cost fewer requests");
  plan->add_flag("--json", plan_req.json, "Print one JSON document instead of text (for scripts)");
  plan->add_flag("-v,--verbose", plan_req.verbose, "Log each request to 8x8 on stderr");
  add_max_wait(*plan, plan_req.max_wait);
  plan->footer(
      "Example, before letting the service write:\n  eightsync plan -c /etc/eightsync/eightsync.yaml\n"
      "Reads the HR export and 8x8 (GET only) and the state database (never writes it), then prints the\n"
      "operations grouped by kind with a reason and before -> after for each user, what is held by a\n"
      "safety limit, conflicts to settle with `eightsync link`, manual actions, and the cost in requests\n"
      "with the time it takes at target.rate_limit. Its reads count against that rate like any other.\n"
      "While 8x8's pause lasts longer than --max-wait:  eightsync plan --max-wait 2h\n"
      "Exits 0; 1 bad config; 2 HR export rejected; 3 state database unusable; 6 no token or 8x8\n"
      "refused it (401); 7 8x8 could not be read (a partial plan is printed, marked PARTIAL); 11 a read\n"
      "would wait longer than --max-wait (the wait and its end are named).");

  auto* checkc =
      app.add_subcommand("check-connection", "Check step by step that eightsync can reach and use 8x8");
  checkc->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  checkc->footer(
      "Example, after putting the URL and the token in place:\n"
      "  sudo -u eightsync eightsync check-connection -c /etc/eightsync/eightsync.yaml\n"
      "Reads the token, then resolves, connects (through target.proxy if set), verifies TLS, sends the\n"
      "token and reads one page of users (a lookup that matches nobody), and says which step failed and\n"
      "what to do about it. Changes nothing. Exits 0; 1 unusable URL, proxy or CA file; 6 no token or\n"
      "401; 7 8x8 could not be reached or read.");

  auto* run = app.add_subcommand("run", "Run as the service: a cycle on schedule, until SIGTERM");
  run->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  run->footer(
      "Normally started by systemd (eightsync.service); by hand, for a test:\n"
      "  sudo -u eightsync eightsync run -c /etc/eightsync/eightsync.yaml\n"
      "Runs a full reconcile at once, then a cycle every schedule.interval (a full one every\n"
      "schedule.full_reconcile), and with schedule.on_source_change soon after the HR export changes.\n"
      "Signals: HUP reloads the config (a bad one is logged and the old one kept), USR1 runs a cycle\n"
      "now, TERM or INT stops after the request in flight. Holds the state database's writer lock:\n"
      "a second `run` (or `sync`) on it exits 4. With metrics.listen (e.g. 127.0.0.1:9464) it serves\n"
      "Prometheus metrics at http://127.0.0.1:9464/metrics. Exits 0 after a clean stop; 1 bad config;\n"
      "3 state database unusable; 4 locked; 6 no token.");

  sync_request sync_req;
  auto* sync = app.add_subcommand(
      "sync", "Run one cycle now: apply the plan to 8x8 and record it in the audit tables");
  sync->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  sync->add_flag("--full", sync_req.full, "Read every 8x8 user (a full reconcile), whatever it costs");
  sync->add_flag("-v,--verbose", sync_req.verbose, "Log each operation and request on stderr");
  add_max_wait(*sync, sync_req.max_wait);
  sync->footer(
      "Example, once `eightsync plan` shows what you expect:\n"
      "  sudo -u eightsync eightsync sync -c /etc/eightsync/eightsync.yaml\n"
      "While 8x8's pause lasts longer than --max-wait:  eightsync sync --max-wait 2h\n"
      "Runs one cycle as the service would: settles writes an earlier run left unfinished (by a lookup,\n"
      "never by resending), reads HR and 8x8, plans, and sends POST, PUT and PATCH through the rate\n"
      "limiter (its budget is kept in the state database, shared with the service). Every write has an\n"
      "audit row. Takes the state database's writer lock: while the service runs it exits 4.\n"
      "Exits 0 ok; 2 HR export rejected; 3 state database unusable; 4 locked; 6 no token or 401;\n"
      "8 partial (some users failed, see the audit rows); 9 held by a safety limit (approve it);\n"
      "10 write_forbidden (403 for several users: another client is primary); 11 a request would wait\n"
      "longer than --max-wait (before the cycle: nothing sent; during it: the cycle stopped there).");

  std::int64_t approve_cycle = 0;
  std::string approve_only = "all";
  auto* approve =
      app.add_subcommand("approve", "Consent to the operations a cycle held back at a safety limit");
  approve->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  approve->add_option("CYCLE", approve_cycle, "The cycle that held them (its number in `sync`'s summary)")
      ->required();
  approve->add_option("--only", approve_only, "Approve only these: deactivations, creates or updates")
      ->check(CLI::IsMember({"all", "deactivations", "creates", "updates"}));
  approve->footer(
      "Example, after a cycle ended `held` (exit 9):\n"
      "  eightsync approve -c /etc/eightsync/eightsync.yaml 42 --only creates\n"
      "Records your consent, with who and when, and lists what it covers. Nothing is sent now: the next\n"
      "cycle applies each approved operation it still plans against fresh 8x8 and HR data. Works while\n"
      "the service runs. Exits 0 when recorded; 5 when the cycle does not exist, held nothing of that\n"
      "kind, or is already approved; 3 when the state database cannot be used.");

  manual_actions_request ma_req;
  auto* manual = app.add_subcommand("manual-actions",
                                    "List what a person must do in 8x8 Admin Console, or mark it done");
  manual->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  manual->add_flag("--json", ma_req.json, "Print one JSON array instead of text (for scripts)");
  manual->add_flag("--all", ma_req.all, "Include resolved actions");
  manual->add_option("--resolve", ma_req.resolve, "Mark these action ids resolved")->expected(1, -1);
  manual->add_option("--resolve-kind", ma_req.resolve_kind,
                     "Mark every open action of this kind resolved (e.g. assign_license)");
  manual->add_option("--note", ma_req.note, "A note kept with the resolution");
  manual->footer(
      "Examples:\n"
      "  eightsync manual-actions -c /etc/eightsync/eightsync.yaml\n"
      "  eightsync manual-actions -c /etc/eightsync/eightsync.yaml --resolve 12 13 --note \"licenses "
      "assigned\"\n"
      "  eightsync manual-actions -c /etc/eightsync/eightsync.yaml --resolve-kind show_in_directory\n"
      "Kinds: assign_license, show_in_directory, reclaim_license_and_number, change_site, change_user_name,\n"
      "admin_deactivated, resolve_conflict, set_by_hand. The same open action is never raised twice.\n"
      "Exits 0; 5 when none of the ids was open; 64 for an unknown kind; 3 when the state database\n"
      "cannot be used.");

  bool status_json = false;
  bool clear_pause = false;
  auto* status = app.add_subcommand("status", "What the last cycle did, and what waits for a person");
  status->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  auto* status_json_flag =
      status->add_flag("--json", status_json, "Print one JSON document instead of text (for scripts)");
  status
      ->add_flag("--clear-pause", clear_pause,
                 "Remove a pause 8x8 asked for (Retry-After) so the next request may go at once; takes the "
                 "writer lock, so stop the service first")
      ->excludes(status_json_flag);
  status->footer(
      "Example, after each cycle:\n  eightsync status -c /etc/eightsync/eightsync.yaml\n"
      "Shows the last cycle (outcome, counts, duration), whether the service holds the writer lock and\n"
      "when its next cycle is due, a pause 8x8 asked for (or any wait for 8x8 over a minute), held\n"
      "operations waiting for `eightsync approve`, open manual actions, quarantined HR rows and users\n"
      "backing off after failures. Reads the state database only.\n"
      "Example, to end a pause early (8x8 is healthy again):\n"
      "  sudo systemctl stop eightsync\n"
      "  sudo -u eightsync eightsync status -c /etc/eightsync/eightsync.yaml --clear-pause\n"
      "  sudo systemctl start eightsync\n"
      "Exits 0, or 3 when the state database cannot be read; with --clear-pause, 4 while the service\n"
      "(or a sync) holds the writer lock.");

  audit_request audit_req;
  auto* audit =
      app.add_subcommand("audit", "Read the audit database: cycles, one cycle, or one user's history");
  audit->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  audit->require_subcommand(1);
  auto* audit_cycles = audit->add_subcommand("cycles", "The newest cycles, newest first");
  audit_cycles->add_option("--limit", audit_req.limit, "How many cycles")->capture_default_str();
  audit_cycles->add_flag("--json", audit_req.json, "One JSON array (for scripts)");
  audit_cycles->add_option("-c,--config", config_file, "The YAML config file");
  auto* audit_show = audit->add_subcommand(
      "show", "One cycle: every operation with before -> after, held and quarantined rows");
  audit_show->add_option("CYCLE", audit_req.cycle, "The cycle number")->required();
  audit_show->add_flag("--json", audit_req.json, "One JSON document (for scripts)");
  audit_show->add_option("-c,--config", config_file, "The YAML config file");
  auto* audit_user = audit->add_subcommand("user", "Every operation on one user, oldest first");
  audit_user->add_option("KEY_OR_USERNAME", audit_req.user, "An HR key, or a userName (any case)")
      ->required();
  audit_user->add_flag("--json", audit_req.json, "One JSON array (for scripts)");
  audit_user->add_option("-c,--config", config_file, "The YAML config file");
  audit->footer(
      "Examples:\n"
      "  eightsync audit -c /etc/eightsync/eightsync.yaml cycles --limit 5\n"
      "  eightsync audit -c /etc/eightsync/eightsync.yaml show 42\n"
      "  eightsync audit -c /etc/eightsync/eightsync.yaml user jose.garcia@example.com\n"
      "Reads the state database only (members of the eightsync group can, while the service runs).\n"
      "Exits 0; 5 for an unknown cycle or user; 3 when the state database cannot be read.");

  link_request link_req;
  auto* link = app.add_subcommand(
      "link", "Tell eightsync which existing 8x8 user an HR key is, or that it needs a new one");
  link->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  link->add_option("KEY", link_req.hr_key, "The HR key (the value in the key column)")->required();
  auto* link_id = link->add_option("ID", link_req.scim_id, "The 8x8 user's SCIM id (its \"id\" attribute)");
  link->add_flag("--create-new", link_req.create_new, "Create a new 8x8 user for KEY instead of matching one")
      ->excludes(link_id);
  link->footer(
      "Examples, for a conflict `eightsync plan` reported:\n"
      "  eightsync link -c /etc/eightsync/eightsync.yaml 00123 2c9f8a7e61b64a0e\n"
      "  eightsync link -c /etc/eightsync/eightsync.yaml 00123 --create-new\n"
      "Records the decision, with who and when, in the state database (state.path). Nothing is sent to\n"
      "8x8 now: the next cycle checks the user against fresh 8x8 data, then manages it (or creates the\n"
      "new one). Run it as the service's user (sudo -u eightsync ...); it works while the service runs.\n"
      "Exits 0 when recorded, 3 when the state database cannot be used, 5 when the ID is already linked\n"
      "to another key (named).");

  std::string unlink_key;
  auto* unlink =
      app.add_subcommand("unlink", "Forget an HR key's link to its 8x8 user, and any decision for it");
  unlink->add_option("-c,--config", config_file, "The YAML config file")->capture_default_str();
  unlink->add_option("KEY", unlink_key, "The HR key (the value in the key column)")->required();
  unlink->footer(
      "Example:\n  eightsync unlink -c /etc/eightsync/eightsync.yaml 00123\n"
      "Removes KEY's link and any `link` decision from the state database and says what it removed.\n"
      "Nothing is sent to 8x8 and the 8x8 user is left as it is. The next cycle matches KEY afresh: a\n"
      "user whose externalId is KEY is adopted again (add it to `protect` to keep eightsync away).\n"
      "It takes the state database's writer lock: while the service runs it exits 4 (a cycle could\n"
      "rewrite the link), so stop the service first. Exits 0 (also when there was nothing to remove),\n"
      "3 when the state database cannot be used, 4 when locked.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here too, with exit code 0.
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }

  if (check->parsed()) return check_config(config_file);
  if (prev->parsed()) return preview(config_file, limit, as_json);
  if (status->parsed() || audit->parsed()) {
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    if (status->parsed() && clear_pause) return run_clear_pause(*cfg, std::cout, std::cerr);
    if (status->parsed()) return run_status(*cfg, status_json, std::cout, std::cerr);
    audit_req.what = audit_show->parsed()   ? audit_request::view::show
                     : audit_user->parsed() ? audit_request::view::user
                                            : audit_request::view::cycles;
    return run_audit(*cfg, audit_req, std::cout, std::cerr);
  }
  if (approve->parsed() || manual->parsed()) {
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    if (manual->parsed()) return run_manual_actions(*cfg, ma_req, std::cout, std::cerr);
    return run_approve(*cfg, approve_cycle, *core::enum_from_name<core::approval_scope>(approve_only),
                       std::cout, std::cerr);
  }
  if (checkc->parsed()) {
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    return run_check_connection(*cfg, std::cout, std::cerr);
  }
  if (run->parsed()) {
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    return run_service(config_file, std::move(*cfg), std::cerr);
  }
  if (sync->parsed()) {
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    return run_sync(*cfg, sync_req, std::cout, std::cerr);
  }
  if (plan->parsed()) {
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    return run_plan(*cfg, plan_req, std::cout, std::cerr);
  }
  if (link->parsed() || unlink->parsed()) {
    if (link->parsed() && !link_req.create_new && link_req.scim_id.empty()) {
      std::cerr << "eightsync link: give the 8x8 user's ID, or --create-new\nRun with --help for more "
                   "information.\n";
      return exit_usage;
    }
    auto cfg = load_or_report(config_file);
    if (!cfg) return exit_config_invalid;
    return link->parsed() ? run_link(*cfg, link_req, std::cout, std::cerr)
                          : run_unlink(*cfg, unlink_key, std::cout, std::cerr);
  }
  return exit_usage;
}

}  // namespace eightsync::daemon
