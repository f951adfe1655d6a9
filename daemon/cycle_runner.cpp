#include "daemon/cycle_runner.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/approval_scope.hpp"
#include "core/audit_cycle_start.hpp"
#include "core/cycle_kind.hpp"
#include "core/cycle_outcome.hpp"
#include "core/good_cycle_facts.hpp"
#include "core/planner.hpp"
#include "core/state_error.hpp"
#include "daemon/audit_text.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/hr_preview.hpp"
#include "daemon/token_source.hpp"

namespace eightsync::daemon {

namespace net = boost::asio;
using core::cycle_outcome;

cycle_runner::cycle_runner(const config::eightsync_config& cfg, core::state_store& store,
                           core::audit_log& audit, std::shared_ptr<core::rate_limiter> limiter,
                           std::shared_ptr<spdlog::logger> log, const core::clock& clk) noexcept
    : cfg_(cfg),
      store_(store),
      audit_(audit),
      limiter_(std::move(limiter)),
      log_(std::move(log)),
      clock_(clk) {}

// GCC 12 reports a false -Wmismatched-new-delete on these coroutines' frames (Asio's
// awaitable_frame has a matching operator new and delete; GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
net::awaitable<cycle_result> cycle_runner::run(net::any_io_executor executor, core::cycle_trigger trigger,
                                               bool full, const std::atomic<bool>* stop) {
  cycle_result report;
  core::audit_cycle_start start;
  start.kind = full ? core::cycle_kind::full : core::cycle_kind::incremental;
  start.trigger = trigger;
  start.source_path = cfg_.source.path.string();
  report.cycle_id = audit_.begin_cycle(start);
  running_ = report.cycle_id;
  struct clear_running {
    std::int64_t& r;
    ~clear_running() { r = 0; }
  } clear{running_};
  log_->info("cycle.start id={} trigger={} full={}", report.cycle_id, core::cycle_trigger_name(trigger),
             full);

  auto token = read_token(cfg_.target);
  if (!token) {
    report.end.outcome = cycle_outcome::auth_failed;
    report.end.error = token.error();
  } else {
    std::shared_ptr<const core::clock> clk_ptr(&clock_, [](const core::clock*) {});
    auto options = client_options(cfg_, std::move(*token), limiter_, clk_ptr, log_);
    auto tally = std::make_shared<connectors::request_tally>();
    options.tally = tally;
    connectors::scim_client client(executor, std::move(options));
    cycle_executor exec(client, store_, audit_, report.cycle_id, clock_, log_);
    std::exception_ptr failure;
    try {
      co_await body(client, exec, report.cycle_id, full, stop, report);
    } catch (const core::state_error&) {
      failure = std::current_exception();
    }
    co_await client.shutdown();
    report.requests = *tally;
    if (failure) {
      try {
        core::audit_cycle_end end;
        end.outcome = cycle_outcome::partial;
        end.requests_sent = report.requests.sent;
        end.cost = report.requests.cost;
        try {
          std::rethrow_exception(failure);
        } catch (const core::state_error& e) {
          end.error = e.what();
        }
        audit_.end_cycle(report.cycle_id, end);
      } catch (const core::state_error&) {
        // The database is what failed: the next start marks the cycle interrupted.
      }
      std::rethrow_exception(failure);
    }
  }
  report.end.requests_sent = report.requests.sent;
  report.end.cost = report.requests.cost;
  audit_.end_cycle(report.cycle_id, report.end);
  audit_.prune(clock_.now() - cfg_.audit.retention);
  log_->info("cycle.end {}", cycle_summary(report));
  co_return report;
}

net::awaitable<void> cycle_runner::body(connectors::scim_client& client, cycle_executor& exec,
                                        std::int64_t cycle_id, bool full, const std::atomic<bool>* stop,
                                        cycle_result& report) {
  const auto& cfg = cfg_;
  auto* store = &store_;
  auto& audit = audit_;
  const auto& clk = clock_;
  auto* logger = log_.get();
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

  auto planned =
      co_await plan_cycle(client, clk, hr->mapped, &*store, planner_options_from(cfg, clk.now(), full));
  const cycle_plan& c = planned;
  report.planned = true;
  report.conflicts = c.plan.conflicts.size();
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
  if (stop == nullptr || !stop->load()) co_await exec.execute(released, backoff, report.exec, stop);
  if (stop != nullptr && stop->load()) {
    end.outcome = cycle_outcome::interrupted;
    end.error = "stopped by a signal; the rest waits for the next cycle";
  }

  for (const auto& a : c.plan.manual_actions)
    if (audit.raise_manual_action(cycle_id, a)) ++report.exec.manual_actions_raised;
  audit.record_held(cycle_id, released.held);
  report.held = released.held.size();

  // What 8x8 holds for each linked user, as listed: rewritten only where it changed.
  if (c.remote.snapshot.full_listing) {
    store->in_transaction([&] {
      store->record_listed_remotes(c.remote.snapshot.users);
      if (c.remote.snapshot.complete && !c.remote.stopped) store->record_full_listing(clk.now());
    });
  }

  if (end.outcome == cycle_outcome::interrupted) {
    // set above
  } else if (report.exec.auth_failed) {
    end.outcome = cycle_outcome::auth_failed;
    end.error = report.exec.error;
  } else if (report.exec.write_forbidden) {
    end.outcome = cycle_outcome::write_forbidden;
    end.error = report.exec.error;
  } else if (report.exec.failed > 0 || report.exec.conflicts > 0 || report.exec.not_applied > 0 ||
             report.exec.skipped > 0 || report.read_failures > 0 || c.remote.stopped) {
    // Skipped includes users backing off after earlier failures: their change is still owed.
    end.outcome = cycle_outcome::partial;
    if (c.remote.stopped) {
      end.error = "reading 8x8 stopped: " + c.remote.stopped->detail;
    } else if (report.exec.skipped > 0) {
      end.error = std::to_string(report.exec.skipped) +
                  " operations were not sent (users backing off after failures, or waiting on a failed "
                  "step); `eightsync status` lists them";
    }
  } else if (!released.held.empty() || (!c.plan.holds.empty() && c.plan.held.empty())) {
    // A hold that tripped holds the cycle even when it caught no operation (key churn where
    // every new key is a conflict): nothing from this export counts as a good cycle.
    end.outcome = cycle_outcome::held;
    end.error = released.held.empty() ? "a safety limit tripped: " + c.plan.holds.front().text
                                      : std::to_string(released.held.size()) +
                                            " operations held by a safety limit; approve with "
                                            "`eightsync approve " +
                                            std::to_string(cycle_id) + "`";
  } else {
    end.outcome = cycle_outcome::ok;
    store->record_good_cycle(
        core::good_cycle_facts{core::source_row_count(hr->mapped), store->link_count(), clk.now()});
  }
}
#pragma GCC diagnostic pop

std::string cycle_summary(const cycle_result& r) {
  const auto& x = r.exec;
  std::string s =
      "cycle " + std::to_string(r.cycle_id) + ": " + std::string(core::cycle_outcome_name(r.end.outcome));
  if (r.planned) {
    s += " (" + std::to_string(x.ok) + " done, " + std::to_string(x.failed) + " failed, " +
         std::to_string(x.skipped) + " skipped, " + std::to_string(x.conflicts) + " create conflicts, " +
         std::to_string(x.not_applied) + " not fully applied; " + std::to_string(r.held) + " held, " +
         std::to_string(r.conflicts) + " conflicts, " + std::to_string(x.manual_actions_raised) +
         " new manual actions; " + std::to_string(r.end.requests_sent) + " requests sent, " +
         std::to_string(r.end.requests_planned) + " planned";
    if (const auto cost = cost_phrase(r.end.cost); !cost.empty()) s += "; " + cost;
    s += ")";
  }
  return s;
}

}  // namespace eightsync::daemon
