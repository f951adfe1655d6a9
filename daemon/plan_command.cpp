#include "daemon/plan_command.hpp"

#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include "connectors/scim_client.hpp"
#include "core/clock.hpp"
#include "core/cycle_plan.hpp"
#include "core/leaver_pass.hpp"
#include "core/plan.hpp"
#include "core/plan_render.hpp"
#include "core/planner.hpp"
#include "core/sliding_window_rate_limiter.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/unsafe_text.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/lifecycle_text.hpp"
#include "daemon/log_setup.hpp"
#include "daemon/token_source.hpp"

namespace eightsync::daemon {
namespace {

namespace net = boost::asio;
using core::scim_outcome;

// Why reading stopped, and what the admin can do about it.
std::string stop_text(const core::scim_result& r, const std::string& url) {
  std::string s;
  switch (r.outcome) {
    case scim_outcome::auth_failed:
      s = "8x8 refused the token (401). It was revoked, or SCIM was switched off and on again in 8x8 Admin "
          "Console (which issues a new token). Put the new token in target.token_file and try again.";
      break;
    case scim_outcome::transport:
      s = "8x8 could not be reached at " + url + ": " + r.detail +
          ". Check the URL, DNS, the proxy and the firewall (`eightsync check-connection` tells which step "
          "fails).";
      break;
    case scim_outcome::rate_limited:
      s = "8x8 asked eightsync to slow down (429) for longer than one call waits. Try again later, or lower "
          "target.rate_limit.";
      break;
    default:
      s = std::string("reading 8x8 failed: ") + std::string(core::enum_name(r.outcome)) +
          (r.status != 0 ? " (HTTP " + std::to_string(r.status) + ")" : std::string()) +
          (r.detail.empty() ? std::string() : ": " + r.detail);
  }
  return s;
}

std::string read_text(const core::cycle_plan& c) {
  const auto& rm = c.remote;
  std::string s;
  if (c.reads.full_listing) {
    s = "8x8 read: full listing, " + std::to_string(rm.snapshot.users.size()) + " users in " +
        std::to_string(rm.listing_pages) + (rm.listing_pages == 1 ? " page" : " pages") +
        (rm.snapshot.complete ? " (complete)" : " (INCOMPLETE: nobody is deactivated as missing)");
  } else {
    s = "8x8 read: per user, " + std::to_string(rm.snapshot.spent.gets_by_id) + " GETs by id and " +
        std::to_string(rm.snapshot.spent.lookups) + " userName lookups";
  }
  return s + "; " + std::to_string(rm.requests) + (rm.requests == 1 ? " request" : " requests") +
         " sent. Why: " + c.reads.reason;
}

}  // namespace

int run_plan(const config::eightsync_config& cfg, const plan_request& request, std::ostream& out,
             std::ostream& err) {
  auto hr = read_and_map(cfg);
  if (!hr) {
    err << "eightsync plan: HR export rejected: " << hr.error().message << '\n'
        << "eightsync plan: nothing was planned; fix the export and run plan again\n";
    return exit_source_rejected;
  }

  auto token = read_token(cfg.target);
  if (!token) {
    err << "eightsync plan: " << token.error() << '\n';
    return exit_auth_failed;
  }

  // The state database is read, never created, migrated or bound: a plan against a new account
  // starts from no state, exactly as the first cycle would. An empty file (made by `touch`, or
  // left by a first run that died at once) is no state either, and stays empty.
  std::optional<core::state_store> store;
  std::error_code ec;
  const bool has_state = std::filesystem::exists(cfg.state.path, ec) &&
                         !(std::filesystem::is_regular_file(cfg.state.path, ec) &&
                           std::filesystem::file_size(cfg.state.path, ec) == 0 && !ec);
  if (has_state) {
    try {
      core::state_store::options so;
      so.read_only = true;
      store.emplace(cfg.state.path, cfg.target.url, so);
    } catch (const core::state_error& e) {
      err << "eightsync plan: " << e.what() << '\n';
      return exit_state_unusable;
    }
  }

  auto logger = make_cli_logger(err, request.verbose);

  const auto& clk = core::wall_clock::instance();
  std::shared_ptr<const core::clock> clk_ptr(&clk, [](const core::clock*) {});
  // A plan's reads count against the same budget as the service's requests: they are recorded
  // in the rate limiter's window of an existing state database (its only write), never in a
  // file that holds no state.
  std::shared_ptr<core::rate_limiter> limiter =
      store ? make_rate_limiter(cfg, clk, logger)
            : std::make_shared<core::sliding_window_rate_limiter>(cfg.target.rate_limit.requests,
                                                                  cfg.target.rate_limit.per, clk);
  if (const auto w = wait_beyond(*limiter, clk, cfg, request.max_wait)) {
    err << refused_wait_message("plan", *w, request.max_wait,
                                "nothing was read from 8x8 and no plan was made");
    return exit_paused;
  }
  std::optional<core::cycle_plan> planned;
  core::clock::time_point lifecycle_at{};  // the plan's lifecycle now
  std::optional<connectors::long_wait> refused;
  std::exception_ptr failure;
  try {
    net::io_context ioc;
    auto options = client_options(cfg, std::move(*token), limiter, clk_ptr, logger);
    options.max_wait = request.max_wait;
    connectors::scim_client client(ioc.get_executor(), std::move(options));
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          auto options = planner_options_from(cfg, clk.now(), request.full);
          options.source_changed_at = hr->source.changed_at;  // as a cycle does: source.max_age
          const auto leavers_options = options;
          lifecycle_at = options.lifecycle_now();
          planned = co_await core::plan_cycle(client, clk, hr->mapped, store ? &*store : nullptr,
                                              std::move(options), *logger, cfg.target.listing_max_duration);
          // A cycle reads each leaver again before its PATCH, ahead of the listing: that GET is
          // part of what it will send.
          planned->plan.cost.gets_by_id +=
              core::leaver_pass_gets(planned->plan, planned->reads.full_listing,
                                     core::leaver_reads(hr->mapped, planned->state, leavers_options));
          co_await client.shutdown();
          refused = client.refused_wait();
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc.run();
  } catch (const std::invalid_argument& e) {
    err << "eightsync plan: " << e.what() << '\n';
    return exit_config_invalid;
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const core::state_error& e) {
      err << "eightsync plan: " << e.what() << '\n';
      return exit_state_unusable;
    }
  }

  if (refused) {
    // The reads stopped at a wait this command may not make: a plan from them would be partial.
    err << refused_wait_message("plan", *refused, request.max_wait,
                                "reading 8x8 stopped and no plan was printed");
    return exit_paused;
  }

  const core::cycle_plan& c = *planned;
  const auto rate = plan_rate_from(cfg);
  if (c.remote.stopped && c.remote.stopped->outcome == scim_outcome::auth_failed) {
    err << "eightsync plan: " << stop_text(*c.remote.stopped, cfg.target.url) << '\n';
    return exit_auth_failed;
  }

  std::optional<horizon_report> horizon;
  if (request.horizon) {
    // From the moment the plan's lifecycle rules were evaluated at: an event after it is not in
    // the plan, one at or before it is.
    horizon = upcoming_in(hr->mapped, lifecycle_at, *request.horizon,
                          planner_options_from(cfg, lifecycle_at, false).lifecycle, c.state.links);
  }
  if (request.json) {
    auto doc = core::plan_json(c.plan, rate);
    boost::json::object read;
    read["full_listing"] = c.reads.full_listing;
    read["reason"] = c.reads.reason;
    read["complete"] = c.remote.snapshot.complete;
    read["users_read"] = c.remote.snapshot.users.size();
    read["requests_sent"] = c.remote.requests;
    read["rounds"] = c.read_rounds;
    boost::json::array failures;
    for (const auto& f : c.remote.failures) {
      failures.push_back({{"hr_key", f.read.hr_key},
                          {"kind", core::enum_name(f.read.kind)},
                          {"target", f.read.target},
                          {"outcome", core::enum_name(f.outcome)},
                          {"status", f.status},
                          {"detail", f.detail}});
    }
    read["failures"] = std::move(failures);
    if (c.remote.stopped) read["stopped"] = stop_text(*c.remote.stopped, cfg.target.url);
    doc["read"] = std::move(read);
    if (horizon) doc["lifecycle_events"] = horizon_json(*horizon);
    doc["source"] = {{"path", hr->source.origin},
                     {"sha256", hr->source.sha256},
                     {"rows_read", hr->source.rows_read},
                     {"users", hr->mapped.users.size()},
                     {"quarantined", hr->mapped.quarantined.size()}};
    out << boost::json::serialize(doc) << '\n';
  } else {
    out << "eightsync plan for " << cfg.target.url << "\n"
        << "HR export: " << hr->source.origin << ", " << hr->source.rows_read << " rows, "
        << hr->mapped.users.size() << " users, " << hr->mapped.quarantined.size() << " quarantined"
        << (hr->mapped.quarantined.empty() ? "" : " (see `eightsync preview`)") << '\n'
        << read_text(c) << "\n\n"
        << core::plan_text(c.plan, rate) << '\n';
    if (horizon) {
      print_horizon_text(out, *horizon);
      out << '\n';
    }
    out << "Nothing was changed: this was a dry run. `eightsync sync` applies the operations above.\n";
  }
  for (const auto& f : c.remote.failures) {
    err << "eightsync plan: warning: could not read " << f.read.target << " (HR key " << f.read.hr_key
        << "): " << core::enum_name(f.outcome)
        << (f.status != 0 ? " (HTTP " + std::to_string(f.status) + ")" : std::string())
        << (f.detail.empty() ? std::string() : ": " + core::escaped(f.detail)) << "; left undecided\n";
  }
  if (c.remote.stopped) {
    err << "eightsync plan: " << stop_text(*c.remote.stopped, cfg.target.url) << '\n'
        << "eightsync plan: the plan above is PARTIAL: it holds only what is safe without the missing "
           "reads\n";
    return exit_target_unreachable;
  }
  return exit_ok;
}

}  // namespace eightsync::daemon
