#include "daemon/service.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "connectors/hr_sources.hpp"
#include "connectors/timer_sleeper.hpp"
#include "core/audit_log.hpp"
#include "core/audit_rows.hpp"
#include "core/clock.hpp"
#include "core/cycle_labels.hpp"
#include "core/db_lock.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/planner.hpp"
#include "core/source_settle.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"
#include "core/target_account.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/cycle_runner.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/log_setup.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/operator_snapshot.hpp"
#include "daemon/sd_notifier.hpp"
#include "daemon/service_metrics.hpp"
#include "daemon/source_watcher.hpp"
#include "daemon/state_access.hpp"
#include "daemon/token_source.hpp"

namespace eightsync::daemon {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using core::cycle_outcome;
using core::cycle_trigger;

constexpr auto auth_backoff = 1h;       // the least wait after a 401, until the token changes
constexpr auto stop_grace_margin = 5s;  // beyond target.timeout, for the request in flight

// What the loop is asked to do next; set by signals, timers and the source watcher.
struct pending {
  bool cycle = false;
  bool full = false;
  cycle_trigger trigger = cycle_trigger::schedule;
  bool reload = false;
};

class service {
 public:
  service(std::filesystem::path file, config::eightsync_config cfg, std::ostream& err)
      : file_(std::move(file)),
        cfg_(std::move(cfg)),
        err_(err),
        wake_(ioc_),
        settle_(ioc_),
        watchdog_(ioc_),
        signals_(ioc_, SIGHUP, SIGTERM, SIGINT),
        rng_(std::random_device{}()) {
    signals_.add(SIGUSR1);
  }

  int run();

 private:
  net::awaitable<void> loop();
  net::awaitable<bool> wait_for_ready_export();
  void watch_signals();
  void pet_watchdog();
  void start_watcher();
  void trigger(cycle_trigger why, bool full = false);
  void reload();
  void begin_stop();
  std::string status_line(const core::cycle_result& r) const;
  std::chrono::milliseconds jittered(std::chrono::milliseconds d);
  bool full_reconcile_due();
  std::size_t token_fingerprint() const;
  void start_metrics();
  void refresh_metrics();
  void on_long_wait(const std::optional<connectors::long_wait>& w);

  std::filesystem::path file_;
  config::eightsync_config cfg_;
  std::ostream& err_;
  net::io_context ioc_{1};
  net::steady_timer wake_;
  net::steady_timer settle_;  // a cycle waiting for the export to settle (source.settle)
  net::steady_timer watchdog_;
  net::signal_set signals_;
  std::mt19937_64 rng_;
  sd_notifier sd_;
  std::shared_ptr<spdlog::logger> log_;
  std::optional<core::state_store> store_;
  std::optional<core::audit_log> audit_;
  std::shared_ptr<core::persistent_rate_limiter> limiter_;
  // How cycles wait for 8x8: interrupted by SIGTERM, so a long pause never delays a stop.
  std::shared_ptr<connectors::timer_sleeper> sleeper_;
  std::unique_ptr<cycle_runner> runner_;
  std::unique_ptr<source_watcher> watcher_;
  service_metrics metrics_{EIGHTSYNC_VERSION, core::wall_clock::instance().now()};
  std::unique_ptr<metrics_server> metrics_server_;
  std::optional<std::string> metrics_listen_;                  // what metrics_server_ was bound for
  std::chrono::steady_clock::time_point metrics_refreshed_{};  // when refresh_metrics last read
  std::atomic<bool> stop_{false};
  bool in_cycle_ = false;
  pending pending_;
  std::string last_status_ = "no cycle yet";
  std::size_t token_fingerprint_ = 0;  // of the token a 401 refused; a different one ends the backoff
  bool auth_backoff_ = false;
};

// Whether this cycle lists everything: by the last complete full listing the state database
// records (a listing that stopped part way, or a cycle that failed, never counts). When the
// database cannot say, a full reconcile is the safe answer.
bool service::full_reconcile_due() {
  try {
    return core::full_reconcile_due(store_->last_full_listing(), core::wall_clock::instance().now(),
                                    cfg_.schedule.full_reconcile);
  } catch (const core::state_error& e) {
    log_->warn("schedule.full_reconcile_unknown {}", e.what());
    return true;
  }
}

std::chrono::milliseconds service::jittered(std::chrono::milliseconds d) {
  // Up to 5% later, so many installations started together do not hit 8x8 in step.
  const auto spread = std::max<std::int64_t>(d.count() / 20, 0);
  return d + std::chrono::milliseconds(
                 spread == 0 ? 0 : std::uniform_int_distribution<std::int64_t>(0, spread)(rng_));
}

// A hash of the token as it reads now (0 when it cannot be read), so a replaced token ends the
// backoff after a 401 without the token itself being kept.
std::size_t service::token_fingerprint() const {
  auto token = read_token(cfg_.target);
  return token ? std::hash<std::string_view>{}(token->reveal()) : 0;
}

void service::trigger(cycle_trigger why, bool full) {
  if (stop_) return;
  if (!pending_.cycle) pending_.trigger = why;
  pending_.cycle = true;
  pending_.full = pending_.full || full;
  if (!in_cycle_) wake_.cancel();  // a trigger during a cycle folds into one follow-up cycle
}

void service::begin_stop() {
  if (stop_.exchange(true)) return;
  log_->info("service.stopping running_cycle={}", runner_ ? runner_->running_cycle() : 0);
  sd_.stopping("stopping: " + last_status_);
  wake_.cancel();
  settle_.cancel();
  watchdog_.cancel();
  // A request waiting for its send slot (a Retry-After pause can last an hour) is not in
  // flight: it ends now, unsent, and the cycle ends at once.
  if (sleeper_) sleeper_->interrupt();
  if (watcher_) watcher_->stop();
  if (metrics_server_) metrics_server_->stop();
  boost::system::error_code ec;
  signals_.cancel(ec);
  // A request in flight may take up to target.timeout; after that, stop regardless: every
  // write's intent is already committed, so the next start settles it by a lookup.
  auto grace = std::make_shared<net::steady_timer>(ioc_);
  grace->expires_after(cfg_.target.timeout + stop_grace_margin);
  grace->async_wait([this, grace](const boost::system::error_code& e) {
    if (e) return;
    if (runner_ && runner_->running_cycle() != 0) {
      log_->warn(
          "service.stop_forced cycle={}: the cycle did not end within target.timeout + {} s of the stop",
          runner_->running_cycle(), stop_grace_margin.count());
      try {
        core::audit_cycle_end end;
        end.outcome = cycle_outcome::interrupted;
        end.error =
            "stopped by SIGTERM before the cycle could end (a request or the state database did not finish "
            "in time); the next start settles any write left open";
        audit_->end_cycle(runner_->running_cycle(), end);
      } catch (const std::exception& ex) {
        log_->error("service.stop_record_failed {}", ex.what());
      }
    }
    ioc_.stop();
  });
}

void service::watch_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    switch (sig) {
      case SIGHUP:
        log_->info("signal.hup: reloading {} before the next cycle", file_.string());
        pending_.reload = true;
        if (!in_cycle_) wake_.cancel();
        break;
      case SIGUSR1:
        log_->info("signal.usr1: a cycle now");
        auth_backoff_ = false;
        trigger(cycle_trigger::signal);
        break;
      default:
        log_->info("signal.term: stopping");
        begin_stop();
        return;
    }
    watch_signals();
  });
}

void service::pet_watchdog() {
  const auto interval = sd_.watchdog_interval();
  if (!interval || stop_) return;
  sd_.watchdog();
  watchdog_.expires_after(*interval);
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) pet_watchdog();
  });
}

void service::start_watcher() {
  watcher_.reset();
  if (!cfg_.schedule.on_source_change) return;
  // Whether the source can be watched is the source's to say (core::hr_source::watched_file).
  const auto source = connectors::make_hr_source(cfg_.source);
  const auto file = source->watched_file();
  if (!file) {
    log_->warn(
        "source.not_watchable origin={}: schedule.on_source_change needs a local file; cycles run on "
        "the schedule only",
        source->origin());
    return;
  }
  try {
    watcher_ = std::make_unique<source_watcher>(ioc_.get_executor(), *file, cfg_.source.settle,
                                                [this, path = *file] {
                                                  log_->info("source.changed path={}", path.string());
                                                  trigger(cycle_trigger::source_change);
                                                });
  } catch (const std::exception& e) {
    log_->error("source.watch_failed path={}: {}; cycles run on the schedule only", file->string(), e.what());
  }
}

// (Re)binds metrics.listen when it changed; a bind that fails is logged and the service goes on
// without the endpoint: provisioning matters more than its metrics, and a scraper notices the
// endpoint is down.
void service::start_metrics() {
  if (metrics_server_ && metrics_listen_ == cfg_.metrics.listen) return;
  metrics_server_.reset();
  metrics_listen_ = cfg_.metrics.listen;
  if (!cfg_.metrics.listen) return;
  try {
    metrics_server_ = std::make_unique<metrics_server>(
        ioc_.get_executor(), *cfg_.metrics.listen,
        [this] {
          // Between cycles, a scrape reads the audit tables afresh (at most once a second), so
          // an admin's `manual-actions --resolve` or `approve` shows without waiting for a cycle.
          // During a cycle it shows what the last refresh read.
          const auto now = std::chrono::steady_clock::now();
          if (!in_cycle_ && now - metrics_refreshed_ >= std::chrono::seconds(1)) refresh_metrics();
          return metrics_.render();
        },
        log_);
    log_->info("metrics.listening address={} path=/metrics",
               endpoint_text(metrics_server_->local_endpoint()));
  } catch (const std::exception& e) {
    log_->error("metrics.failed {}; the service runs without its metrics endpoint", e.what());
  }
}

// The gauges that mirror `eightsync status`, read from the audit tables between cycles.
void service::refresh_metrics() {
  metrics_refreshed_ = std::chrono::steady_clock::now();
  metrics_.set_auth_backoff(auth_backoff_);
  try {
    auto snap = take_operator_snapshot(*audit_);
    snap.pause = read_pause(*store_, cfg_.target.rate_limit.requests, cfg_.target.rate_limit.per,
                            cfg_.target.retry.max_pause, core::wall_clock::instance().now());
    snap.source = read_export_age(cfg_.source, core::wall_clock::instance().now());
    metrics_.set_snapshot(std::move(snap));
  } catch (const core::state_error& e) {
    log_->warn("metrics.refresh_failed {}", e.what());
  }
}

// A wait for 8x8 of more than a minute began (w) or ended (nullopt) inside a cycle: the metrics
// and systemd's STATUS= show it while it lasts (`eightsync status` reads it from the database).
void service::on_long_wait(const std::optional<connectors::long_wait>& w) {
  metrics_.set_long_wait(w ? std::optional<core::clock::time_point>(w->until) : std::nullopt);
  if (w) {
    sd_.status("cycle waiting for 8x8 until " + core::format_utc_time(w->until) +
               (w->reason == "retry_after" ? " (a pause 8x8 asked for)" : " (the rate limit)") + "; " +
               last_status_);
  } else {
    sd_.status("cycle running; " + last_status_);
  }
}

void service::reload() {
  pending_.reload = false;
  sd_.reloading();
  // Zones are read again from the system tz database, so a tzdata upgrade takes effect
  // without a restart.
  time_zones().reload();
  log_->info("tz.reloaded: time zones are read again from the system tz database");
  try {
    auto fresh = config::load_config_file(file_);
    if (fresh.state.path != cfg_.state.path ||
        core::normalize_target_url(fresh.target.url) != core::normalize_target_url(cfg_.target.url)) {
      log_->error(
          "config.reload_refused {}: state.path and target.url cannot change while running; restart "
          "the service for that. The old config stays in use.",
          file_.string());
    } else {
      cfg_ = std::move(fresh);
      log_->set_level(make_daemon_logger(cfg_.log)->level());
      runner_ = std::make_unique<cycle_runner>(cfg_, *store_, *audit_, limiter_, log_,
                                               core::wall_clock::instance());
      start_watcher();
      start_metrics();
      auth_backoff_ = false;
      log_->info("config.reloaded {}", file_.string());
    }
  } catch (const config::config_error& e) {
    for (const auto& m : e.errors())
      log_->error("config.reload_failed {}", m);
    log_->error("config.reload_failed {}: {} problems; the old config stays in use", file_.string(),
                e.errors().size());
  }
  sd_.reloaded(last_status_);
}

std::string service::status_line(const core::cycle_result& r) const {
  return "last " + cycle_summary(r);
}

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// Waits until the HR export may be read, whatever triggered the cycle (the schedule, a signal,
// the watcher): it has stayed unchanged for source.settle (core::settle_wait), and with
// source.ready_file its marker is no older than it (core::export_ready). A file the HR system is
// still writing is never read. Returns false when a stop came first.
net::awaitable<bool> service::wait_for_ready_export() {
  const auto file = connectors::make_hr_source(cfg_.source)->watched_file();
  if (!file) co_return true;
  const auto& marker = cfg_.source.ready_file;
  auto seen = core::look_at(*file);
  bool trusted = false;  // `seen` stayed unchanged through a whole settle wait
  bool told = false;     // the missing or old marker was logged
  for (;;) {
    const auto wait = trusted
                          ? core::clock::duration::zero()
                          : core::settle_wait(seen, core::wall_clock::instance().now(), cfg_.source.settle);
    const bool settled = wait <= core::clock::duration::zero();
    if (settled && (!marker || core::export_ready(seen, core::look_at(*marker)))) co_return true;
    if (!settled) {
      log_->info("source.settling path={} wait_ms={}", file->string(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
      sd_.status("waiting for the HR export to stay unchanged for source.settle; " + last_status_);
    } else {
      if (!told)
        log_->warn(
            "source.not_ready path={} ready_file={}: the marker is missing or older than the export; the "
            "cycle waits until the HR system touches it",
            file->string(), marker->string());
      told = true;
      sd_.status("waiting for source.ready_file " + marker->string() + " to be touched after the export; " +
                 last_status_);
    }
    settle_.expires_after(settled ? std::max<std::chrono::milliseconds>(cfg_.source.settle, 1s) : wait);
    boost::system::error_code ec;
    co_await settle_.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (stop_) co_return false;
    const auto now = core::look_at(*file);
    // Unchanged through a whole wait: settled, even when its change time is ahead of the clock.
    if (!(now == seen)) {
      trusted = false;
    } else if (!settled && !ec) {
      trusted = true;
    }
    seen = now;
  }
}

net::awaitable<void> service::loop() {
  // The first cycle runs at once; it is a full reconcile only when one is due by the time of the
  // last complete listing in state.db, so a restart keeps the schedule.
  trigger(cycle_trigger::startup);
  auto next_due = std::chrono::steady_clock::now();
  while (!stop_) {
    if (!pending_.cycle && !pending_.reload) {
      wake_.expires_at(next_due);
      boost::system::error_code ec;
      co_await wake_.async_wait(net::redirect_error(net::use_awaitable, ec));
      if (stop_) break;
      if (!ec) {
        // The schedule is due. After a 401, only a changed token ends the long wait early.
        trigger(cycle_trigger::schedule);
      }
    }
    if (pending_.reload) reload();
    if (!pending_.cycle) continue;
    if (auth_backoff_ && pending_.trigger != cycle_trigger::signal) {
      if (token_fingerprint() == token_fingerprint_ && std::chrono::steady_clock::now() < next_due) {
        pending_.cycle = false;
        continue;
      }
    }
    const bool full = pending_.full || full_reconcile_due();
    const auto why = pending_.trigger;
    pending_ = pending{false, false, cycle_trigger::schedule, pending_.reload};
    in_cycle_ = true;
    metrics_.set_cycle_running(true);
    sd_.status("cycle running (" + std::string(core::enum_name(why)) + "); " + last_status_);
    if (!co_await wait_for_ready_export()) break;
    std::optional<core::cycle_result> result;
    try {
      wait_policy waits;
      waits.sleeper = sleeper_;
      waits.on_long_wait = [this](const std::optional<connectors::long_wait>& w) { on_long_wait(w); };
      result = co_await runner_->run(ioc_.get_executor(), why, full, &stop_, std::move(waits));
    } catch (const core::state_error& e) {
      log_->error("cycle.state_failed {}", e.what());
      last_status_ = std::string("last cycle failed on the state database: ") + e.what();
    }
    in_cycle_ = false;
    metrics_.set_cycle_running(false);
    if (result) {
      try {
        metrics_.record_cycle(result->end.outcome, audit_->counts(result->cycle_id), result->requests);
      } catch (const core::state_error& e) {
        log_->warn("metrics.refresh_failed {}", e.what());
      }
    }
    if (stop_) break;
    // A newer export read while the cycle ran: what it changed is planned now, not at the
    // next interval.
    if (result && result->newer_exports > 0) trigger(cycle_trigger::source_change);
    next_due = std::chrono::steady_clock::now() + jittered(cfg_.schedule.interval);
    if (result) {
      last_status_ = status_line(*result);
      if (result->end.outcome == cycle_outcome::auth_failed) {
        auth_backoff_ = true;
        token_fingerprint_ = token_fingerprint();
        next_due = std::chrono::steady_clock::now() +
                   std::max<std::chrono::milliseconds>(cfg_.schedule.interval, auth_backoff);
        last_status_ +=
            "; 8x8 refused the token: waiting for a new one (replace it, then systemctl restart "
            "eightsync)";
        log_->error(
            "service.auth_backoff next_cycle_in={}s: {}",
            std::chrono::duration_cast<std::chrono::seconds>(next_due - std::chrono::steady_clock::now())
                .count(),
            result->end.error);
      } else {
        auth_backoff_ = false;
      }
    }
    refresh_metrics();
    const auto wait =
        std::chrono::duration_cast<std::chrono::seconds>(next_due - std::chrono::steady_clock::now());
    sd_.status(last_status_ + "; next in " + std::to_string(std::max<std::int64_t>(wait.count(), 0)) + " s");
  }
  ioc_.stop();
}
#pragma GCC diagnostic pop

int service::run() {
  auto lock = take_writer_lock(cfg_, "run", err_);
  if (!lock) return lock.error();
  log_ = make_daemon_logger(cfg_.log);
  const auto& clk = core::wall_clock::instance();
  try {
    core::state_store::options so;
    so.logger = log_;
    store_.emplace(cfg_.state.path, cfg_.target.url, so);
    audit_.emplace(*store_, clk);
    if (const auto n = audit_->mark_interrupted_cycles(); n > 0)
      log_->warn("cycle.interrupted count={}: an earlier run ended during its cycle", n);
  } catch (const core::state_error& e) {
    err_ << "eightsync run: " << e.what() << '\n';
    log_->error("service.state_unusable {}", e.what());
    return exit_state_unusable;
  }
  if (auto token = read_token(cfg_.target); !token) {
    err_ << "eightsync run: " << token.error() << '\n';
    log_->error("service.no_token {}", token.error());
    return exit_auth_failed;
  }
  core::persistent_rate_limiter::options lo;
  lo.max_pause = cfg_.target.retry.max_pause;
  lo.logger = log_;
  limiter_ = std::make_shared<core::persistent_rate_limiter>(cfg_.state.path, cfg_.target.rate_limit.requests,
                                                             cfg_.target.rate_limit.per, clk, lo);
  sleeper_ = std::make_shared<connectors::timer_sleeper>(ioc_.get_executor());
  runner_ = std::make_unique<cycle_runner>(cfg_, *store_, *audit_, limiter_, log_, clk);
  watch_signals();
  start_watcher();
  log_->info("service.ready pid={} config={} state={} target={}", ::getpid(), file_.string(),
             cfg_.state.path.string(), cfg_.target.url);
  refresh_metrics();
  start_metrics();
  sd_.ready("started; the first cycle (a full reconcile) runs now");
  pet_watchdog();
  std::exception_ptr failure;
  net::co_spawn(ioc_, loop(), [&](std::exception_ptr e) { failure = e; });
  ioc_.run();
  if (failure) std::rethrow_exception(failure);
  log_->info("service.stopped");
  sd_.stopping("stopped");
  return exit_ok;
}

}  // namespace

int run_service(const std::filesystem::path& config_file, config::eightsync_config cfg, std::ostream& err) {
  service s(config_file, std::move(cfg), err);
  return s.run();
}

}  // namespace eightsync::daemon
