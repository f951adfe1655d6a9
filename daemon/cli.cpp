#include "daemon/cli.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "config/duration.hpp"
#include "core/effective_date.hpp"
#include "core/target_account.hpp"
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
            << "  account " << core::account_of(cfg->target.url).binding_note() << '\n'
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
  // Dates far from today are worth a warning: a typo in the year, most often.
  auto snap = read_and_map(*cfg, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
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

// `-c, --config FILE`, which every command takes.
void add_config_option(CLI::App& cmd, std::string& file) {
  cmd.add_option("-c,--config", file, "The YAML config file")->capture_default_str();
}

// A duration option `name` on `cmd`, read into `out`: 30s, 15m, 2h or 7d.
CLI::Option* add_duration_option(CLI::App& cmd, const std::string& name, std::chrono::milliseconds& out,
                                 const std::string& help) {
  return cmd
      .add_option_function<std::string>(
          name, [&out](const std::string& text) { out = *config::parse_duration(text); }, help)
      ->type_name("DURATION")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return config::parse_duration(text) ? std::string()
                                                : "expected a duration such as 30s, 15m, 2h or 7d";
          },
          ""));
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

// `--horizon DURATION` on `cmd`, read into `out` in whole seconds.
void add_horizon(CLI::App& cmd, std::optional<std::chrono::seconds>& out) {
  cmd.add_option_function<std::string>(
         "--horizon",
         [&out](const std::string& text) {
           out = std::chrono::ceil<std::chrono::seconds>(*config::parse_duration(text));
         },
         "After the plan, list the lifecycle events (lifecycle:) due this far ahead: windows opening, "
         "starts and ends, with local and UTC times, e.g. 14d")
      ->type_name("DURATION")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return config::parse_duration(text) ? std::string() : "expected a duration such as 14d or 36h";
          },
          ""));
}

// The instant `text` names for --as-of: an ISO 8601 date-time with an offset, or a date
// (midnight UTC); nullopt when it is neither.
std::optional<std::chrono::sys_seconds> as_of_instant(const std::string& text) {
  const core::date_read_options formats{{core::date_format::iso_date_time, core::date_format::iso_date}, {}};
  const auto read = core::read_date(text, formats);
  if (!read || !*read) return std::nullopt;
  if ((*read)->instant) return (*read)->instant;
  return std::chrono::sys_seconds{date::sys_days{(*read)->day}};
}

// `--as-of INSTANT` on `cmd`, read into `out`.
void add_as_of(CLI::App& cmd, std::string& out) {
  cmd.add_option(
         "--as-of", out,
         "For tests and dry runs: evaluate start and end dates (lifecycle:) as if it were INSTANT, "
         "e.g. 2025-03-01T09:00:00Z or 2025-03-01. Nothing else moves: the rate limit, audit times and "
         "snapshot ages keep the real clock")
      ->type_name("INSTANT")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return as_of_instant(text)
                       ? std::string()
                       : "expected an instant such as 2025-03-01T09:00:00Z or a date such as 2025-03-01";
          },
          ""));
}

// Applies --as-of (`text`, empty when not given) for `command`. Refused under systemd and in
// `run` unless EIGHTSYNC_ALLOW_AS_OF=1: a service acting on a made-up date would deactivate or
// activate real people. Returns the exit code of a refusal.
std::optional<int> apply_as_of(const std::string& text, std::string_view command, std::ostream& err) {
  if (text.empty()) return std::nullopt;
  const char* allow = std::getenv("EIGHTSYNC_ALLOW_AS_OF");
  const bool allowed = allow != nullptr && std::string_view(allow) == "1";
  if (!allowed && (std::getenv("INVOCATION_ID") != nullptr || command == "run")) {
    err << "eightsync " << command << ": --as-of is for tests and dry runs and is refused "
        << (command == "run" ? "in `run`" : "under systemd (INVOCATION_ID is set)")
        << ": it would act on real people at a made-up date. Set EIGHTSYNC_ALLOW_AS_OF=1 to allow it "
           "on a test system.\n";
    return exit_usage;
  }
  set_lifecycle_offset(*as_of_instant(text) - std::chrono::system_clock::now());
  err << "eightsync " << command << ": start and end dates are evaluated as of "
      << core::format_utc(*as_of_instant(text)) << " (--as-of); everything else uses the real clock.\n";
  return std::nullopt;
}

// Every command's options, as CLI11 fills them.
struct cli_options {
  std::string config_file = default_config;
  std::size_t preview_limit = 20;
  bool preview_json = false;
  plan_request plan;
  sync_request sync;
  std::int64_t approve_cycle = 0;
  std::string approve_only = "all";
  bool approve_upcoming = false;
  std::chrono::milliseconds approve_horizon = default_approve_horizon;
  manual_actions_request manual;
  bool status_json = false;
  bool clear_pause = false;
  audit_request audit;
  link_request link;
  std::string unlink_key;
  std::string as_of;  ///< --as-of of plan, sync and run
};

// The subcommands, to ask which one was parsed.
struct cli_commands {
  CLI::App* check_config = nullptr;
  CLI::App* preview = nullptr;
  CLI::App* plan = nullptr;
  CLI::App* check_connection = nullptr;
  CLI::App* run = nullptr;
  CLI::App* sync = nullptr;
  CLI::App* approve = nullptr;
  CLI::App* manual_actions = nullptr;
  CLI::App* status = nullptr;
  CLI::App* audit = nullptr;
  CLI::App* audit_cycles = nullptr;
  CLI::App* audit_show = nullptr;
  CLI::App* audit_user = nullptr;
  CLI::App* link = nullptr;
  CLI::App* unlink = nullptr;
};

// `eightsync check-config`: its options and --help.
void add_check_config(CLI::App& app, cli_options& o, cli_commands& c) {
  c.check_config =
      app.add_subcommand("check-config", "Validate the config file and report every problem in it");
  add_config_option(*c.check_config, o.config_file);
  c.check_config->footer(
      "Example:\n  eightsync check-config -c /etc/eightsync/eightsync.yaml\n"
      "Exits 0 when the file is valid, 1 otherwise; each problem names the file, line, column and key.");
}

// `eightsync preview`: its options and --help.
void add_preview(CLI::App& app, cli_options& o, cli_commands& c) {
  c.preview = app.add_subcommand(
      "preview", "Show how the HR export maps to 8x8 users, and every row that is quarantined and why");
  add_config_option(*c.preview, o.config_file);
  c.preview->add_option("--limit", o.preview_limit, "How many users to show; 0 shows all")
      ->capture_default_str();
  c.preview->add_flag("--json", o.preview_json, "Print one JSON document instead of text (for scripts)");
  c.preview->footer(
      "Example, while editing the mapping:\n  eightsync preview -c eightsync.yaml --limit 5\n"
      "Nothing is sent to 8x8 and no state is written. Exits 0, or 1 on a bad config, or 2 when\n"
      "the HR export is rejected as a whole.");
}

// `eightsync plan`: its options and --help.
void add_plan(CLI::App& app, cli_options& o, cli_commands& c) {
  c.plan = app.add_subcommand(
      "plan", "Dry run: read HR and 8x8 and show what a cycle would change now, and why; change nothing");
  add_config_option(*c.plan, o.config_file);
  c.plan->add_flag(
      "--full", o.plan.full,
      "Read every 8x8 user (a full reconcile), even when per-user reads would cost fewer requests");
  c.plan->add_flag("--json", o.plan.json, "Print one JSON document instead of text (for scripts)");
  c.plan->add_flag("-v,--verbose", o.plan.verbose, "Log each request to 8x8 on stderr");
  add_max_wait(*c.plan, o.plan.max_wait);
  add_as_of(*c.plan, o.as_of);
  add_horizon(*c.plan, o.plan.horizon);
  c.plan->footer(
      "Example, before letting the service write:\n  eightsync plan -c /etc/eightsync/eightsync.yaml\n"
      "Reads the HR export and 8x8 (GET only) and the state database (never writes it), then prints the\n"
      "operations grouped by kind with a reason and before -> after for each user, what is held by a\n"
      "safety limit, conflicts to settle with `eightsync link`, manual actions, and the cost in requests\n"
      "with the time it takes at target.rate_limit. Its reads count against that rate like any other.\n"
      "While 8x8's pause lasts longer than --max-wait:  eightsync plan --max-wait 2h\n"
      "Who starts or leaves in the next two weeks:  eightsync plan --horizon 14d\n"
      "Exits 0; 1 bad config; 2 HR export rejected; 3 state database unusable; 6 no token or 8x8\n"
      "refused it (401); 7 8x8 could not be read (a partial plan is printed, marked PARTIAL); 11 a read\n"
      "would wait longer than --max-wait (the wait and its end are named).");
}

// `eightsync check-connection`: its options and --help.
void add_check_connection(CLI::App& app, cli_options& o, cli_commands& c) {
  c.check_connection =
      app.add_subcommand("check-connection", "Check step by step that eightsync can reach and use 8x8");
  add_config_option(*c.check_connection, o.config_file);
  c.check_connection->footer(
      "Example, after putting the URL and the token in place:\n"
      "  sudo -u eightsync eightsync check-connection -c /etc/eightsync/eightsync.yaml\n"
      "Reads the token, then resolves, connects (through target.proxy if set), verifies TLS, sends the\n"
      "token and reads users (a lookup that matches nobody, then one page), and says which step failed\n"
      "and what to do about it. Also prints the 8x8 customer id the state database belongs to, which\n"
      "site extension URN the account's users carry and new sites go under, and whether 8x8 shows users\n"
      "eightsync did not create (\"All users\") against target.visibility. Changes nothing. Exits 0; 1\n"
      "unusable URL, proxy or CA file; 6 no token or 401; 7 8x8 could not be reached or read.");
}

// `eightsync run`: its options and --help.
void add_run(CLI::App& app, cli_options& o, cli_commands& c) {
  c.run = app.add_subcommand("run", "Run as the service: a cycle on schedule, until SIGTERM");
  add_config_option(*c.run, o.config_file);
  add_as_of(*c.run, o.as_of);
  c.run->footer(
      "Normally started by systemd (eightsync.service); by hand, for a test:\n"
      "  sudo -u eightsync eightsync run -c /etc/eightsync/eightsync.yaml\n"
      "Runs a full reconcile at once, then a cycle every schedule.interval (a full one every\n"
      "schedule.full_reconcile), and with schedule.on_source_change soon after the HR export changes.\n"
      "Signals: HUP reloads the config (a bad one is logged and the old one kept), USR1 runs a cycle\n"
      "now, TERM or INT stops after the request in flight. Holds the state database's writer lock:\n"
      "a second `run` (or `sync`) on it exits 4. With metrics.listen (e.g. 127.0.0.1:9464) it serves\n"
      "Prometheus metrics at http://127.0.0.1:9464/metrics. Exits 0 after a clean stop; 1 bad config;\n"
      "3 state database unusable; 4 locked; 6 no token.");
}

// `eightsync sync`: its options and --help.
void add_sync(CLI::App& app, cli_options& o, cli_commands& c) {
  c.sync = app.add_subcommand("sync",
                              "Run one cycle now: apply the plan to 8x8 and record it in the audit tables");
  add_config_option(*c.sync, o.config_file);
  c.sync->add_flag("--full", o.sync.full, "Read every 8x8 user (a full reconcile), whatever it costs");
  c.sync->add_flag("-v,--verbose", o.sync.verbose, "Log each operation and request on stderr");
  add_max_wait(*c.sync, o.sync.max_wait);
  add_as_of(*c.sync, o.as_of);
  c.sync->footer(
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
}

// `eightsync approve`: its options and --help.
void add_approve(CLI::App& app, cli_options& o, cli_commands& c) {
  c.approve = app.add_subcommand("approve", "Consent to the operations a cycle held back at a safety limit");
  add_config_option(*c.approve, o.config_file);
  auto* cycle = c.approve->add_option("CYCLE", o.approve_cycle,
                                      "The cycle that held them (its number in `sync`'s summary)");
  c.approve->add_option("--only", o.approve_only, "Approve only these: deactivations, creates or updates")
      ->check(CLI::IsMember({"all", "deactivations", "creates", "updates"}));
  auto* upcoming = c.approve->add_flag(
      "--upcoming", o.approve_upcoming,
      "Instead of a held cycle: approve ahead the operations start and end dates (lifecycle:) make due "
      "within --horizon, such as an end-of-month batch of terminations");
  add_duration_option(*c.approve, "--horizon", o.approve_horizon,
                      "With --upcoming: how far ahead to approve. Default: 7d")
      ->needs(upcoming);
  cycle->excludes(upcoming);
  add_as_of(*c.approve, o.as_of);
  c.approve->footer(
      "Example, after a cycle ended `held` (exit 9):\n"
      "  eightsync approve -c /etc/eightsync/eightsync.yaml 42 --only creates\n"
      "Records your consent, with who and when, and lists what it covers. Nothing is sent now: the next\n"
      "cycle applies each approved operation it still plans against fresh 8x8 and HR data. Works while\n"
      "the service runs. Exits 0 when recorded; 5 when the cycle does not exist, held nothing of that\n"
      "kind, or is already approved; 3 when the state database cannot be used.\n"
      "Before a batch of start or end dates:  eightsync approve --upcoming --horizon 14d\n"
      "lists and approves each date-driven operation due in that span (read from the HR export and\n"
      "state.db); when its instant comes, a safety limit neither counts nor holds it. Exits 5 when\n"
      "there is no lifecycle: block or nothing is due, 2 when the HR export is rejected.");
}

// `eightsync manual-actions`: its options and --help.
void add_manual_actions(CLI::App& app, cli_options& o, cli_commands& c) {
  c.manual_actions = app.add_subcommand("manual-actions",
                                        "List what a person must do in 8x8 Admin Console, or mark it done");
  add_config_option(*c.manual_actions, o.config_file);
  c.manual_actions->add_flag("--json", o.manual.json, "Print one JSON array instead of text (for scripts)");
  c.manual_actions->add_flag("--all", o.manual.all, "Include resolved actions");
  c.manual_actions->add_option("--resolve", o.manual.resolve, "Mark these action ids resolved")
      ->expected(1, -1);
  c.manual_actions->add_option("--resolve-kind", o.manual.resolve_kind,
                               "Mark every open action of this kind resolved (e.g. assign_license)");
  c.manual_actions->add_option("--note", o.manual.note, "A note kept with the resolution");
  c.manual_actions->footer(
      "Examples:\n"
      "  eightsync manual-actions -c /etc/eightsync/eightsync.yaml\n"
      "  eightsync manual-actions -c /etc/eightsync/eightsync.yaml --resolve 12 13 --note \"licenses "
      "assigned\"\n"
      "  eightsync manual-actions -c /etc/eightsync/eightsync.yaml --resolve-kind show_in_directory\n"
      "Kinds: assign_license, show_in_directory, reclaim_license_and_number, change_site, change_user_name,\n"
      "admin_deactivated, resolve_conflict, set_by_hand. The same open action is never raised twice.\n"
      "Exits 0; 5 when none of the ids was open; 64 for an unknown kind; 3 when the state database\n"
      "cannot be used.");
}

// `eightsync status`: its options and --help.
void add_status(CLI::App& app, cli_options& o, cli_commands& c) {
  c.status = app.add_subcommand("status", "What the last cycle did, and what waits for a person");
  add_config_option(*c.status, o.config_file);
  auto* status_json_flag =
      c.status->add_flag("--json", o.status_json, "Print one JSON document instead of text (for scripts)");
  c.status
      ->add_flag("--clear-pause", o.clear_pause,
                 "Remove a pause 8x8 asked for (Retry-After) so the next request may go at once; takes the "
                 "writer lock, so stop the service first")
      ->excludes(status_json_flag);
  c.status->footer(
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
}

// `eightsync audit`: its options and --help.
void add_audit(CLI::App& app, cli_options& o, cli_commands& c) {
  c.audit = app.add_subcommand("audit", "Read the audit database: cycles, one cycle, or one user's history");
  add_config_option(*c.audit, o.config_file);
  c.audit->require_subcommand(1);
  c.audit_cycles = c.audit->add_subcommand("cycles", "The newest cycles, newest first");
  c.audit_cycles->add_option("--limit", o.audit.limit, "How many cycles")->capture_default_str();
  c.audit_cycles->add_flag("--json", o.audit.json, "One JSON array (for scripts)");
  c.audit_cycles->add_option("-c,--config", o.config_file, "The YAML config file");
  c.audit_show = c.audit->add_subcommand(
      "show", "One cycle: every operation with before -> after, held and quarantined rows");
  c.audit_show->add_option("CYCLE", o.audit.cycle, "The cycle number")->required();
  c.audit_show->add_flag("--json", o.audit.json, "One JSON document (for scripts)");
  c.audit_show->add_option("-c,--config", o.config_file, "The YAML config file");
  c.audit_user = c.audit->add_subcommand("user", "Every operation on one user, oldest first");
  c.audit_user->add_option("KEY_OR_USERNAME", o.audit.user, "An HR key, or a userName (any case)")
      ->required();
  c.audit_user->add_flag("--json", o.audit.json, "One JSON array (for scripts)");
  c.audit_user->add_option("-c,--config", o.config_file, "The YAML config file");
  c.audit->footer(
      "Examples:\n"
      "  eightsync audit -c /etc/eightsync/eightsync.yaml cycles --limit 5\n"
      "  eightsync audit -c /etc/eightsync/eightsync.yaml show 42\n"
      "  eightsync audit -c /etc/eightsync/eightsync.yaml user jose.garcia@example.com\n"
      "Reads the state database only (members of the eightsync group can, while the service runs).\n"
      "Exits 0; 5 for an unknown cycle or user; 3 when the state database cannot be read.");
}

// `eightsync link`: its options and --help.
void add_link(CLI::App& app, cli_options& o, cli_commands& c) {
  c.link = app.add_subcommand(
      "link", "Tell eightsync which existing 8x8 user an HR key is, or that it needs a new one");
  add_config_option(*c.link, o.config_file);
  c.link->add_option("KEY", o.link.hr_key, "The HR key (the value in the key column)")->required();
  auto* link_id = c.link->add_option("ID", o.link.scim_id, "The 8x8 user's SCIM id (its \"id\" attribute)");
  c.link->add_flag("--create-new", o.link.create_new, "Create a new 8x8 user for KEY instead of matching one")
      ->excludes(link_id);
  c.link->footer(
      "Examples, for a conflict `eightsync plan` reported:\n"
      "  eightsync link -c /etc/eightsync/eightsync.yaml 00123 2c9f8a7e61b64a0e\n"
      "  eightsync link -c /etc/eightsync/eightsync.yaml 00123 --create-new\n"
      "Records the decision, with who and when, in the state database (state.path). Nothing is sent to\n"
      "8x8 now: the next cycle checks the user against fresh 8x8 data, then manages it (or creates the\n"
      "new one). Run it as the service's user (sudo -u eightsync ...); it works while the service runs.\n"
      "Exits 0 when recorded, 3 when the state database cannot be used, 5 when the ID is already linked\n"
      "to another key (named).");
}

// `eightsync unlink`: its options and --help.
void add_unlink(CLI::App& app, cli_options& o, cli_commands& c) {
  c.unlink = app.add_subcommand("unlink", "Forget an HR key's link to its 8x8 user, and any decision for it");
  add_config_option(*c.unlink, o.config_file);
  c.unlink->add_option("KEY", o.unlink_key, "The HR key (the value in the key column)")->required();
  c.unlink->footer(
      "Example:\n  eightsync unlink -c /etc/eightsync/eightsync.yaml 00123\n"
      "Removes KEY's link and any `link` decision from the state database and says what it removed.\n"
      "Nothing is sent to 8x8 and the 8x8 user is left as it is. The next cycle matches KEY afresh: a\n"
      "user whose externalId is KEY is adopted again (add it to `protect` to keep eightsync away).\n"
      "It takes the state database's writer lock: while the service runs it exits 4 (a cycle could\n"
      "rewrite the link), so stop the service first. Exits 0 (also when there was nothing to remove),\n"
      "3 when the state database cannot be used, 4 when locked.");
}

// Runs the command that was parsed.
int dispatch(const cli_commands& c, cli_options& o) {
  if (c.check_config->parsed()) return check_config(o.config_file);
  if (c.preview->parsed()) return preview(o.config_file, o.preview_limit, o.preview_json);
  if (c.status->parsed() || c.audit->parsed()) {
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    if (c.status->parsed() && o.clear_pause) return run_clear_pause(*cfg, std::cout, std::cerr);
    if (c.status->parsed()) return run_status(*cfg, o.status_json, std::cout, std::cerr);
    o.audit.what = c.audit_show->parsed()   ? audit_request::view::show
                   : c.audit_user->parsed() ? audit_request::view::user
                                            : audit_request::view::cycles;
    return run_audit(*cfg, o.audit, std::cout, std::cerr);
  }
  if (c.approve->parsed() || c.manual_actions->parsed()) {
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    if (c.manual_actions->parsed()) return run_manual_actions(*cfg, o.manual, std::cout, std::cerr);
    if (o.approve_upcoming) {
      if (const auto refused = apply_as_of(o.as_of, "approve", std::cerr)) return *refused;
      return run_approve_upcoming(*cfg, o.approve_horizon, std::cout, std::cerr);
    }
    if (o.approve_cycle == 0) {
      std::cerr
          << "eightsync approve: give the CYCLE whose held operations you approve, or --upcoming\nRun with "
             "--help for more information.\n";
      return exit_usage;
    }
    return run_approve(*cfg, o.approve_cycle, *core::enum_from_name<core::approval_scope>(o.approve_only),
                       std::cout, std::cerr);
  }
  if (c.check_connection->parsed()) {
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    return run_check_connection(*cfg, std::cout, std::cerr);
  }
  if (c.run->parsed()) {
    if (const auto refused = apply_as_of(o.as_of, "run", std::cerr)) return *refused;
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    return run_service(o.config_file, std::move(*cfg), std::cerr);
  }
  if (c.sync->parsed()) {
    if (const auto refused = apply_as_of(o.as_of, "sync", std::cerr)) return *refused;
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    return run_sync(*cfg, o.sync, std::cout, std::cerr);
  }
  if (c.plan->parsed()) {
    if (const auto refused = apply_as_of(o.as_of, "plan", std::cerr)) return *refused;
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    return run_plan(*cfg, o.plan, std::cout, std::cerr);
  }
  if (c.link->parsed() || c.unlink->parsed()) {
    if (c.link->parsed() && !o.link.create_new && o.link.scim_id.empty()) {
      std::cerr << "eightsync link: give the 8x8 user's ID, or --create-new\nRun with --help for more "
                   "information.\n";
      return exit_usage;
    }
    auto cfg = load_or_report(o.config_file);
    if (!cfg) return exit_config_invalid;
    return c.link->parsed() ? run_link(*cfg, o.link, std::cout, std::cerr)
                            : run_unlink(*cfg, o.unlink_key, std::cout, std::cerr);
  }
  return exit_usage;
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

  cli_options o;
  cli_commands c;
  add_check_config(app, o, c);
  add_preview(app, o, c);
  add_plan(app, o, c);
  add_check_connection(app, o, c);
  add_run(app, o, c);
  add_sync(app, o, c);
  add_approve(app, o, c);
  add_manual_actions(app, o, c);
  add_status(app, o, c);
  add_audit(app, o, c);
  add_link(app, o, c);
  add_unlink(app, o, c);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here too, with exit code 0.
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }

  return dispatch(c, o);
}

}  // namespace eightsync::daemon
