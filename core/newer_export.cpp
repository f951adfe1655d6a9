#include "core/newer_export.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/leaver_pass.hpp"
#include "core/leaver_rule.hpp"
#include "core/lifecycle_rule.hpp"
#include "core/load_planner_state.hpp"
#include "core/planner.hpp"
#include "core/text.hpp"

namespace eightsync::core {

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

std::vector<std::string> changed_keys(const mapping_result& was, const mapping_result& now) {
  struct seen {
    const desired_user* user;
    bool matched = false;
  };
  std::unordered_map<std::string_view, seen> before;
  before.reserve(was.users.size());
  for (const auto& d : was.users)
    before.emplace(d.key, seen{&d});
  std::vector<std::string> out;
  for (const auto& d : now.users) {
    const auto it = before.find(d.key);
    if (it == before.end()) {
      out.push_back(d.key);
      continue;
    }
    it->second.matched = true;
    if (it->second.user->hash != d.hash || it->second.user->active != d.active) out.push_back(d.key);
  }
  for (const auto& [key, s] : before) {
    if (!s.matched) out.emplace_back(key);
  }
  for (const auto& q : now.quarantined) {
    if (!is_blank(q.key)) out.push_back(q.key);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<plan_hold> held_export(const plan& p) {
  for (const auto& h : p.holds) {
    switch (h.reason) {
      case plan_hold_reason::source_shrink:
      case plan_hold_reason::empty_source:
      case plan_hold_reason::key_churn:
        return h;
      default:
        break;
    }
  }
  return std::nullopt;
}

newer_exports::newer_exports(newer_export_context ctx) noexcept
    : ctx_(std::move(ctx)), latest_sha256_(ctx_.cycle_export.source_sha256) {
  find_next_end();
}

// The planner's options at this moment, counting what the cycle already deactivated.
planner_options newer_exports::options_now() const {
  planner_options options = ctx_.settings.planner;
  options.full_listing_requested = false;
  options.now = ctx_.clk.now();
  options.deactivations_this_cycle = before_ + sent_;
  return options;
}

void newer_exports::find_next_end() {
  const auto now = lifecycle_now();
  ends_seen_until_ = std::chrono::floor<std::chrono::seconds>(now);
  next_end_ = earliest_end(latest().users, now, ctx_.settings.planner.lifecycle);
}

// The moment the lifecycle rules are judged at (the clock, moved by --as-of). Asked before every
// request: no copy of the planner's options.
clock::time_point newer_exports::lifecycle_now() const {
  return ctx_.clk.now() + ctx_.settings.planner.lifecycle_offset;
}

bool newer_exports::an_end_has_come() const {
  return next_end_ && lifecycle_now() >= *next_end_;
}

// An end date came while the cycle runs: its leavers go now, through the same leaver pass,
// rather than after a reconcile that may run for hours.
boost::asio::awaitable<void> newer_exports::act_on_ends() {
  co_await ctx_.port.wait_for_turn();
  if (ctx_.stop != nullptr && ctx_.stop->load()) co_return;
  const planner_options options = options_now();
  const leaver_rule rule(options.leavers, options.lifecycle, options.lifecycle_now());
  const auto& mapped = latest();
  // The unsent operations (an update, a planned rehire) of those whose end came since the last
  // look are dropped: they have left. Those who left earlier were planned as leavers already.
  for (const auto& d : mapped.users) {
    const auto end = d.ends_at();
    if (end && *end > ends_seen_until_ && rule.reason_for(d) == leaver_reason::end_date)
      superseded_.insert(d.key);
  }
  cycle_executor exec(ctx_.port, ctx_.store, ctx_.audit, ctx_.cycle, options.protect, ctx_.clk, ctx_.log,
                      ctx_.settings.failing_action_after);
  exec.set_source_sha256(latest_ ? latest_->source_sha256 : ctx_.cycle_export.source_sha256);
  const leaver_pass_result r =
      co_await run_leaver_pass(ctx_.port, exec, ctx_.clk, mapped, ctx_.store, options, ctx_.backoff,
                               ctx_.summary, ctx_.stop, *ctx_.log);
  sent_ += r.sent;
  ended_ += r.sent;
  cost_ += r.cost;
  ctx_.audit.record_held(ctx_.cycle, r.held_entries);
  held_ += r.held_entries.size();
  ctx_.log->info("lifecycle.ended cycle={} at={} leavers={} sent={} held={}", ctx_.cycle,
                 format_utc(*next_end_), r.candidates, r.sent, r.held_entries.size());
  find_next_end();
}

boost::asio::awaitable<void> newer_exports::between_requests() {
  if (busy_) co_return;
  if (ctx_.stop != nullptr && ctx_.stop->load()) co_return;
  if (an_end_has_come()) {
    busy_ = true;
    struct not_busy {
      bool& b;
      ~not_busy() { b = false; }
    } guard{busy_};
    co_await act_on_ends();
  }
  if (busy_ || !ctx_.settings.newer_export) co_return;
  if (ctx_.stop != nullptr && ctx_.stop->load()) co_return;
  // At most one newer export a settle period: one rewritten every few seconds cannot keep the
  // cycle reading instead of sending.
  if (last_read_ && ctx_.clk.now() - *last_read_ < ctx_.settings.newer_export_every) co_return;
  // Look as late as the pace allows: a leaver's GET then takes the slot the next planned
  // request would have had, and waits no gap of its own.
  co_await ctx_.port.wait_for_turn();
  if (ctx_.stop != nullptr && ctx_.stop->load()) co_return;
  auto got = ctx_.settings.newer_export();
  if (!got) co_return;
  last_read_ = ctx_.clk.now();
  if (!*got) {
    ctx_.log->warn("source.newer_rejected cycle={}: {}; the running cycle goes on with the export it read",
                   ctx_.cycle, got->error());
    co_return;
  }
  busy_ = true;
  struct not_busy {
    bool& b;
    ~not_busy() { b = false; }
  } guard{busy_};
  co_await act_on(std::move(**got));
}

boost::asio::awaitable<void> newer_exports::act_on(hr_input next) {
  if (next.source_sha256 == latest_sha256_) co_return;  // rewritten with the same content
  latest_sha256_ = next.source_sha256;
  ++acted_on_;
  planner_options options = options_now();
  options.source_changed_at = next.changed_at;

  // The whole export first, on what state.db knows (no request): a held export changes nothing,
  // neither a deactivation nor the running plan. The shrink baseline is the last completed good
  // cycle's: a cycle records one only when it ends.
  {
    const planner_state state = load_planner_state(ctx_.store, state_store::remote_json_loading::skip);
    const plan probe = make_plan(next.mapped, remote_snapshot{}, state, options);
    if (const auto hold = held_export(probe)) {
      ctx_.log->warn(
          "source.newer_held cycle={} sha256={} rows={}: {} Nothing changes until a cycle reads it.",
          ctx_.cycle, next.source_sha256, next.rows_read, hold->text);
      co_return;
    }
  }
  const auto keys = changed_keys(ctx_.cycle_export.mapped, next.mapped);
  superseded_.insert(keys.begin(), keys.end());

  cycle_executor exec(ctx_.port, ctx_.store, ctx_.audit, ctx_.cycle, options.protect, ctx_.clk, ctx_.log,
                      ctx_.settings.failing_action_after);
  exec.set_source_sha256(next.source_sha256);
  const leaver_pass_result r =
      co_await run_leaver_pass(ctx_.port, exec, ctx_.clk, next.mapped, ctx_.store, options, ctx_.backoff,
                               ctx_.summary, ctx_.stop, *ctx_.log);
  sent_ += r.sent;
  cost_ += r.cost;
  // Held by a limit: recorded under the running cycle, for `eightsync approve`.
  ctx_.audit.record_held(ctx_.cycle, r.held_entries);
  held_ += r.held_entries.size();
  ctx_.log->info("source.newer cycle={} sha256={} rows={} changed_keys={} leavers={} sent={} held={}",
                 ctx_.cycle, next.source_sha256, next.rows_read, keys.size(), r.candidates, r.sent,
                 r.held_entries.size());
  // Later end dates are this export's now.
  latest_ = std::move(next);
  find_next_end();
}

#pragma GCC diagnostic pop

}  // namespace eightsync::core
