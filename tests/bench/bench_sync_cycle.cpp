// Full sync cycles for 100,000 users: the real `eightsync sync --full` binary against a real
// eightsync-emulator on 127.0.0.1, rate limit off, pages of 1,000.
//
// Setup (not measured): a generated 100,000-row HR export in the shipped example's shape, the
// emulator seeded with the matching 100,000 users (externalId = HR key, so the first sync adopts
// them), and one `eightsync sync` that links everyone. Then, each measured as a child process:
//   no_change_full_cycle    the same export again: nothing to write
//   one_percent_changed     1,000 rows with a new title: 1,000 PUTs
//   no_change_after_writes  that export again: nothing to write, nothing to rewrite
// Counters: the child's CPU (user+sys, from wait4), wall time, peak RSS (ru_maxrss), the SCIM
// requests the emulator logged and cycles.requests_sent against the minimum
// (ceil(users / page size), plus the writes), and the user_links rows whose updated_at changed.
// Targets for the no-change cycle: <= 2 s CPU, <= 250 MB peak RSS, 0 rows rewritten, requests =
// the minimum. The state database lives in $TMPDIR (set TMPDIR=/dev/shm to keep the 100,000
// adoption commits of the setup from waiting on fsync).
//
// EIGHTSYNC_BENCH_WRAP="perf record -g -o FILE --" runs the measured cycles under a profiler.
// Binaries: $EIGHTSYNC_BIN and $EIGHTSYNC_EMULATOR, else EIGHTSYNC_BIN / EIGHTSYNC_EMULATOR_BIN
// when the build defines them, else the ones this build tree made (daemon/eightsync and
// tests/emulator/eightsync-emulator, found from this binary's path). Build them first:
//   cmake --build build --target eightsync eightsync-emulator bench_sync_cycle
// Run: ./build/tests/bench/bench_sync_cycle
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "bench_emulator.hpp"
#include "connectors/http_connection.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace json = boost::json;
using namespace eightsync;

constexpr std::size_t user_count = 100'000;
constexpr std::size_t page_size = 1'000;
constexpr std::size_t changed_every = 100;  // 1% of the rows get a new title
constexpr const char* token = "bench-token-3c9a";

// ---- the HR export and the matching 8x8 users ------------------------------------------------

// One generated HR row, values as the mapping reads them (bench_parse_map's shape, minus the
// leavers: every row is in scope and active, so the seeded users match it exactly).
struct hr_row {
  char id[16];
  const char* first;
  const char* last;
  const char* preferred;
  const char* title;
  bool title_quoted;
  const char* department;
  bool london;
  const char* status;
};

hr_row row_of(std::size_t i, bool changed) {
  static const char* first[] = {"Margaret", "Zoë", "José", "Łukasz", "Søren", "Aisha", "Wei", "Priya"};
  static const char* last[] = {"Whitfield", "García", "Kowalski", "Jørgensen", "Okafor", "Chen", "Müller"};
  static const char* titles[] = {"Engineer", "Director, Sales", "Account Executive", "Manager, IT"};
  static const char* depts[] = {"Engineering", "Sales", "Finance", "IT"};
  static const char* statuses[] = {"Active", "Active", "Active", "On Leave", "Active", "Active"};
  hr_row r{};
  std::snprintf(r.id, sizeof r.id, "%06zu", i + 1);
  r.first = first[i % 8];
  r.last = last[(i / 8) % 7];
  r.preferred = i % 5 == 0 ? "Sam" : "";
  const bool moved = changed && i % changed_every == 0;
  r.title = moved ? "Principal Engineer, Platform" : titles[i % 4];
  r.title_quoted = moved || i % 2 == 1;
  r.department = depts[i % 4];
  r.london = i % 2 == 0;
  r.status = statuses[i % 6];
  return r;
}

void write_export(const fs::path& file, bool changed) {
  std::ofstream out(file, std::ios::binary);
  out << "employee_id,first_name,last_name,preferred_name,email,title,department,office,employment_type,"
         "status,mobile,manager_id,start_date\n";
  for (std::size_t i = 0; i < user_count; ++i) {
    const auto r = row_of(i, changed);
    out << r.id << ',' << r.first << ',' << r.last << ',' << r.preferred << ",user" << r.id << "@example.com,"
        << (r.title_quoted ? "\"" : "") << r.title << (r.title_quoted ? "\"" : "") << ',' << r.department
        << ',' << (r.london ? "London" : "Austin") << ",Employee," << r.status << ",+44 7700 9" << r.id << ','
        << (i > 0 ? "000001" : "") << ",2019-01-14\n";
  }
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// The 8x8 user the example mapping makes of row i, as seed JSON (built as text: a 100,000-user
// JSON DOM would dominate this process's RSS, and with it the child's ru_maxrss at spawn).
void append_user(std::string& body, std::size_t i) {
  const auto r = row_of(i, false);
  char buf[1024];
  std::snprintf(
      buf, sizeof buf,
      R"({"userName":"user%s@example.com","externalId":"%s","name":{"givenName":"%s","familyName":"%s"},)"
      R"("title":"%s","locale":"%s","timezone":"%s","active":true,)"
      R"("emails":[{"value":"user%s@example.com","type":"work","primary":true}],)"
      R"("phoneNumbers":[{"value":"+44 7700 9%s","type":"mobile"}],)"
      R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"%s"},)"
      R"("urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"%s"}})",
      r.id, r.id, *r.preferred ? r.preferred : r.first, r.last, r.title, r.london ? "en-GB" : "en-US",
      r.london ? "Europe/London" : "America/Chicago", r.id, r.id, r.department,
      r.london ? "London HQ" : "Austin");
  body += buf;
}

// ---- child processes -------------------------------------------------------------------------

pid_t spawn(std::vector<std::string> args, posix_spawn_file_actions_t* fa) {
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], fa, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

struct child_run {
  int exit_code = -1;
  double user_s = 0;
  double sys_s = 0;
  double wall_s = 0;
  double peak_rss_mb = 0;
};

// ---- the environment shared by the benchmarks ------------------------------------------------

class environment {
 public:
  environment() {
    dir_ = fs::temp_directory_path() / ("eightsync-bench-sync-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    csv_ = dir_ / "hr.csv";
    db_ = dir_ / "state.db";
    setenv("EIGHTSYNC_BENCH_TOKEN", token, 1);
    write_export(csv_, false);
    emu_ = std::make_unique<eightsync::bench::bench_emulator>(
        eightsync::bench::binary("EIGHTSYNC_EMULATOR", eightsync::bench::emulator_bin,
                                 "tests/emulator/eightsync-emulator"),
        token, page_size);
    http_ = std::make_unique<connectors::http_connection>(ioc_.get_executor(), admin_options(),
                                                          spdlog::default_logger());
    write_config();
    seed();
    const auto t0 = std::chrono::steady_clock::now();
    const auto first = run_sync(false);
    const double link_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (first.exit_code != 0) throw std::runtime_error("the linking sync failed: " + last_output());
    const auto links = query_int("SELECT count(*) FROM user_links");
    if (links != static_cast<std::int64_t>(user_count))
      throw std::runtime_error("the linking sync linked " + std::to_string(links) + " users");
    std::fprintf(stderr, "setup: %zu users linked in %.1f s (cpu %.1f s, peak RSS %.0f MB) in %s\n",
                 user_count, link_s, first.user_s + first.sys_s, first.peak_rss_mb, dir_.c_str());
  }
  ~environment() {
    http_.reset();
    emu_.reset();
    if (!std::getenv("EIGHTSYNC_KEEP_WORK")) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
  environment(const environment&) = delete;
  environment& operator=(const environment&) = delete;

  void write_export_file(bool changed) { write_export(csv_, changed); }
  const eightsync::bench::bench_emulator& emu() const { return *emu_; }

  // `eightsync sync [--full]` as a child; its CPU and peak RSS from wait4.
  child_run run_sync(bool full) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const auto out = (dir_ / "sync.out").string();
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    std::vector<std::string> args{
        eightsync::bench::binary("EIGHTSYNC_BIN", eightsync::bench::eightsync_bin, "daemon/eightsync"),
        "sync", "-c", (dir_ / "eightsync.yaml").string()};
    if (full) args.emplace_back("--full");
    // For profiling, e.g. EIGHTSYNC_BENCH_WRAP="perf record -g -o /tmp/sync.perf --" (the counters
    // then include the wrapper).
    if (const char* wrap = std::getenv("EIGHTSYNC_BENCH_WRAP"); wrap && *wrap && full) {
      std::istringstream words(wrap);
      std::vector<std::string> wrapped{std::istream_iterator<std::string>(words), {}};
      wrapped.insert(wrapped.end(), args.begin(), args.end());
      args = std::move(wrapped);
    }
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = -1;
    try {
      pid = spawn(args, &fa);
    } catch (...) {
      posix_spawn_file_actions_destroy(&fa);
      throw;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) != pid) throw std::runtime_error("wait4 failed");
    child_run r;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.user_s = seconds(ru.ru_utime);
    r.sys_s = seconds(ru.ru_stime);
    r.peak_rss_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
    return r;
  }

  std::string last_output() const {
    std::ifstream in(dir_ / "sync.out");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  // Clears the emulator's request log.
  void clear_log() { admin("DELETE", "/_emulator/log", {}, 204); }

  // SCIM requests the emulator logged since clear_log(), and how many changed the store.
  std::pair<std::size_t, std::size_t> logged_requests() {
    const auto body = admin("GET", "/_emulator/log", {}, 200);
    const auto v = json::parse(body);
    std::size_t applied = 0;
    for (const auto& e : v.as_array())
      if (const auto* a = e.as_object().if_contains("applied"); a && a->is_bool() && a->as_bool()) ++applied;
    return {v.as_array().size(), applied};
  }

  // Remembers each link's updated_at, in a side database (the state database's connection may not
  // create files, and this process stays small).
  void snapshot_links() {
    SQLite::Database db((dir_ / "snap.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("ATTACH DATABASE '" + db_.string() + "' AS st");
    db.exec("DROP TABLE IF EXISTS main.links");
    db.exec("CREATE TABLE main.links AS SELECT hr_key, updated_at FROM st.user_links");
  }

  // user_links rows whose updated_at differs from the snapshot (or that are new).
  std::int64_t links_rewritten() {
    SQLite::Database db((dir_ / "snap.db").string(), SQLite::OPEN_READONLY);
    db.exec("ATTACH DATABASE '" + db_.string() + "' AS st");
    return db
        .execAndGet(
            "SELECT count(*) FROM st.user_links u LEFT JOIN main.links s USING (hr_key) "
            "WHERE s.updated_at IS NOT u.updated_at")
        .getInt64();
  }

  std::int64_t query_int(const std::string& sql) {
    SQLite::Database db(db_.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }

 private:
  connectors::http_connection_options admin_options() const {
    connectors::http_connection_options o;
    o.host = "127.0.0.1";
    o.port = emu_->port();
    o.tls = false;
    return o;
  }

  std::string admin(const char* method, const char* target, std::string body, unsigned want) {
    std::optional<connectors::http_exchange> out;
    std::exception_ptr error;
    net::co_spawn(ioc_, http_->send(method, target, std::move(body)), [&](std::exception_ptr e, auto v) {
      error = e;
      if (!e) out = std::move(v);
    });
    ioc_.restart();
    ioc_.run();
    if (error) std::rethrow_exception(error);
    if (out->status != want)
      throw std::runtime_error(std::string(method) + " " + target + ": " + std::to_string(out->status) + " " +
                               out->error_text);
    return std::move(out->body);
  }

  void seed() {
    for (std::size_t start = 0; start < user_count; start += 10'000) {
      std::string body = "[";
      for (std::size_t i = start; i < start + 10'000 && i < user_count; ++i) {
        if (i != start) body += ',';
        append_user(body, i);
      }
      body += "]";
      admin("POST", "/_emulator/users", std::move(body), 201);
    }
  }

  // The shipped example, pointed at this emulator, export and database, rate limit off.
  void write_config() {
    std::ifstream in(fs::path(EIGHTSYNC_SOURCE_DIR) / "config/eightsync.example.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto replace = [&](const std::string& from, const std::string& to) {
      const auto at = text.find(from);
      if (at == std::string::npos) throw std::runtime_error("the example config has no \"" + from + "\"");
      text.replace(at, from.size(), to);
    };
    replace("path: examples/hr.csv", "path: " + csv_.string());
    replace("url: http://127.0.0.1:8443/scim/v2",
            "url: http://127.0.0.1:" + std::to_string(emu_->port()) + "/scim/v2");
    replace("token_env: EIGHTSYNC_TOKEN", "token_env: EIGHTSYNC_BENCH_TOKEN");
    replace("page_size: 100", "page_size: " + std::to_string(page_size));
    replace("requests: 10\n", "requests: 1000000\n");
    replace("per: 60s", "per: 1s");
    replace("max_updates: 500", "max_updates: 1000000");
    replace("max_adoptions: 50", "max_adoptions: 1000000");
    replace("path: /var/lib/eightsync/state.db", "path: " + db_.string());
    std::ofstream(dir_ / "eightsync.yaml") << text;
  }

  fs::path dir_;
  fs::path csv_;
  fs::path db_;
  std::unique_ptr<eightsync::bench::bench_emulator> emu_;
  net::io_context ioc_{1};
  std::unique_ptr<connectors::http_connection> http_;
};

environment& env() {
  static environment e;
  return e;
}

// One measured `eightsync sync --full`, reported as counters.
void measure_cycle(benchmark::State& state, bool changed, std::size_t writes) {
  spdlog::set_level(spdlog::level::warn);
  environment* e = nullptr;
  try {
    e = &env();
  } catch (const std::exception& ex) {
    state.SkipWithError(ex.what());
    for (auto _ : state) {
    }
    return;
  }
  child_run run;
  std::size_t logged = 0;
  std::size_t applied = 0;
  std::int64_t rewritten = 0;
  std::int64_t sent = 0;
  double emu_cpu = 0;
  double load = 0;
  for (auto _ : state) {
    state.PauseTiming();
    e->write_export_file(changed);
    e->snapshot_links();
    e->clear_log();
    const double emu_before = e->emu().cpu_seconds();
    state.ResumeTiming();
    run = e->run_sync(true);
    state.SetIterationTime(run.wall_s);
    getloadavg(&load, 1);
    emu_cpu = e->emu().cpu_seconds() - emu_before;
    if (run.exit_code != 0) {
      state.SkipWithError(
          ("eightsync sync exited " + std::to_string(run.exit_code) + ": " + e->last_output()).c_str());
      break;
    }
    std::tie(logged, applied) = e->logged_requests();
    rewritten = e->links_rewritten();
    sent = e->query_int("SELECT requests_sent FROM cycles ORDER BY id DESC LIMIT 1");
  }
  const std::size_t minimum = (user_count + page_size - 1) / page_size + writes;
  state.counters["cpu_s"] = run.user_s + run.sys_s;
  state.counters["user_s"] = run.user_s;
  state.counters["sys_s"] = run.sys_s;
  state.counters["wall_s"] = run.wall_s;
  state.counters["peak_rss_MB"] = run.peak_rss_mb;
  state.counters["requests"] = static_cast<double>(logged);
  state.counters["requests_sent"] = static_cast<double>(sent);
  state.counters["requests_min"] = static_cast<double>(minimum);
  state.counters["writes"] = static_cast<double>(applied);
  state.counters["links_rewritten"] = static_cast<double>(rewritten);
  state.counters["emulator_cpu_s"] = emu_cpu;
  state.counters["load1"] = load;
}

void no_change_full_cycle(benchmark::State& state) {
  measure_cycle(state, false, 0);
}
void one_percent_changed(benchmark::State& state) {
  measure_cycle(state, true, user_count / changed_every);
}
// The export of one_percent_changed again: the objects its PUTs stored must not be rewritten
// from the listing (they are the same users, in 8x8's member order).
void no_change_after_writes(benchmark::State& state) {
  measure_cycle(state, true, 0);
}
// In this order: each starts from the state the one before left.
BENCHMARK(no_change_full_cycle)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);
BENCHMARK(one_percent_changed)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);
BENCHMARK(no_change_after_writes)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
