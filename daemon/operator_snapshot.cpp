#include "daemon/operator_snapshot.hpp"

#include <utility>

#include "core/manual_action.hpp"
#include "core/operation_kind.hpp"

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
    ++s.open_by_kind[std::string(core::manual_action_kind_name(a.action.kind))];
    ++s.open_total;
  }
  s.failing = audit.failing_users();
  return s;
}

}  // namespace eightsync::daemon
