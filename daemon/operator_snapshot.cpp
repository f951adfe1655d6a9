#include "daemon/operator_snapshot.hpp"

#include <utility>

#include "core/clock.hpp"
#include "core/manual_action.hpp"
#include "core/operation_kind.hpp"
#include "core/pacing.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/sliding_window_rate_limiter.hpp"
#include "core/source_settle.hpp"

namespace eightsync::daemon {

std::size_t operator_snapshot::held_deactivations() const noexcept {
  std::size_t n = 0;
  for (const auto& h : waiting)
    if (h.kind == core::operation_kind::deactivate) ++n;
  return n;
}

operator_snapshot take_operator_snapshot(const core::audit_log& audit) {
  operator_snapshot s;
  const auto recent = audit.cycles(20);
  if (!recent.empty()) {
    s.last = recent.front();
    s.last_counts = audit.counts(recent.front().id);
    s.quarantined = audit.quarantined(recent.front().id).size();
  }
  s.last_ok = audit.last_cycle_with(core::cycle_outcome::ok);
  const auto approvals = audit.pending_approvals();
  for (const auto& c : recent) {
    // A cycle that ended ok planned everything again and held nothing: older holds are gone
    // (still over a limit, they would have been held again).
    if (c.outcome == core::cycle_outcome::ok) break;
    auto h = audit.held(c.id);
    if (h.empty()) continue;
    bool approved = false;
    for (const auto& a : approvals)
      if (a.cycle_id == c.id) approved = true;
    if (!approved) {
      s.waiting = std::move(h);
      s.held_cycle = c.id;
    }
    break;
  }
  for (const auto& a : audit.manual_actions(true)) {
    ++s.open_by_kind[std::string(core::enum_name(a.action.kind))];
    ++s.open_total;
  }
  s.failing = audit.failing_users();
  return s;
}

std::optional<operator_pause> read_pause(core::state_store& store, std::size_t requests,
                                         core::clock::duration window, core::clock::duration max_pause,
                                         core::clock::time_point now) {
  const auto stored = core::persistent_rate_limiter::stored_state(store);
  if (stored.sent.empty() && !stored.paused_until) return std::nullopt;
  // The limiter's own arithmetic, on a clock that stays at `now`: the answer is what the next
  // request would meet, clamping included.
  auto clamped = stored;
  core::clamp_to_clock(clamped, now, requests, core::pacing_window(window), max_pause);
  const core::manual_clock at(now);
  core::sliding_window_rate_limiter w(requests, window, at,
                                      core::sliding_window_rate_limiter::options{std::nullopt, max_pause});
  w.import_state(clamped);
  const auto next = w.next_slot();
  const auto st = w.export_state();
  const bool paused = st.paused_until && *st.paused_until > now;
  const auto threshold =
      std::max<core::clock::duration>(std::chrono::minutes{1}, core::pacing_window(window));
  if (!paused && next - now <= threshold) return std::nullopt;
  // Held by 8x8's pause: the request waiting for its end (the slot handed out then) goes first,
  // so no request goes before the pause ends.
  operator_pause p = core::held_by_pause(st.paused_until, next, core::pacing_window(window))
                         ? operator_pause{*st.paused_until, "retry_after", std::nullopt}
                         : operator_pause{next, "rate_limit", std::nullopt};
  if (stored.paused_until && st.paused_until && *stored.paused_until > *st.paused_until)
    p.stored = stored.paused_until;
  return p;
}

std::optional<export_age> read_export_age(const core::source_options& source,
                                          core::clock::time_point now) noexcept {
  const auto look = core::look_at(source.path);
  if (!look.exists) return std::nullopt;
  return export_age{now > look.changed ? now - look.changed : core::clock::duration::zero(), source.max_age};
}

}  // namespace eightsync::daemon
