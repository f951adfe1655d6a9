#include "daemon/cycle_runner.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "connectors/hr_sources.hpp"
#include "connectors/scim_client.hpp"
#include "core/cycle_labels.hpp"
#include "core/source_settle.hpp"
#include "core/state_error.hpp"
#include "daemon/audit_text.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/token_source.hpp"

namespace eightsync::daemon {

namespace net = boost::asio;

cycle_runner::cycle_runner(const config::eightsync_config& cfg, core::state_store& store,
                           core::audit_log& audit, std::shared_ptr<core::rate_limiter> limiter,
                           std::shared_ptr<spdlog::logger> log, const core::clock& clk) noexcept
    : cfg_(cfg),
      limiter_(std::move(limiter)),
      log_(std::move(log)),
      clock_(clk),
      engine_(store, audit, clk, log_) {}

// GCC 12 reports a false -Wmismatched-new-delete on these coroutines' frames (Asio's
// awaitable_frame has a matching operator new and delete; GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
net::awaitable<core::cycle_result> cycle_runner::run(net::any_io_executor executor,
                                                     core::cycle_trigger trigger, bool full,
                                                     std::atomic<bool>* stop, wait_policy waits) {
  refused_.reset();
  core::cycle_settings settings = cycle_settings_from(cfg_);
  settings.stop_reason = [this, max_wait = waits.max_wait]() -> std::string {
    if (!refused_ || !max_wait) return {};
    return refused_wait_text(*refused_, *max_wait) + "; the rest waits for the next cycle";
  };
  auto token = read_token(cfg_.target);
  if (!token) {
    auto report =
        engine_.record_unstarted(settings, trigger, full, core::cycle_outcome::auth_failed, token.error());
    log_->info("cycle.end {}", cycle_summary(report));
    co_return report;
  }
  std::shared_ptr<const core::clock> clk_ptr(&clock_, [](const core::clock*) {});
  auto options = client_options(cfg_, std::move(*token), limiter_, clk_ptr, log_);
  options.max_wait = waits.max_wait;
  options.sleeper = std::move(waits.sleeper);
  options.on_long_wait = std::move(waits.on_long_wait);
  // A wait this command may not make ends the cycle there: each further request would be
  // refused the same way.
  options.on_wait_refused = [this, stop](const connectors::long_wait& w) {
    refused_ = w;
    if (stop != nullptr) stop->store(true);
  };
  connectors::scim_client client(executor, std::move(options));
  // How the export looked when the cycle read it: a newer one is one that looks otherwise (looked
  // at before the read, so a change during the read is read again, not missed).
  const auto file = connectors::make_hr_source(cfg_.source)->watched_file();
  auto seen = std::make_shared<core::export_look>();
  const core::hr_reader read_hr = [this, file, seen]() -> core::expected<core::hr_input, std::string> {
    if (file) *seen = core::look_at(*file);
    auto hr = read_and_map(cfg_);
    if (!hr) return core::unexpected<std::string>{hr.error().message};
    return hr_input_of(std::move(*hr));
  };
  if (file) {
    settings.newer_export = follow_export(cfg_, *file, seen, clock_);
    // At least a second apart, even with source.settle 0.
    settings.newer_export_every =
        std::max<std::chrono::milliseconds>(cfg_.source.settle, std::chrono::seconds(1));
  }
  std::exception_ptr failure;
  core::cycle_result report;
  try {
    report = co_await engine_.run(client, read_hr, settings, trigger, full, stop);
  } catch (const core::state_error&) {
    failure = std::current_exception();
  }
  co_await client.shutdown();
  if (failure) std::rethrow_exception(failure);
  log_->info("cycle.end {}", cycle_summary(report));
  co_return report;
}
#pragma GCC diagnostic pop

std::string cycle_summary(const core::cycle_result& r) {
  const auto& x = r.exec;
  std::string s = "cycle " + std::to_string(r.cycle_id) + ": " + std::string(core::enum_name(r.end.outcome));
  if (r.planned) {
    s += " (" + std::to_string(x.ok) + " done, " + std::to_string(x.failed) + " failed, " +
         std::to_string(x.skipped) + " skipped, " + std::to_string(x.conflicts) + " create conflicts, " +
         std::to_string(x.not_applied) + " not fully applied; " + std::to_string(r.held) + " held, " +
         std::to_string(r.conflicts) + " conflicts, " + std::to_string(x.manual_actions_raised) +
         " new manual actions; " + std::to_string(r.end.requests_sent) + " requests sent, " +
         std::to_string(r.end.requests_planned) + " planned";
    if (r.newer_exports)
      s += "; " + std::to_string(r.newer_exports) +
           " newer HR exports read while it ran (their leavers went at once), " +
           std::to_string(x.superseded) + " operations left to the next cycle (rows they changed)";
    if (x.active_corrected)
      s += "; " + std::to_string(x.active_corrected) + (x.active_corrected == 1 ? " account" : " accounts") +
           " 8x8 created active before the start date made inactive at once (a correction, not a leaver)";
    if (x.refetched)
      s += "; " + std::to_string(x.refetched) + " PUTs fetched again (copy older than max_snapshot_age), " +
           std::to_string(x.deferred) + " of them left to the next plan";
    if (const auto cost = cost_phrase(r.end.cost); !cost.empty()) s += "; " + cost;
    s += ")";
  }
  return s;
}

}  // namespace eightsync::daemon
