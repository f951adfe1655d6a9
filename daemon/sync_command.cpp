#include "daemon/sync_command.hpp"

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/cycle_labels.hpp"
#include "core/db_lock.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/unsafe_text.hpp"
#include "daemon/cycle_runner.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/log_setup.hpp"
#include "daemon/state_access.hpp"
#include "daemon/wait_limit.hpp"

namespace eightsync::daemon {
namespace {

namespace net = boost::asio;
using core::cycle_outcome;

int exit_of(cycle_outcome o) {
  switch (o) {
    case cycle_outcome::ok:
      return exit_ok;
    case cycle_outcome::partial:
    case cycle_outcome::interrupted:
      return exit_partial;
    case cycle_outcome::held:
      return exit_held;
    case cycle_outcome::auth_failed:
      return exit_auth_failed;
    case cycle_outcome::write_forbidden:
      return exit_write_forbidden;
    case cycle_outcome::source_rejected:
      return exit_source_rejected;
  }
  return exit_internal;
}

}  // namespace

int run_sync(const config::eightsync_config& cfg, const sync_request& request, std::ostream& out,
             std::ostream& err) {
  auto lock = take_writer_lock(cfg, "sync", err);
  if (!lock) return lock.error();

  auto logger = make_cli_logger(err, request.verbose);

  const auto& clk = core::wall_clock::instance();
  std::optional<core::state_store> store;
  try {
    core::state_store::options so;
    so.logger = logger;
    store.emplace(cfg.state.path, cfg.target.url, so);
  } catch (const core::state_error& e) {
    err << "eightsync sync: " << e.what() << '\n';
    return exit_state_unusable;
  }
  core::audit_log audit(*store, clk);
  try {
    if (const auto n = audit.mark_interrupted_cycles(); n > 0)
      logger->warn(
          "cycle.interrupted count={}: an earlier run ended during its cycle; its open writes are "
          "looked up now",
          n);
  } catch (const core::state_error& e) {
    err << "eightsync sync: " << e.what() << '\n';
    return exit_state_unusable;
  }

  core::persistent_rate_limiter::options lo;
  lo.max_pause = cfg.target.retry.max_pause;
  lo.logger = logger;
  auto limiter = std::make_shared<core::persistent_rate_limiter>(
      cfg.state.path, cfg.target.rate_limit.requests, cfg.target.rate_limit.per, clk, lo);
  // A pause already known (an earlier run met a 429) is refused before anything starts.
  if (const auto w = wait_beyond(*limiter, clk, cfg, request.max_wait)) {
    err << refused_wait_message("sync", *w, request.max_wait, "nothing was sent and no cycle was recorded");
    return exit_paused;
  }
  cycle_runner runner(cfg, *store, audit, limiter, logger, clk);
  std::optional<core::cycle_result> result;
  std::exception_ptr failure;
  std::atomic<bool> stop{false};
  wait_policy waits;
  waits.max_wait = request.max_wait;
  net::io_context ioc;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        result = co_await runner.run(ioc.get_executor(), request.trigger, request.full, &stop, waits);
      },
      [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const core::state_error& e) {
      err << "eightsync sync: " << e.what() << '\n';
      return exit_state_unusable;
    }
  }
  auto& report = *result;
  if (limiter->persist_failed() && report.end.outcome == cycle_outcome::ok) {
    // The cycle is recorded as ok; the exit code still tells the operator pacing was not kept.
    err << "eightsync sync: the rate limiter could not record its budget in the state database\n";
    report.end.outcome = cycle_outcome::partial;
  }
  out << cycle_summary(report) << '\n';
  if (!report.end.error.empty()) out << "  " << core::escaped(report.end.error) << '\n';
  out << "  details: eightsync audit -c " << cfg.file.string() << " show " << report.cycle_id << '\n';
  if (const auto& w = runner.refused_wait()) {
    err << refused_wait_message("sync", *w, request.max_wait,
                                "the cycle stopped there: nothing more was sent");
    return exit_paused;
  }
  return exit_of(report.end.outcome);
}

}  // namespace eightsync::daemon
