// SCIM listing throughput: the client (connectors/scim_client) lists 100,000 users from a real
// eightsync-emulator on 127.0.0.1, rate limit off, in pages of 1,000.
// Reports wall time, requests, MB/s of JSON received and parsed, and peak RSS (ru_maxrss).
// The emulator binary: $EIGHTSYNC_EMULATOR, else the one this build made.
// Run: ./build/tests/bench/bench_scim_list
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "bench_emulator.hpp"
#include "connectors/http_connection.hpp"
#include "connectors/scim_client.hpp"
#include "core/clock.hpp"
#include "core/unlimited_rate_limiter.hpp"

extern char** environ;

#ifndef EIGHTSYNC_EMULATOR_BIN
#define EIGHTSYNC_EMULATOR_BIN "eightsync-emulator"  // from PATH; or set $EIGHTSYNC_EMULATOR
#endif

namespace {

namespace net = boost::asio;
using namespace eightsync;

constexpr std::size_t user_count = 100'000;
constexpr std::size_t page_size = 1'000;
constexpr const char* token = "bench-token-7d1f";

template <class T>
T run(net::io_context& ioc, net::awaitable<T> aw) {
  std::optional<T> out;
  std::exception_ptr error;
  net::co_spawn(ioc, std::move(aw), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) out = std::move(v);
  });
  ioc.restart();
  ioc.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

// Seeds the users through /_emulator/users in batches of 10,000 (the body is built as text: a
// 100,000-user JSON DOM would dominate this process's peak RSS).
void seed(net::io_context& ioc, std::uint16_t port) {
  connectors::http_connection_options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.tls = false;
  connectors::http_connection admin(ioc.get_executor(), o, spdlog::default_logger());
  char buf[512];
  for (std::size_t start = 0; start < user_count; start += 10'000) {
    std::string body = "[";
    for (std::size_t i = start; i < start + 10'000; ++i) {
      std::snprintf(
          buf, sizeof buf,
          R"(%s{"userName":"user%06zu@example.com","externalId":"E%06zu","name":{"givenName":"Given%zu",)"
          R"("familyName":"Family%zu"},"title":"Engineer","locale":"en-US","timezone":"Europe/London",)"
          R"("emails":[{"value":"user%06zu@example.com","type":"work","primary":true}],)"
          R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Engineering"},)"
          R"("urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London"}})",
          i == start ? "" : ",", i, i, i, i, i);
      body += buf;
    }
    body += "]";
    const auto ex = run(ioc, admin.send("POST", "/_emulator/users", std::move(body)));
    if (ex.status != 201)
      throw std::runtime_error("seeding failed: " + std::to_string(ex.status) + " " + ex.error_text);
  }
}

void list_100k_users(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  const char* env = std::getenv("EIGHTSYNC_EMULATOR");
  eightsync::bench::bench_emulator emu(env && *env ? env : EIGHTSYNC_EMULATOR_BIN, token, page_size);
  net::io_context ioc{1};
  seed(ioc, emu.port());
  connectors::scim_client_options o;
  o.base_url = "http://127.0.0.1:" + std::to_string(emu.port()) + "/scim/v2";
  o.token = core::secret_token(std::string(token));
  o.page_size = page_size;
  o.rate_limiter = std::make_shared<core::unlimited_rate_limiter>(core::wall_clock::instance());
  o.proxy_from_environment = false;
  connectors::scim_client client(ioc.get_executor(), o);
  std::size_t requests = 0;
  std::size_t bytes = 0;
  std::size_t users = 0;
  for (auto _ : state) {
    auto listing = run(ioc, client.list_all());
    if (!listing.complete || listing.users.size() != user_count) {
      state.SkipWithError(("incomplete listing: " + listing.last.detail).c_str());
      break;
    }
    requests = listing.requests;
    bytes = listing.body_bytes;
    users = listing.users.size();
    benchmark::DoNotOptimize(listing.users.data());
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["users"] = static_cast<double>(users);
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["MB_json"] = static_cast<double>(bytes) / 1e6;
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(bytes) / 1e6 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

BENCHMARK(list_100k_users)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
