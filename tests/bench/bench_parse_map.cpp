// Parse + map throughput: a generated 100,000-row HR export in the shipped example's shape,
// read by the CSV reader and mapped by the example config's mapping, on one core.
// Reports rows/s and MB/s (bytes of CSV). Target: >= 100 MB/s.
// Run: ./build/tests/bench/bench_parse_map
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config_loader.hpp"
#include "daemon/allocator_tuning.hpp"
#include "daemon/cycle_options.hpp"

namespace {

namespace fs = std::filesystem;

// Writes `rows` realistic rows (quoted titles with commas, non-ASCII names, a few leavers).
std::uintmax_t write_export(const fs::path& file, int rows) {
  static const char* first[] = {"Margaret", "Zoë", "José", "Łukasz", "Søren", "Aisha", "Wei", "Priya"};
  static const char* last[] = {"Whitfield", "García", "Kowalski", "Jørgensen", "Okafor", "Chen", "Müller"};
  static const char* titles[] = {"Engineer", "\"Director, Sales\"", "Account Executive", "\"Manager, IT\""};
  static const char* depts[] = {"Engineering", "Sales", "Finance", "IT"};
  static const char* offices[] = {"London", "Austin"};
  static const char* statuses[] = {"Active", "Active", "Active", "On Leave", "Active", "Terminated"};
  std::ofstream out(file, std::ios::binary);
  out << "employee_id,first_name,last_name,preferred_name,email,title,department,office,employment_type,"
         "status,mobile,manager_id,start_date\n";
  char id[16];
  for (int i = 0; i < rows; ++i) {
    std::snprintf(id, sizeof id, "%06d", i + 1);
    const char* f = first[i % 8];
    const char* l = last[(i / 8) % 7];
    out << id << ',' << f << ',' << l << ',' << (i % 5 == 0 ? "Sam" : "") << ",user" << id << "@example.com,"
        << titles[i % 4] << ',' << depts[i % 4] << ',' << offices[i % 2] << ",Employee," << statuses[i % 6]
        << ",+44 7700 9" << id << ',' << (i > 0 ? "000001" : "") << ",2019-01-14\n";
  }
  return fs::file_size(file);
}

void parse_and_map_100k(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("eightsync-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path csv = dir / "hr.csv";
  const auto bytes = write_export(csv, 100'000);
  auto cfg =
      eightsync::config::load_config_file(fs::path(EIGHTSYNC_SOURCE_DIR) / "config/eightsync.example.yaml");
  cfg.source.path = csv;
  std::size_t users = 0;
  for (auto _ : state) {
    auto snap = eightsync::daemon::read_and_map(cfg);
    if (!snap) state.SkipWithError(snap.error().message.c_str());
    users = snap ? snap->mapped.users.size() : 0;
    benchmark::DoNotOptimize(users);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 100'000);
  state.counters["users"] = static_cast<double>(users);
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
  fs::remove_all(dir);
}
BENCHMARK(parse_and_map_100k)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  // As the eightsync binary does (daemon/main.cpp), so the numbers are the daemon's.
  eightsync::daemon::keep_heap_between_cycles();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
