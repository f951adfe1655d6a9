// Refetches at 8x8's pace: one whole cycle (core::cycle_engine: listing, plan, write phase) on a
// simulated clock, against an in-memory 8x8 where every request takes 6.06 s (10 requests a
// minute, 8x8's published limit, evenly spaced with the rate limiter's 1% guard). HR changes the
// title of 1,000 linked users, so the write phase is 1,000 PUTs; the account holds 1,000 or
// 10,000 users (pages of 100), and max_snapshot_age is 15 minutes (the default) or 1 hour.
// Reports the PUTs fetched again before they were sent (`refetches`, per 1,000 PUTs), every
// request sent, what the plan estimated, and how long the cycle takes at that pace
// (`simulated_h`). Nothing is timed on the wall clock: the numbers are
// exact counts of what the engine sends.
// Run: ./build/tests/bench/bench_refetch
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/content_hash.hpp"
#include "core/cycle_engine.hpp"
#include "core/pacing.hpp"
#include "core/scim_user_codec.hpp"
#include "core/state_store.hpp"

namespace {

namespace core = eightsync::core;
namespace json = boost::json;
using core::attribute;
using namespace std::chrono_literals;

// 10 requests a minute, one every 6.06 s, as the rate limiter spaces them (core/pacing.hpp).
constexpr auto per_request = core::pacing_gap(10, 60s);

std::string key_of(std::size_t i) {
  char b[32];
  std::snprintf(b, sizeof b, "E%07zu", i);
  return b;
}

std::string user_name_of(std::size_t i) {
  return "user." + key_of(i) + "@example.com";
}

json::object scim_user(std::size_t i, const std::string& title) {
  json::object o;
  o["schemas"] = json::array{core::scim_user_codec::core_schema, core::scim_user_codec::enterprise_schema};
  o["id"] = "x" + key_of(i);
  o["externalId"] = key_of(i);
  o["userName"] = user_name_of(i);
  o["name"] = json::object{{"givenName", "Given"}, {"familyName", "Family"}};
  o["active"] = true;
  o["emails"] = json::array{json::object{{"value", user_name_of(i)}, {"type", "work"}, {"primary", true}}};
  o["title"] = title;
  o["locale"] = "en-GB";
  return o;
}

core::desired_user desired_of(std::size_t i, const std::string& title) {
  core::desired_user d;
  d.key = key_of(i);
  for (const attribute a : {attribute::user_name, attribute::given_name, attribute::family_name,
                            attribute::email, attribute::external_id, attribute::title})
    d.owned |= 1U << static_cast<unsigned>(a);
  d.active = true;
  d.set(attribute::user_name, user_name_of(i));
  d.set(attribute::given_name, "Given");
  d.set(attribute::family_name, "Family");
  d.set(attribute::email, user_name_of(i));
  d.set(attribute::external_id, key_of(i));
  d.set(attribute::title, title);
  d.hash = core::content_hash(d);
  return d;
}

json::object page_of(const std::vector<json::object>& users, std::size_t start, std::size_t count) {
  json::array resources;
  for (std::size_t i = start - 1; i < users.size() && i < start - 1 + count; ++i)
    resources.push_back(users[i]);
  return json::object{{"totalResults", users.size()},
                      {"startIndex", start},
                      {"itemsPerPage", resources.size()},
                      {"Resources", std::move(resources)}};
}

// 8x8 in memory, at 10 requests a minute on the manual clock.
class paced_account final : public core::scim_port {
 public:
  paced_account(core::manual_clock& clk, std::vector<json::object> users)
      : clock_(clk), users_(std::move(users)) {}

  boost::asio::awaitable<core::scim_result> list_page(std::size_t start, std::size_t count) override {
    co_return answer("GET", page_of(users_, start, count));
  }
  boost::asio::awaitable<core::scim_result> get(std::string id) override {
    ++gets_;
    co_return answer("GET", users_[index_of(id)]);
  }
  boost::asio::awaitable<core::scim_result> find_by_user_name(std::string) override {
    auto r = answer("GET", {});
    r.outcome = core::scim_outcome::not_found;
    r.resource.reset();
    co_return r;
  }
  boost::asio::awaitable<core::scim_result> create(json::object) override {
    auto r = answer("POST", {});
    r.outcome = core::scim_outcome::invalid;
    co_return r;
  }
  boost::asio::awaitable<core::scim_replace_result> replace(std::string id, json::object user) override {
    users_[index_of(id)] = user;
    co_return core::scim_replace_result{answer("PUT", std::move(user)), {}};
  }
  boost::asio::awaitable<core::scim_result> set_active(std::string id, bool active) override {
    users_[index_of(id)]["active"] = active;
    co_return answer("PATCH", users_[index_of(id)]);
  }
  const core::request_tally& tally() const noexcept override { return tally_; }
  std::size_t gets() const noexcept { return gets_; }

 private:
  static std::size_t index_of(const std::string& id) { return std::stoul(id.substr(2)); }
  core::scim_result answer(const std::string& method, json::object body) {
    clock_.advance(per_request);
    ++tally_.sent;
    ++tally_.by_method_status[{method, 200}];
    core::scim_result r;
    r.outcome = core::scim_outcome::ok;
    r.status = 200;
    r.attempts = 1;
    r.resource = std::move(body);
    return r;
  }

  core::manual_clock& clock_;
  std::vector<json::object> users_;
  core::request_tally tally_;
  std::size_t gets_ = 0;
};

// One cycle: `users` linked users, the first `changed` of whom HR gives a new title.
void BM_refetch(benchmark::State& state) {
  const auto users = static_cast<std::size_t>(state.range(0));
  const auto changed = static_cast<std::size_t>(state.range(1));
  const auto max_age = std::chrono::minutes(state.range(2));
  spdlog::set_level(spdlog::level::warn);  // the state database's migration lines
  for (auto _ : state) {
    core::manual_clock clk;
    core::state_store store(core::state_store::in_memory, "https://bench.invalid/scim/v2");
    core::audit_log audit(store, clk);
    std::vector<json::object> account;
    core::hr_input hr;
    for (std::size_t i = 0; i < users; ++i) {
      account.push_back(scim_user(i, "Engineer"));
      hr.mapped.users.push_back(desired_of(i, i < changed ? "Staff Engineer" : "Engineer"));
      core::user_link l;
      l.hr_key = key_of(i);
      l.scim_id = "x" + key_of(i);
      l.user_name = user_name_of(i);
      l.applied_hash = desired_of(i, "Engineer").hash;
      l.applied_active = true;
      store.upsert_link(l);
    }
    hr.mapped.rows_read = users;
    hr.rows_read = users;
    paced_account port(clk, std::move(account));
    core::cycle_settings settings;
    settings.planner.max_snapshot_age = max_age;
    settings.planner.safety.max_updates = users;
    settings.source_path = "/srv/hr.csv";
    core::cycle_engine engine(store, audit, clk, std::make_shared<spdlog::logger>("bench"));
    const auto started = clk.now();
    boost::asio::io_context io;
    auto done =
        boost::asio::co_spawn(io,
                              engine.run(
                                  port, [&]() -> core::expected<core::hr_input, std::string> { return hr; },
                                  settings, core::cycle_trigger::cli, true, nullptr),
                              boost::asio::use_future);
    io.run();
    const core::cycle_result r = done.get();
    state.counters["refetches"] = static_cast<double>(r.exec.refetched);
    state.counters["per_1000_puts"] =
        1000.0 * static_cast<double>(r.exec.refetched) / static_cast<double>(changed);
    state.counters["requests"] = static_cast<double>(r.end.requests_sent);
    state.counters["planned"] = static_cast<double>(r.end.requests_planned);
    state.counters["simulated_h"] =
        std::chrono::duration<double, std::ratio<3600>>(clk.now() - started).count();
    if (r.end.outcome != core::cycle_outcome::ok) state.SkipWithError("the cycle did not end ok");
  }
}

}  // namespace

// users, PUTs, max_snapshot_age in minutes
BENCHMARK(BM_refetch)
    ->Args({1000, 1000, 15})
    ->Args({10000, 1000, 15})
    ->Args({1000, 1000, 60})
    ->Args({10000, 1000, 60})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
