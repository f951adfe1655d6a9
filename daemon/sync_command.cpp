#include "daemon/sync_command.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/approval_scope.hpp"
#include "core/audit_cycle_end.hpp"
#include "core/audit_cycle_start.hpp"
#include "core/audit_log.hpp"
#include "core/cycle_kind.hpp"
#include "core/cycle_outcome.hpp"
#include "core/db_lock.hpp"
#include "core/good_cycle_facts.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/planner.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/wall_clock.hpp"
#include "daemon/cycle_executor.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/cycle_plan.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/hr_preview.hpp"
#include "daemon/token_source.hpp"

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

// What the cycle coroutine hands back.
struct cycle_report {
  core::audit_cycle_end end;
  execution_summary exec;
  std::optional<cycle_plan> planned;
  std::size_t read_failures = 0;
  std::size_t held = 0;  ///< operations still held after approved ones were released
};

// One cycle, after the lock, the state and the audit row are in place.
struct cycle_context {
  const config::eightsync_config& cfg;
  const sync_request& request;
  connectors::scim_client& client;
  cycle_executor& exec;
  core::state_store& store;
  core::audit_log& audit;
  const core::clock& clk;
  std::int64_t cycle_id;
  cycle_report& report;
  spdlog::logger& logger;
};

// GCC 12 reports a false -Wmismatched-new-delete on this coroutine's frame (Asio's
// awaitable_frame has a matching operator new and delete; GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
net::awaitable<void> run_cycle(cycle_context x) {
  const auto& cfg = x.cfg;
  const auto& request = x.request;
  auto& client = x.client;
  auto& exec = x.exec;
  auto* store = &x.store;
  auto& audit = x.audit;
  const auto& clk = x.clk;
  const auto cycle_id = x.cycle_id;
  auto& report = x.report;
  auto* logger = &x.logger;
  auto& end = report.end;
  if (!co_await exec.resolve_intents(report.exec)) {
    end.outcome = cycle_outcome::auth_failed;
    end.error = report.exec.error;
    co_return;
  }
  auto hr = read_and_map(cfg);
  if (!hr) {
    end.outcome = cycle_outcome::source_rejected;
    end.error = hr.error().message;
    co_return;
  }
  end.source_sha256 = hr->source.sha256;
  end.rows_read = hr->source.rows_read;
  end.rows_in_scope = hr->mapped.users.size();
  end.rows_quarantined = hr->mapped.quarantined.size();
  audit.record_quarantined(cycle_id, hr->mapped.quarantined);

  report.planned = co_await plan_cycle(client, clk, hr->mapped, &*store,
                                       planner_options_from(cfg, clk.now(), request.full));
  const cycle_plan& c = *report.planned;
  end.kind = c.reads.full_listing ? core::cycle_kind::full : core::cycle_kind::incremental;
  end.requests_planned = c.plan.cost.total();
  report.read_failures = c.remote.failures.size();
  if (c.remote.stopped && c.remote.stopped->outcome == connectors::scim_outcome::auth_failed) {
    end.outcome = cycle_outcome::auth_failed;
    end.error =
        "8x8 refused the token (401) while reading; nothing was written. Put a new token in "
        "place (SCIM was switched off and on, or the token was revoked).";
    co_return;
  }

  // Held operations an operator approved, that this cycle still plans against fresh data, run
  // with the rest; the approvals are used up either way (a new hold needs a new approval).
  core::plan released = c.plan;
  std::vector<std::int64_t> used;
  for (const auto& a : audit.pending_approvals()) {
    used.push_back(a.id);
    for (const auto& h : audit.held(a.cycle_id)) {
      if (!core::approval_covers(a.scope, h.kind)) continue;
      for (auto it = released.held.begin(); it != released.held.end(); ++it) {
        if (it->kind == h.kind && it->hr_key == h.hr_key) {
          logger->info("op.{}.approved hr_key={} approval={} held_in_cycle={}",
                       core::operation_kind_name(h.kind), h.hr_key, a.id, a.cycle_id);
          it->hold.reset();
          released.operations.push_back(std::move(*it));
          released.held.erase(it);
          break;
        }
      }
    }
  }
  if (!used.empty()) {
    audit.consume_approvals(used, cycle_id);
    std::stable_sort(released.operations.begin(), released.operations.end(),
                     [](const core::plan_entry& a, const core::plan_entry& b) {
                       return a.kind != b.kind ? a.kind < b.kind : a.hr_key < b.hr_key;
                     });
  }

  std::set<std::string> backoff;
  for (const auto& b : audit.users_in_backoff(cycle_id))
    backoff.insert(b.hr_key);
  co_await exec.execute(released, backoff, report.exec);

  for (const auto& a : c.plan.manual_actions)
    if (audit.raise_manual_action(cycle_id, a)) ++report.exec.manual_actions_raised;
  audit.record_held(cycle_id, released.held);
  report.held = released.held.size();

  // What 8x8 holds for each linked user, as listed: rewritten only where it changed.
  if (c.remote.snapshot.full_listing) {
    std::unordered_map<std::string, std::string> key_of;
    for (const auto& l : store->load_links())
      key_of.emplace(l.scim_id, l.hr_key);
    store->in_transaction([&] {
      for (const auto& u : c.remote.snapshot.users) {
        const auto it = key_of.find(std::string(u.id()));
        if (it != key_of.end()) store->record_remote(it->second, u.to_json(), u.fetched_at());
      }
      if (c.remote.snapshot.complete && !c.remote.stopped) store->record_full_listing(clk.now());
    });
  }

  if (report.exec.auth_failed) {
    end.outcome = cycle_outcome::auth_failed;
    end.error = report.exec.error;
  } else if (report.exec.write_forbidden) {
    end.outcome = cycle_outcome::write_forbidden;
    end.error = report.exec.error;
  } else if (report.exec.failed > 0 || report.exec.conflicts > 0 || report.exec.not_applied > 0 ||
             report.read_failures > 0 || c.remote.stopped) {
    end.outcome = cycle_outcome::partial;
    if (c.remote.stopped) end.error = "reading 8x8 stopped: " + c.remote.stopped->detail;
  } else if (!released.held.empty()) {
    end.outcome = cycle_outcome::held;
    end.error = std::to_string(released.held.size()) +
                " operations held by a safety limit; approve with "
                "`eightsync approve " +
                std::to_string(cycle_id) + "`";
  } else {
    end.outcome = cycle_outcome::ok;
    store->record_good_cycle(
        core::good_cycle_facts{core::source_row_count(hr->mapped), store->link_count(), clk.now()});
  }
  co_await client.shutdown();
}
#pragma GCC diagnostic pop

}  // namespace

int run_sync(const config::eightsync_config& cfg, const sync_request& request, std::ostream& out,
             std::ostream& err) {
  auto lock = [&]() -> std::optional<core::db_lock> {
    try {
      auto l = core::db_lock::try_acquire(cfg.state.path);
      if (!l) {
        err << "eightsync sync: " << l.error().message() << '\n';
        return std::nullopt;
      }
      return std::move(*l);
    } catch (const core::state_error& e) {
      err << "eightsync sync: " << e.what() << '\n';
      return std::nullopt;
    }
  }();
  if (!lock) return exit_state_locked;

  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(err);
  auto logger = std::make_shared<spdlog::logger>("eightsync", sink);
  logger->set_pattern("%n: %l: %v");
  logger->set_level(request.verbose ? spdlog::level::info : spdlog::level::warn);

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
  std::int64_t cycle_id = 0;
  try {
    if (const auto n = audit.mark_interrupted_cycles(); n > 0)
      logger->warn(
          "cycle.interrupted count={}: an earlier run ended during its cycle; its open writes are "
          "looked up now",
          n);
    core::audit_cycle_start start;
    start.kind = request.full ? core::cycle_kind::full : core::cycle_kind::incremental;
    start.trigger = request.trigger;
    start.source_path = cfg.source.path.string();
    cycle_id = audit.begin_cycle(start);
  } catch (const core::state_error& e) {
    err << "eightsync sync: " << e.what() << '\n';
    return exit_state_unusable;
  }

  cycle_report report;
  auto token = read_token(cfg.target);
  if (!token) {
    report.end.outcome = cycle_outcome::auth_failed;
    report.end.error = token.error();
  } else {
    core::persistent_rate_limiter::options lo;
    lo.logger = logger;
    auto limiter = std::make_shared<core::persistent_rate_limiter>(
        cfg.state.path, cfg.target.rate_limit.requests, cfg.target.rate_limit.per, clk, lo);
    std::shared_ptr<const core::clock> clk_ptr(&clk, [](const core::clock*) {});
    std::exception_ptr failure;
    net::io_context ioc;
    connectors::scim_client client(ioc.get_executor(),
                                   client_options(cfg, std::move(*token), limiter, clk_ptr, logger));
    cycle_executor exec(client, *store, audit, cycle_id, clk, logger);
    net::co_spawn(
        ioc,
        run_cycle(cycle_context{cfg, request, client, exec, *store, audit, clk, cycle_id, report, *logger}),
        [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const core::state_error& e) {
        err << "eightsync sync: " << e.what() << '\n';
        try {
          core::audit_cycle_end end;
          end.outcome = cycle_outcome::partial;
          end.error = e.what();
          audit.end_cycle(cycle_id, end);
        } catch (const core::state_error&) {
          // The database is what failed: the next start marks the cycle interrupted.
        }
        return exit_state_unusable;
      }
    }
    if (limiter->persist_failed() && report.end.outcome == cycle_outcome::ok) {
      report.end.outcome = cycle_outcome::partial;
      report.end.error = "the rate limiter could not record its budget in the state database";
    }
  }
  report.end.requests_sent =
      report.exec.requests_sent + (report.planned ? report.planned->remote.requests : 0);
  try {
    audit.end_cycle(cycle_id, report.end);
    audit.prune(clk.now() - cfg.audit.retention);
  } catch (const core::state_error& e) {
    err << "eightsync sync: " << e.what() << '\n';
    return exit_state_unusable;
  }

  const auto& x = report.exec;
  out << "cycle " << cycle_id << ": " << core::cycle_outcome_name(report.end.outcome);
  if (report.planned) {
    const auto& p = report.planned->plan;
    out << " (" << x.ok << " done, " << x.failed << " failed, " << x.skipped << " skipped, " << x.conflicts
        << " create conflicts, " << x.not_applied << " not fully applied; " << report.held << " held, "
        << p.conflicts.size() << " conflicts, " << x.manual_actions_raised << " new manual actions; "
        << report.end.requests_sent << " requests sent, " << report.end.requests_planned << " planned)";
  }
  out << '\n';
  if (!report.end.error.empty()) out << "  " << report.end.error << '\n';
  out << "  details: sqlite3 " << cfg.state.path.string()
      << " \"SELECT * FROM operations WHERE cycle_id = " << cycle_id << "\"\n";
  return exit_of(report.end.outcome);
}

}  // namespace eightsync::daemon
