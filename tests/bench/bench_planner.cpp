// Planner throughput: make_plan over 100,000 and 1,000,000 users generated in memory (HR's
// desired users, 8x8's full listing in 8x8's shape, and one link per user), with no changes
// and with 1% changed (0.7% attribute edits, 0.1% HR leavers, 0.1% joiners, 0.1% missing
// from HR). Reports CPU time per plan, and peak RSS (getrusage) with the inputs in memory.
// Target: <= 0.3 s and <= 150 MB for 100,000 users.
// Run: ./build/tests/bench/bench_planner   (the 100,000-user cases run first, so their
// peak_rss_MB is the peak with 100,000 users)
#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include <boost/json.hpp>

#include "core/content_hash.hpp"
#include "core/planner.hpp"
#include "core/scim_user_codec.hpp"
#include "daemon/allocator_tuning.hpp"

namespace {

namespace core = eightsync::core;
namespace json = boost::json;
using core::attribute;

const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours{24 * 365 * 54};

constexpr std::array<const char*, 8> givens{"Margaret", "Zoë",   "José", "Łukasz",
                                            "Søren",    "Aisha", "Wei",  "Priya"};
constexpr std::array<const char*, 7> families{"Whitfield", "García", "Kowalski", "Jørgensen",
                                              "Okafor",    "Chen",   "Müller"};
constexpr std::array<const char*, 4> titles{"Engineer", "Director, Sales", "Account Executive",
                                            "Manager, IT"};
constexpr std::array<const char*, 4> departments{"Engineering", "Sales", "Finance", "IT"};
constexpr std::array<const char*, 2> sites{"London HQ", "Austin"};

constexpr std::uint32_t owned_mask() {
  std::uint32_t m = 0;
  for (const attribute a : {attribute::user_name, attribute::given_name, attribute::family_name,
                            attribute::email, attribute::external_id, attribute::title, attribute::department,
                            attribute::site, attribute::mobile_phone}) {
    m |= 1U << static_cast<unsigned>(a);
  }
  return m;
}

std::size_t current_rss_mb() {
  long pages = 0;
  long resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) /
         (1024 * 1024);
}

std::size_t peak_rss_mb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss) / 1024;
}

struct person_values {
  char key[16];
  char user_name[40];
  char id[40];
  char mobile[24];
  const char* given;
  const char* family;
  const char* title;
  const char* department;
  const char* site;
};

person_values values_of(std::size_t i, char prefix = 'E') {
  person_values v{};
  std::snprintf(v.key, sizeof v.key, "%c%07zu", prefix, i);
  std::snprintf(v.user_name, sizeof v.user_name, "user.%c%07zu@example.com", prefix, i);
  std::snprintf(v.id, sizeof v.id, "6f1c%04zx-3b2a-4c1d-9e8f-%c%011zu", i & 0xFFFF, prefix, i);
  std::snprintf(v.mobile, sizeof v.mobile, "+44 7700 9%05zu", i % 100000);
  v.given = givens[i % givens.size()];
  v.family = families[(i / givens.size()) % families.size()];
  v.title = titles[i % titles.size()];
  v.department = departments[(i / 3) % departments.size()];
  v.site = sites[i % sites.size()];
  return v;
}

core::desired_user make_desired(const person_values& v, std::string& scratch) {
  core::desired_user d;
  d.key = v.key;
  d.owned = owned_mask();
  // One packed buffer, as user_mapper builds it.
  std::array<core::desired_user::value_slot, core::attribute_count> slots{};
  std::string packed;
  const auto put = [&](attribute a, std::string_view s) {
    slots[static_cast<std::size_t>(a)] = {static_cast<std::uint32_t>(packed.size()),
                                          static_cast<std::uint32_t>(s.size())};
    packed.append(s);
  };
  put(attribute::user_name, v.user_name);
  put(attribute::given_name, v.given);
  put(attribute::family_name, v.family);
  put(attribute::email, v.user_name);
  put(attribute::external_id, v.key);
  put(attribute::title, v.title);
  put(attribute::department, v.department);
  put(attribute::site, v.site);
  put(attribute::mobile_phone, v.mobile);
  d.assign_packed(packed, slots);
  d.hash = core::content_hash(d, scratch);
  return d;
}

core::remote_user make_remote(const person_values& v) {
  json::object o;
  o["schemas"] = json::array{core::scim_user_codec::core_schema, core::scim_user_codec::enterprise_schema,
                             core::scim_user_codec::x8_schema};
  o["id"] = v.id;
  o["externalId"] = v.key;
  o["userName"] = v.user_name;
  o["name"] = json::object{{"givenName", v.given}, {"familyName", v.family}};
  o["active"] = true;
  o["emails"] = json::array{json::object{{"value", v.user_name}, {"type", "work"}, {"primary", true}}};
  o["title"] = v.title;
  o["locale"] = "en-GB";
  o["timezone"] = "Europe/London";
  o["phoneNumbers"] = json::array{json::object{{"value", v.mobile}, {"type", "mobile"}}};
  o[core::scim_user_codec::enterprise_schema] = json::object{{"department", v.department}};
  o[core::scim_user_codec::x8_schema] = json::object{{"site", v.site}};
  o["meta"] = json::object{{"resourceType", "User"},
                           {"created", "2023-01-09T10:00:00Z"},
                           {"lastModified", "2024-05-30T08:12:45Z"},
                           {"version", "W/\"3\""}};
  return std::move(*core::remote_user::from_object(o, now - std::chrono::minutes{2}));
}

core::user_link make_link(const person_values& v, const core::desired_user& d) {
  core::user_link l;
  l.hr_key = v.key;
  l.scim_id = v.id;
  l.user_name = v.user_name;
  l.how = core::managed_by::created;
  l.applied_hash = d.hash;
  l.applied_active = true;
  return l;  // remote_json stays empty: a full listing is read this cycle
}

// One account of n users, generated once per size and kept for both scenarios.
struct account {
  std::size_t n = 0;
  core::mapping_result desired;
  core::remote_snapshot remote;
  core::planner_state state;
  core::planner_options options;
  std::size_t inputs_mb = 0;

  explicit account(std::size_t users) : n(users) {
    const std::size_t extra = users / 1000 + 1;  // room for the 1% scenario's additions
    desired.users.reserve(users + extra);
    remote.users.reserve(users + extra);
    state.links.reserve(users + extra);
    std::string scratch;
    for (std::size_t i = 0; i < users; ++i) {
      const auto v = values_of(i);
      desired.users.push_back(make_desired(v, scratch));
      remote.users.push_back(make_remote(v));
      state.links.push_back(make_link(v, desired.users.back()));
    }
    desired.rows_read = users;
    remote.complete = true;
    remote.full_listing = true;
    remote.spent.listing_pages = (users + 99) / 100;
    state.last_good = core::last_good_cycle{users, users};
    options.now = now;
    // Limits out of the way, so every operation is built (the costliest case).
    options.safety.max_deactivations = users;
    options.safety.max_deactivation_percent = 100;
    options.safety.max_creates = users;
    options.safety.max_updates = users;
    options.safety.max_adoptions = users;
    options.safety.key_churn_min = users;
    inputs_mb = current_rss_mb();
  }

  // 1% changed: edits in place, joiners and missing users appended; undone by `restore`.
  struct saved {
    std::vector<std::pair<std::size_t, core::desired_user>> edited;
    std::size_t appended_desired = 0;
    std::size_t appended_links = 0;
  };
  saved change_one_percent() {
    saved s;
    std::string scratch;
    const std::size_t step = 100;  // one user in 100
    for (std::size_t i = 0, k = 0; i < n; i += step, ++k) {
      if (k % 10 >= 8) continue;  // 0.8% edited here; joiners and leavers below make 1%
      s.edited.emplace_back(i, desired.users[i]);
      core::desired_user& d = desired.users[i];
      if (k % 10 < 7) {  // an attribute edit
        auto v = values_of(i);
        v.title = "Principal Engineer";
        d = make_desired(v, scratch);
      } else if (k % 10 == 7) {  // an HR leaver
        d.active = false;
      }
    }
    const std::size_t tenth = n / 1000;
    for (std::size_t j = 0; j < tenth; ++j) {  // joiners: keys after every existing one
      desired.users.push_back(make_desired(values_of(j, 'F'), scratch));
      const auto v = values_of(j, 'G');  // missing from HR: linked, listed, no row
      remote.users.push_back(make_remote(v));
      state.links.push_back(make_link(v, make_desired(v, scratch)));
    }
    s.appended_desired = tenth;
    s.appended_links = tenth;
    return s;
  }
  void restore(saved& s) {
    for (auto& [i, d] : s.edited)
      desired.users[i] = std::move(d);
    desired.users.resize(desired.users.size() - s.appended_desired);
    remote.users.resize(remote.users.size() - s.appended_links);
    state.links.resize(state.links.size() - s.appended_links);
  }
};

account& account_of(std::size_t n) {
  static std::unique_ptr<account> current;
  if (!current || current->n != n) {
    current.reset();
    current = std::make_unique<account>(n);
  }
  return *current;
}

void report(benchmark::State& st, const account& a, const core::plan& p) {
  st.counters["users"] = static_cast<double>(a.n);
  st.counters["operations"] = static_cast<double>(p.operations.size());
  st.counters["inputs_MB"] = static_cast<double>(a.inputs_mb);
  st.counters["peak_rss_MB"] = static_cast<double>(peak_rss_mb());
}

void plan_no_changes(benchmark::State& st) {
  account& a = account_of(static_cast<std::size_t>(st.range(0)));
  core::plan p;
  for (auto _ : st) {
    p = core::make_plan(a.desired, a.remote, a.state, a.options);
    benchmark::DoNotOptimize(p.operations.data());
  }
  if (!p.operations.empty()) st.SkipWithError("a plan without changes has operations");
  report(st, a, p);
}

void plan_one_percent_changed(benchmark::State& st) {
  account& a = account_of(static_cast<std::size_t>(st.range(0)));
  auto saved = a.change_one_percent();
  core::plan p;
  for (auto _ : st) {
    p = core::make_plan(a.desired, a.remote, a.state, a.options);
    benchmark::DoNotOptimize(p.operations.data());
  }
  if (p.operations.size() != a.n / 100) st.SkipWithError("unexpected operation count");
  report(st, a, p);
  a.restore(saved);
}

// As plan_no_changes, with the links in no particular order: the planner pairs them with HR
// through a hash index instead of a merge join (the state store should read them ORDER BY hr_key).
void plan_no_changes_links_unsorted(benchmark::State& st) {
  account& a = account_of(static_cast<std::size_t>(st.range(0)));
  std::mt19937 rng(5);
  std::shuffle(a.state.links.begin(), a.state.links.end(), rng);
  core::plan p;
  for (auto _ : st) {
    p = core::make_plan(a.desired, a.remote, a.state, a.options);
    benchmark::DoNotOptimize(p.operations.data());
  }
  if (!p.operations.empty()) st.SkipWithError("a plan without changes has operations");
  report(st, a, p);
  std::sort(a.state.links.begin(), a.state.links.end(),
            [](const core::user_link& x, const core::user_link& y) { return x.hr_key < y.hr_key; });
}

void plan_reads_one_percent_changed(benchmark::State& st) {
  account& a = account_of(static_cast<std::size_t>(st.range(0)));
  auto saved = a.change_one_percent();
  core::read_strategy r;
  for (auto _ : st) {
    r = core::plan_reads(a.desired, a.state, a.options);
    benchmark::DoNotOptimize(r.reads.data());
  }
  st.counters["reads"] = static_cast<double>(r.reads.size());
  st.counters["full_listing"] = r.full_listing ? 1 : 0;
  a.restore(saved);
}

BENCHMARK(plan_no_changes)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(plan_one_percent_changed)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(plan_reads_one_percent_changed)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(plan_no_changes_links_unsorted)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(plan_no_changes)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(plan_one_percent_changed)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(plan_reads_one_percent_changed)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

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
