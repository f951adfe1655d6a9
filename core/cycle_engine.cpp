#include "core/cycle_engine.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <set>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>

#include "core/approval_scope.hpp"
#include "core/audit_rows.hpp"
#include "core/cycle_labels.hpp"
#include "core/leaver_pass.hpp"
#include "core/lifecycle_events.hpp"
#include "core/lifecycle_rule.hpp"
#include "core/newer_export.hpp"
#include "core/planner.hpp"
#include "core/state_error.hpp"
#include "core/text.hpp"

namespace eightsync::core {

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (Asio's awaitable_frame has
// a matching operator new and delete; GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

cycle_engine::cycle_engine(state_store& store, audit_log& audit, const clock& clk,
                           std::shared_ptr<spdlog::logger> log) noexcept
    : store_(store), audit_(audit), clock_(clk), log_(std::move(log)) {}

std::int64_t cycle_engine::begin(const cycle_settings& settings, cycle_trigger trigger, bool full) {
  audit_cycle_start start;
  start.kind = full ? cycle_kind::full : cycle_kind::incremental;
  start.trigger = trigger;
  start.source_path = settings.source_path;
  const std::int64_t id = audit_.begin_cycle(start);
  log_->info("cycle.start id={} trigger={} full={}", id, enum_name(trigger), full);
  return id;
}

void cycle_engine::end(cycle_result& report, const cycle_settings& settings) {
  audit_.end_cycle(report.cycle_id, report.end);
  if (settings.audit_retention) audit_.prune(clock_.now() - *settings.audit_retention);
}

cycle_result cycle_engine::record_unstarted(const cycle_settings& settings, cycle_trigger trigger, bool full,
                                            cycle_outcome outcome, std::string error) {
  cycle_result report;
  report.cycle_id = begin(settings, trigger, full);
  report.end.outcome = outcome;
  report.end.error = std::move(error);
  end(report, settings);
  return report;
}

boost::asio::awaitable<cycle_result> cycle_engine::run(scim_port& port, const hr_reader& read_hr,
                                                       const cycle_settings& settings, cycle_trigger trigger,
                                                       bool full, const std::atomic<bool>* stop) {
  cycle_result report;
  report.cycle_id = begin(settings, trigger, full);
  running_ = report.cycle_id;
  struct clear_running {
    std::int64_t& r;
    ~clear_running() { r = 0; }
  } clear{running_};

  // The port may have served earlier cycles: this cycle's requests are what it counts from now.
  const request_tally before = port.tally();
  cycle_executor exec(port, store_, audit_, report.cycle_id, settings.planner.protect, clock_, log_,
                      settings.failing_action_after);
  try {
    co_await body(port, exec, read_hr, settings, full, stop, report);
  } catch (const state_error& e) {
    try {
      audit_cycle_end failed;
      failed.outcome = cycle_outcome::partial;
      const request_tally spent = port.tally().since(before);
      failed.requests_sent = spent.sent;
      failed.cost = spent.cost;
      failed.error = e.what();
      audit_.end_cycle(report.cycle_id, failed);
    } catch (const state_error&) {
      // The database is what failed: the next start marks the cycle interrupted.
    }
    throw;
  }
  report.requests = port.tally().since(before);
  report.end.requests_sent = report.requests.sent;
  report.end.cost = report.requests.cost;
  end(report, settings);
  co_return report;
}

boost::asio::awaitable<void> cycle_engine::body(scim_port& port, cycle_executor& exec,
                                                const hr_reader& read_hr, const cycle_settings& settings,
                                                bool full, const std::atomic<bool>* stop,
                                                cycle_result& report) {
  auto& end = report.end;
  if (!co_await exec.resolve_intents(report.exec)) {
    end.outcome = cycle_outcome::auth_failed;
    end.error = report.exec.error;
    co_return;
  }
  auto hr = read_hr();
  if (!hr) {
    end.outcome = cycle_outcome::source_rejected;
    end.error = hr.error();
    co_return;
  }
  end.source_sha256 = hr->source_sha256;
  end.rows_read = hr->rows_read;
  end.rows_in_scope = hr->mapped.users.size();
  end.rows_quarantined = hr->mapped.quarantined.size();
  audit_.record_quarantined(report.cycle_id, hr->mapped.quarantined);

  planner_options options = settings.planner;
  options.full_listing_requested = full;
  options.source_changed_at = hr->changed_at;
  std::set<std::string> backoff;
  for (const auto& b : audit_.users_in_backoff(report.cycle_id))
    backoff.insert(b.hr_key);
  exec.set_source_sha256(hr->source_sha256);
  // Leavers before anything else: their GETs and PATCHes go before the listing, creates and
  // updates, and count toward this cycle's deactivation limits.
  leaver_pass_result first =
      co_await run_leaver_pass(port, exec, clock_, hr->mapped, store_, options, backoff, report.exec, stop,
                               *log_, approved_deactivations());
  options.deactivations_this_cycle = first.sent;
  // A newer export's leavers go between this cycle's requests, from here on.
  newer_exports newer(
      {port, store_, audit_, clock_, log_, report.cycle_id, settings, *hr, backoff, report.exec, stop});
  newer.set_deactivations_before(first.sent);
  std::function<boost::asio::awaitable<void>()> between;
  // Between requests: a newer export, and end dates that come while the cycle runs.
  const bool look_between = settings.newer_export || settings.planner.lifecycle.enabled;
  if (look_between) between = [&newer] { return newer.between_requests(); };
  // Unchanged by the leaver pass, the state it loaded is the plan's: not loaded twice.
  std::optional<planner_state> loaded;
  if (!first.state_changed) loaded = std::move(first.state);
  cycle_plan c = co_await plan_cycle(port, clock_, hr->mapped, &store_, options, *log_,
                                     settings.listing_max_duration, between, std::move(loaded));
  // Dates are judged as of the plan: a start that comes while the plan executes is due at once.
  const clock::time_point planned_at = clock_.now();
  if (newer.sent() > 0) {
    // Deactivations sent from a newer export while this cycle read count toward its limits too.
    options.deactivations_this_cycle = first.sent + newer.sent();
    options.full_listing_requested = c.reads.full_listing;
    options.now = clock_.now();
    c.plan = make_plan(hr->mapped, c.remote.snapshot, c.state, options);
  }
  report.planned = true;
  report.conflicts = c.plan.conflicts.size();
  end.kind = c.reads.full_listing ? cycle_kind::full : cycle_kind::incremental;
  report.read_failures = c.remote.failures.size();
  if (c.remote.stopped && c.remote.stopped->outcome == scim_outcome::auth_failed) {
    end.requests_planned = c.plan.cost.total() + first.cost.total();
    end.outcome = cycle_outcome::auth_failed;
    end.error =
        "8x8 refused the token (401) while reading; nothing was written. Put a new token in "
        "place (SCIM was switched off and on, or the token was revoked).";
    co_return;
  }

  // An operator's approval accepts this export's holds: once the leaver pass sent the approved
  // deactivations, a hold that trips again with nothing left to hold does not hold the cycle.
  const bool approved = !audit_.pending_approvals().empty();
  plan released = release_approved(c.plan, report.cycle_id);
  released.cost.refetches = estimate_refetches(released.operations, clock_.now(),
                                               settings.planner.max_snapshot_age, settings.planner.rate);
  // The writes of approved held operations are planned too: this cycle sends them, as it sent
  // the leaver pass's.
  end.requests_planned = released.cost.total() + first.cost.total();
  // A PUT whose copy grows stale while it waits its turn is decided again on the same export.
  exec.enable_recheck(hr->mapped, settings.planner, c.state);
  newer.set_deactivations_before(
      first.sent + static_cast<std::size_t>(std::count_if(
                       released.operations.begin(), released.operations.end(),
                       [](const plan_entry& e) { return e.kind == operation_kind::deactivate; })));
  if (look_between) exec.set_between(between, &newer.superseded());
  if (stop == nullptr || !stop->load()) co_await exec.execute(released, backoff, report.exec, stop);
  // What newer exports cost is planned too: this cycle sent it.
  end.requests_planned += newer.cost().total();
  report.newer_exports = newer.acted_on();
  report.next_lifecycle_event = next_lifecycle_event(newer.latest(), settings.planner, planned_at);
  report.held += newer.held();
  if (stop != nullptr && stop->load()) {
    end.outcome = cycle_outcome::interrupted;
    end.error = settings.stop_reason ? settings.stop_reason() : std::string();
    if (end.error.empty()) end.error = "stopped by a signal; the rest waits for the next cycle";
  }

  record_decisions(c.plan, released, newer.superseded(), report);
  record_listing(c);
  remember_site_schema(c);
  remember_known_sites(c);
  remember_next_lifecycle_event(newer.latest(), settings);
  if (end.outcome != cycle_outcome::interrupted) decide_outcome(c, *hr, approved, report);
}

// When the next start, end or provisioning window of `mapped` after `planned_at` comes, on the
// cycle's clock (the lifecycle rules may run ahead of it with --as-of).
std::optional<clock::time_point> cycle_engine::next_lifecycle_event(const mapping_result& mapped,
                                                                    planner_options options,
                                                                    clock::time_point planned_at) const {
  options.now = planned_at;
  const auto e = first_upcoming_event(mapped, options.lifecycle_now(), options.lifecycle);
  if (!e) return std::nullopt;
  return clock::time_point{e->at - options.lifecycle_offset};
}

// The HR keys of held deactivations a pending approval covers: the leaver pass sends them first
// (release_approved then uses the approvals up).
std::set<std::string> cycle_engine::approved_deactivations() const {
  std::set<std::string> out;
  for (const auto& a : audit_.pending_approvals()) {
    if (!approval_covers(a.scope, operation_kind::deactivate)) continue;
    for (const auto& h : audit_.held(a.cycle_id))
      if (h.kind == operation_kind::deactivate) out.insert(h.hr_key);
  }
  return out;
}

// The plan's manual actions and held operations, but none for a person a newer export changed:
// those were decided on an older row (and on state.db from before any deactivation sent from
// it), and the next cycle decides afresh.
void cycle_engine::record_decisions(const plan& planned, const plan& released,
                                    const std::set<std::string>& superseded, cycle_result& report) {
  const auto current = [&](const std::string& hr_key) { return superseded.count(hr_key) == 0; };
  for (const auto& a : planned.manual_actions)
    if (current(a.hr_key) && audit_.raise_manual_action(report.cycle_id, a))
      ++report.exec.manual_actions_raised;
  std::vector<plan_entry> held;
  std::copy_if(released.held.begin(), released.held.end(), std::back_inserter(held),
               [&](const plan_entry& e) { return current(e.hr_key); });
  audit_.record_held(report.cycle_id, held);
  report.held += held.size();
}

// Held operations an operator approved, that this cycle still plans against fresh data, run with
// the rest; the approvals are used up either way (a new hold needs a new approval).
plan cycle_engine::release_approved(const plan& planned, std::int64_t cycle_id) {
  plan released = planned;
  std::vector<std::int64_t> used;
  for (const auto& a : audit_.pending_approvals()) {
    used.push_back(a.id);
    for (const auto& h : audit_.held(a.cycle_id)) {
      if (!approval_covers(a.scope, h.kind)) continue;
      const auto it = std::find_if(released.held.begin(), released.held.end(), [&](const plan_entry& e) {
        return e.kind == h.kind && e.hr_key == h.hr_key;
      });
      if (it == released.held.end()) continue;
      log_->info("op.{}.approved hr_key={} approval={} held_in_cycle={}", enum_name(h.kind), h.hr_key, a.id,
                 a.cycle_id);
      it->hold.reset();
      if (operation_sends_request(it->kind)) {
        ++released.cost.writes;
        --released.held_writes;
      }
      released.operations.push_back(std::move(*it));
      released.held.erase(it);
    }
  }
  if (!used.empty()) {
    audit_.consume_approvals(used, cycle_id);
    std::stable_sort(released.operations.begin(), released.operations.end(), runs_before);
  }
  return released;
}

// What 8x8 holds for each linked user, as listed: rewritten only where it changed. A complete
// listing also becomes the index of unmanaged users that incremental cycles match new HR rows
// against (after this cycle's writes, so users it created or adopted are left out).
void cycle_engine::record_listing(const cycle_plan& c) {
  if (!c.remote.snapshot.full_listing) return;
  store_.in_transaction([&] {
    std::vector<char> linked;  // per listed user: a link holds it (one scan of the links for both)
    store_.record_listed_remotes(c.remote.snapshot.users, &linked);
    if (c.remote.snapshot.complete && !c.remote.stopped) {
      const auto at = clock_.now();
      store_.record_full_listing(at, c.remote.listing_users);
      const std::size_t unmanaged = store_.record_unmanaged_users(c.remote.snapshot.users, linked, at);
      log_->info("state.unmanaged_users count={}", unmanaged);
    }
  });
}

// The site extension URN the users this cycle read carry, kept for cycles that read nobody with a
// site (an incremental cycle that only creates).
void cycle_engine::remember_site_schema(const cycle_plan& c) {
  const site_schema_choice& seen = c.plan.site_schema;
  if (seen.source != site_schema_source::seen || c.state.site_schema == seen.urn) return;
  store_.record_site_schema(seen.urn);
  log_->info("state.site_schema urn={} was={}", seen.urn, c.state.site_schema.value_or("none"));
}

// The site values of the users this cycle read that state.db did not know (the planner found
// them): sites 8x8 accepts, so a 400 to a write carrying one of them is never blamed on the site.
void cycle_engine::remember_known_sites(const cycle_plan& c) {
  if (c.plan.new_known_sites.empty()) return;
  const std::size_t added = store_.record_known_sites(c.plan.new_known_sites);
  log_->info("state.known_sites added={}", added);
}

// The next lifecycle event of the newest export the cycle acted on, after its writes (so its phrase knows
// whether the person has an account): `status` shows it without reading the export, which may be large, slow,
// or not readable by the operator who runs status.
void cycle_engine::remember_next_lifecycle_event(const mapping_result& mapped,
                                                 const cycle_settings& settings) {
  const lifecycle_policy& policy = settings.planner.lifecycle;
  const auto from = clock_.now() + settings.planner.lifecycle_offset;
  std::string recorded;
  if (const auto e = first_upcoming_event(mapped, from, policy)) {
    const bool linked = store_.find_link(e->key).has_value();
    auto doc = event_json(*e, event_phrase(*e, policy, linked));
    doc["found_at"] = format_utc(std::chrono::floor<std::chrono::seconds>(from));
    recorded = boost::json::serialize(doc);
  }
  store_.record_next_lifecycle_event(recorded);
}

namespace {

// Whether the cycle's listing stopped at one of its limits (listing_limits).
bool stopped_at_limit(const read_report& r) noexcept {
  return r.snapshot.full_listing &&
         (r.listing_end == scim_listing_end::too_many_users || r.listing_end == scim_listing_end::too_long);
}

}  // namespace

namespace {

// Why a cycle is partial, for the admin: the first of a stopped read, a refused externalId,
// writes waiting for a refused site, or unsent operations; empty when only user failures (each
// recorded with its own error) made it partial.
std::string partial_reason(const cycle_plan& c, const execution_summary& x) {
  if (c.remote.stopped) return "reading 8x8 stopped: " + c.remote.stopped->detail;
  if (stopped_at_limit(c.remote)) {
    return c.remote.listing_end == scim_listing_end::too_long
               ? "the listing of 8x8 ran past target.listing_max_duration and stopped after " +
                     std::to_string(c.remote.listing_users) +
                     " users; it counts as incomplete (nobody is taken as gone)"
               : "the listing of 8x8 stopped after " + std::to_string(c.remote.listing_users) +
                     " users, more than it claimed or than this account held; it counts as incomplete "
                     "(nobody is taken as gone)";
  }
  if (x.external_id_refused) {
    return "8x8 refuses a non-numeric externalId in this account (400; the same write without it was "
           "accepted), so eightsync sent no externalId for the rest of this cycle. Remove externalId from "
           "`mapping:` (matching then relies on userName and email), or map it to a number.";
  }
  if (x.waiting_for_site > 0) {
    return std::to_string(x.waiting_for_site) +
           " writes wait for a site 8x8 refused (400 for a site it was never seen to accept); the "
           "unknown_site manual actions name each site and what to do";
  }
  if (x.skipped > 0) {
    return std::to_string(x.skipped) +
           " operations were not sent (users backing off after failures, or waiting on a failed step); "
           "`eightsync status` lists them";
  }
  return {};
}

}  // namespace

void cycle_engine::decide_outcome(const cycle_plan& c, const hr_input& hr, bool approved,
                                  cycle_result& report) {
  auto& end = report.end;
  const auto& x = report.exec;
  if (x.auth_failed) {
    end.outcome = cycle_outcome::auth_failed;
    end.error = x.error;
  } else if (x.write_forbidden) {
    end.outcome = cycle_outcome::write_forbidden;
    end.error = x.error;
  } else if (x.failed + x.skipped > x.still_failing || x.conflicts > 0 || x.not_applied > 0 ||
             report.read_failures > 0 || c.remote.stopped || stopped_at_limit(c.remote) ||
             x.external_id_refused || x.waiting_for_site > 0) {
    // Users already failing before this cycle (backing off, or failing again) were reported when
    // they first failed, and `status` lists them: alone, they do not hold back "last success" or
    // the shrink baseline.
    // Skipped includes users backing off after earlier failures: their change is still owed.
    end.outcome = cycle_outcome::partial;
    end.error = partial_reason(c, x);
  } else if (report.held > 0 || (!c.plan.holds.empty() && c.plan.held.empty() && !approved)) {
    // A hold that tripped holds the cycle even when it caught no operation (key churn where
    // every new key is a conflict): nothing from this export counts as a good cycle. So do a
    // newer export's deactivations held by a limit (report.held counts them).
    end.outcome = cycle_outcome::held;
    end.error = report.held == 0 ? "a safety limit tripped: " + c.plan.holds.front().text
                                 : std::to_string(report.held) +
                                       " operations held by a safety limit; approve with "
                                       "`eightsync approve " +
                                       std::to_string(report.cycle_id) + "`";
  } else {
    end.outcome = cycle_outcome::ok;
    store_.record_good_cycle(last_good_cycle{source_row_count(hr.mapped), store_.link_count(), clock_.now()});
  }
}

#pragma GCC diagnostic pop

}  // namespace eightsync::core
