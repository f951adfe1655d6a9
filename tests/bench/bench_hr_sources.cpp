// Parse-only throughput of the HR source readers (no mapping): make_hr_source(...)->read over a generated
// 100,000-row export into a sink that only counts. Bytes/s is the figure to watch; the CSV
// reader should stay well above 200 MB/s so that parse + map clears 100 MB/s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "connectors/hr_sources.hpp"
#include "core/row_sink.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eightsync;

constexpr int rows = 100'000;

/// Counts what it receives and keeps nothing.
class counting_sink : public core::row_sink {
 public:
  void on_header(const std::vector<std::string>& h) override { columns = h.size(); }
  void on_row(core::source_row&& r) override { fields += r.fields.size(); }
  void on_quarantine(core::quarantined_row&&) override { ++quarantined; }
  std::size_t columns = 0;
  std::size_t fields = 0;
  std::size_t quarantined = 0;
};

/// A realistic HR row: ids, names, emails, a quoted title with a comma, dates, a status.
std::string csv_row(int i, bool cp1252) {
  const std::string n = std::to_string(i);
  std::string first = cp1252 ? "Ren\xE9" : "Ren\xC3\xA9";
  return "E" + std::string(6 - std::min<std::size_t>(6, n.size()), '0') + n + "," + first + ",Lefebvre-" + n +
         ",rene.lefebvre" + n + "@example.com,\"Manager, Sales Operations\"," +
         "Sales EMEA,Paris,+33 1 23 45 67 " + std::to_string(i % 100) + ",2019-04-0" +
         std::to_string(1 + i % 9) + ",active,CC-" + std::to_string(i % 977) + "\r\n";
}

const char* csv_header =
    "employee_id,first_name,last_name,email,title,department,location,phone,hire_date,status,"
    "cost_center\r\n";

fs::path scratch(const std::string& name) {
  return fs::temp_directory_path() / ("eightsync-bench-" + std::to_string(::getpid()) + "-" + name);
}

fs::path make_csv(bool cp1252) {
  const fs::path p = scratch(cp1252 ? "cp1252.csv" : "utf8.csv");
  std::ofstream out(p, std::ios::binary);
  out << csv_header;
  for (int i = 1; i <= rows; ++i) {
    out << csv_row(i, cp1252);
  }
  return p;
}

fs::path make_ndjson() {
  const fs::path p = scratch("export.ndjson");
  std::ofstream out(p, std::ios::binary);
  for (int i = 1; i <= rows; ++i) {
    const std::string n = std::to_string(i);
    out << R"({"employee_id":"E)" << n << R"(","first_name":"René","last_name":"Lefebvre-)" << n
        << R"(","email":"rene.lefebvre)" << n
        << R"(@example.com","title":"Manager, Sales Operations","active":true,"grade":)" << (i % 12) << "}\n";
  }
  return p;
}

void run(benchmark::State& state, core::source_options options) {
  const auto size = fs::file_size(options.path);
  for (auto _ : state) {
    counting_sink sink;
    auto r = connectors::make_hr_source(options)->read(sink);
    if (!r || r->rows_read != static_cast<std::size_t>(rows) || sink.quarantined != 0) {
      state.SkipWithError(r ? "unexpected row count" : r.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(sink.fields);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  std::error_code ec;
  fs::remove(options.path, ec);
}

void bm_csv_utf8(benchmark::State& state) {
  core::source_options o;
  o.path = make_csv(false);
  run(state, o);
}

void bm_csv_cp1252(benchmark::State& state) {
  core::source_options o;
  o.path = make_csv(true);
  o.encoding = core::source_encoding::cp1252;
  run(state, o);
}

void bm_ndjson(benchmark::State& state) {
  core::source_options o;
  o.type = core::source_type::json;
  o.path = make_ndjson();
  run(state, o);
}

BENCHMARK(bm_csv_utf8)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_csv_cp1252)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_ndjson)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
