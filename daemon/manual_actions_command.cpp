#include "daemon/manual_actions_command.hpp"

#include <ostream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/audit_log.hpp"
#include "core/manual_action_kind.hpp"
#include "core/state_error.hpp"
#include "core/state_time.hpp"
#include "core/unsafe_text.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/os_user.hpp"
#include "daemon/state_access.hpp"

namespace eightsync::daemon {
namespace {

std::optional<core::manual_action_kind> kind_named(std::string_view name) {
  for (const auto k : core::enum_values<core::manual_action_kind>())
    if (core::enum_name(k) == name) return k;
  return std::nullopt;
}

std::string kind_list() {
  std::string s;
  for (const auto k : core::enum_values<core::manual_action_kind>())
    s += (s.empty() ? "" : ", ") + std::string(core::enum_name(k));
  return s;
}

}  // namespace

int run_manual_actions(const config::eightsync_config& cfg, const manual_actions_request& request,
                       std::ostream& out, std::ostream& err) {
  std::optional<core::manual_action_kind> kind;
  if (!request.resolve_kind.empty()) {
    kind = kind_named(request.resolve_kind);
    if (!kind) {
      err << "eightsync manual-actions: --resolve-kind: unknown kind \""
          << core::escaped(request.resolve_kind) << "\"; expected one of: " << kind_list() << '\n';
      return exit_usage;
    }
  }
  // Listing only reads: a member of the service's group without write access can list.
  const bool resolving = !request.resolve.empty() || kind.has_value();
  auto store = open_existing_state(cfg, "manual-actions", err, !resolving);
  if (!store) return store.error();
  try {
    core::audit_log audit(*store);
    if (resolving) {
      const std::string by = os_user();
      std::size_t n = 0;
      if (!request.resolve.empty()) n += audit.resolve_manual_actions(request.resolve, by, request.note);
      if (kind) n += audit.resolve_manual_actions_of_kind(*kind, by, request.note);
      out << n << (n == 1 ? " manual action" : " manual actions") << " marked resolved by " << by << ".\n";
      if (n == 0 && !request.resolve.empty()) {
        err << "eightsync manual-actions: none of the ids given is an open manual action (run "
               "`eightsync manual-actions` to list them)\n";
        return exit_refused;
      }
      return exit_ok;
    }
    const auto actions = audit.manual_actions(!request.all);
    if (request.json) {
      boost::json::array arr;
      for (const auto& a : actions) {
        boost::json::object o{{"id", a.id},
                              {"kind", core::enum_name(a.action.kind)},
                              {"hr_key", a.action.hr_key},
                              {"scim_id", a.action.scim_id},
                              {"user_name", a.action.user_name},
                              {"text", a.action.text},
                              {"raised_at", core::format_utc_time(a.raised_at)},
                              {"open", a.open}};
        if (a.raised_in_cycle) o["raised_in_cycle"] = *a.raised_in_cycle;
        if (!a.open) {
          o["resolved_by"] = a.resolved_by;
          if (a.resolved_at) o["resolved_at"] = core::format_utc_time(*a.resolved_at);
          o["note"] = a.note;
        }
        arr.push_back(std::move(o));
      }
      out << boost::json::serialize(arr) << '\n';
      return exit_ok;
    }
    if (actions.empty()) {
      out << (request.all ? "No manual actions recorded.\n" : "No open manual actions.\n");
      return exit_ok;
    }
    for (const auto& a : actions) {
      // HR keys, userNames and the sentences quoting them come from HR and 8x8: escaped.
      out << '#' << a.id << "  [" << core::enum_name(a.action.kind) << "]  HR key "
          << core::escaped(a.action.hr_key)
          << (a.action.user_name.empty() ? "" : "  " + core::escaped(a.action.user_name)) << "  raised "
          << core::format_utc_time(a.raised_at)
          << (a.raised_in_cycle ? " (cycle " + std::to_string(*a.raised_in_cycle) + ")" : std::string())
          << (a.open ? "" : "  RESOLVED by " + core::escaped(a.resolved_by)) << "\n    "
          << core::escaped(a.action.text) << '\n';
    }
    std::size_t open = 0;
    for (const auto& a : actions)
      open += a.open ? 1 : 0;
    out << open << " open. When done in Admin Console: eightsync manual-actions --resolve ID...\n";
    return exit_ok;
  } catch (const core::state_error& e) {
    err << "eightsync manual-actions: " << e.what() << '\n';
    return exit_state_unusable;
  }
}

}  // namespace eightsync::daemon
