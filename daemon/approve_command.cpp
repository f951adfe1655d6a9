#include "daemon/approve_command.hpp"

#include <ostream>
#include <string>

#include "core/audit_log.hpp"
#include "core/state_error.hpp"
#include "core/unsafe_text.hpp"
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

}  // namespace eightsync::daemon
