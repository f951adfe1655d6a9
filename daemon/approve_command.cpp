#include "daemon/approve_command.hpp"

#include <algorithm>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/lifecycle_events.hpp"
#include "core/lifecycle_rule.hpp"
#include "core/state_error.hpp"
#include "core/unsafe_text.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/os_user.hpp"
#include "daemon/state_access.hpp"

namespace eightsync::daemon {

int run_approve(const config::eightsync_config& cfg, std::int64_t cycle, core::approval_scope scope,
                std::ostream& out, std::ostream& err) {
  auto store = open_existing_state(cfg, "approve", err);
  if (!store) return store.error();
  try {
    core::audit_log audit(*store);
    const auto result = audit.record_approval(cycle, scope, os_user());
    const std::string what =
        scope == core::approval_scope::all ? "operations" : std::string(core::enum_name(scope));
    switch (result) {
      case core::audit_approval_result::recorded:
        break;
      case core::audit_approval_result::no_such_cycle:
        err << "eightsync approve: there is no cycle " << cycle << " (see `sqlite3 "
            << cfg.state.path.string() << " 'SELECT id, outcome FROM cycles'`)\n";
        return exit_refused;
      case core::audit_approval_result::nothing_held:
        err << "eightsync approve: cycle " << cycle << " held no " << what << "; nothing to approve\n";
        return exit_refused;
      case core::audit_approval_result::already_approved:
        err << "eightsync approve: the " << what << " held in cycle " << cycle
            << " are already approved and wait for the next cycle\n";
        return exit_refused;
    }
    std::size_t n = 0;
    for (const auto& h : audit.held(cycle)) {
      if (!core::approval_covers(scope, h.kind)) continue;
      if (n == 0) out << "Approved, from cycle " << cycle << ":\n";
      ++n;
      out << "  " << core::enum_name(h.kind) << "  " << core::escaped(h.hr_key) << "  "
          << core::escaped(h.user_name) << (h.scim_id.empty() ? "" : " (id " + core::escaped(h.scim_id) + ")")
          << "  held: " << core::escaped(h.hold.text) << '\n';
    }
    out << n << (n == 1 ? " operation" : " operations") << " approved by " << os_user()
        << ". Nothing was sent now: the next cycle applies each one that it still plans against fresh "
           "data (anything HR or 8x8 changed since is planned afresh).\n";
    return exit_ok;
  } catch (const core::state_error& e) {
    err << "eightsync approve: " << e.what() << '\n';
    return exit_state_unusable;
  }
}

namespace {

// The operation the plan makes for event `e`; `linked` holds the keys with an 8x8 user (a
// create inside the span links its key for the events after it). nullopt: nothing is sent (an
// end of someone without an account, a window that creates nothing).
std::optional<core::operation_kind> operation_for(const core::upcoming_event& e,
                                                  const core::lifecycle_policy& policy,
                                                  std::set<std::string, std::less<>>& linked) {
  const bool has_account = linked.contains(e.key);
  std::optional<core::operation_kind> kind;
  if (e.becomes == core::hr_intent::ended && has_account) kind = core::operation_kind::deactivate;
  if (e.becomes == core::hr_intent::active)
    kind = has_account ? core::operation_kind::reactivate : core::operation_kind::create;
  if (e.becomes == core::hr_intent::provisioning && !has_account && core::create_active(e.becomes, policy))
    kind = core::operation_kind::create;
  if (kind == core::operation_kind::create) linked.insert(e.key);
  return kind;
}

}  // namespace

int run_approve_upcoming(const config::eightsync_config& cfg, std::chrono::milliseconds horizon,
                         std::ostream& out, std::ostream& err) {
  if (!cfg.lifecycle) {
    err << "eightsync approve --upcoming: the config has no lifecycle: block, so no operation is driven by a "
           "date; approve a held cycle with `eightsync approve CYCLE`\n";
    return exit_refused;
  }
  auto store = open_existing_state(cfg, "approve", err);
  if (!store) return store.error();
  const auto hr = read_and_map(cfg);
  if (!hr) {
    err << "eightsync approve --upcoming: " << hr.error().message << "; nothing was approved\n";
    return exit_source_rejected;
  }
  try {
    const core::planner_options options =
        planner_options_from(cfg, core::wall_clock::instance().now(), false);
    const auto from = options.lifecycle_now();
    const auto until = from + horizon;
    std::set<std::string, std::less<>> linked;
    for (auto& l : store->load_links())
      linked.insert(std::move(l.hr_key));
    std::vector<core::audit_upcoming_approval> ops;
    for (const auto& e : core::upcoming_events(
             hr->mapped, from, std::chrono::ceil<std::chrono::seconds>(horizon), options.lifecycle)) {
      if (options.protect.matches(e.user_name)) continue;
      if (const auto kind = operation_for(e, options.lifecycle, linked))
        ops.push_back({e.key, e.user_name, *kind, e.at});
    }
    if (ops.empty()) {
      err << "eightsync approve --upcoming: no start, end or provisioning window comes before "
          << core::format_utc(std::chrono::floor<std::chrono::seconds>(until)) << "; nothing was approved\n";
      return exit_refused;
    }
    core::audit_log audit(*store);
    audit.record_upcoming_approvals(ops, until - options.lifecycle_offset, os_user());
    out << "Approved ahead, due before " << core::format_utc(std::chrono::floor<std::chrono::seconds>(until))
        << ":\n";
    for (const auto& op : ops) {
      out << "  " << core::format_utc(op.due_at) << "  " << core::enum_name(op.kind) << "  "
          << core::escaped(op.hr_key) << "  " << core::escaped(op.user_name) << '\n';
    }
    out << ops.size() << (ops.size() == 1 ? " operation" : " operations") << " approved ahead by "
        << os_user()
        << ". Nothing was sent now: when each one's instant comes, a safety limit neither counts nor holds "
           "it (a shrunk, empty or re-keyed export still does). A date HR moves is another instant, and is "
           "not approved.\n";
    return exit_ok;
  } catch (const core::state_error& e) {
    err << "eightsync approve: " << e.what() << '\n';
    return exit_state_unusable;
  }
}

}  // namespace eightsync::daemon
