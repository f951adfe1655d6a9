#include "daemon/audit_command.hpp"

#include <ostream>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/audit_log.hpp"
#include "core/quarantine_reason.hpp"
#include "core/state_error.hpp"
#include "core/state_time.hpp"
#include "core/unsafe_text.hpp"
#include "daemon/audit_text.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/state_access.hpp"

namespace eightsync::daemon {
namespace {

int show_cycles(const core::audit_log& audit, const audit_request& r, std::ostream& out) {
  const auto rows = audit.cycles(r.limit);
  if (r.json) {
    boost::json::array arr;
    for (const auto& c : rows)
      arr.push_back(cycle_json(c, audit.counts(c.id)));
    out << boost::json::serialize(arr) << '\n';
    return exit_ok;
  }
  if (rows.empty()) out << "No cycles recorded yet.\n";
  for (const auto& c : rows) {
    const auto counts = audit.counts(c.id);
    out << cycle_line(c, counts) << "\n    " << counts_phrase(counts) << '\n';
    if (!c.error.empty()) out << "    " << core::escaped(c.error) << '\n';
  }
  return exit_ok;
}

int show_cycle(const core::audit_log& audit, const audit_request& r, std::ostream& out, std::ostream& err) {
  const auto c = audit.cycle(r.cycle);
  if (!c) {
    err << "eightsync audit show: there is no cycle " << r.cycle
        << " (`eightsync audit cycles` lists them)\n";
    return exit_refused;
  }
  const auto counts = audit.counts(c->id);
  const auto ops = audit.operations(c->id);
  const auto quarantined = audit.quarantined(c->id);
  const auto held = audit.held(c->id);
  if (r.json) {
    auto doc = cycle_json(*c, counts);
    boost::json::array o, q, h;
    for (const auto& op : ops)
      o.push_back(operation_json(op));
    for (const auto& row : quarantined)
      q.push_back({{"line", row.line},
                   {"record", row.record},
                   {"hr_key", row.key},
                   {"reason", core::enum_name(row.reason)},
                   {"detail", row.detail}});
    for (const auto& row : held)
      h.push_back(held_json(row));
    doc["operations"] = std::move(o);
    doc["quarantined"] = std::move(q);
    doc["held"] = std::move(h);
    out << boost::json::serialize(doc) << '\n';
    return exit_ok;
  }
  out << cycle_line(*c, counts) << '\n';
  out << "  HR export: " << (c->source_path.empty() ? "(not read)" : c->source_path);
  if (c->rows_read) out << ", " << *c->rows_read << " rows";
  if (c->rows_in_scope) out << ", " << *c->rows_in_scope << " in scope";
  if (c->rows_quarantined) out << ", " << *c->rows_quarantined << " quarantined";
  if (!c->source_sha256.empty()) out << " (sha256 " << c->source_sha256.substr(0, 16) << "…)";
  out << "\n  " << counts_phrase(counts) << '\n';
  if (!c->error.empty()) out << "  " << core::escaped(c->error) << '\n';
  if (!ops.empty()) out << "\nOperations (" << ops.size() << ")\n";
  for (const auto& op : ops)
    out << operation_text(op, c->source_sha256);
  if (!held.empty()) {
    out << "\nHeld (" << held.size() << "): approve with `eightsync approve " << c->id << "`\n";
    for (const auto& h : held)
      out << held_text(h);
  }
  if (!quarantined.empty()) {
    out << "\nQuarantined HR rows (" << quarantined.size() << ")\n";
    for (const auto& row : quarantined)
      out << "  line " << row.line << (row.key.empty() ? "" : "  key " + core::escaped(row.key)) << "  ["
          << core::enum_name(row.reason) << "]  " << core::escaped(row.detail) << '\n';
  }
  return exit_ok;
}

int show_user(const core::audit_log& audit, const audit_request& r, std::ostream& out, std::ostream& err) {
  const auto ops = audit.user_history(r.user);
  if (r.json) {
    boost::json::array arr;
    for (const auto& op : ops)
      arr.push_back(operation_json(op));
    out << boost::json::serialize(arr) << '\n';
    return exit_ok;
  }
  if (ops.empty()) {
    err << "eightsync audit user: no operation recorded for HR key or userName \"" << core::escaped(r.user)
        << "\"\n";
    return exit_refused;
  }
  out << "History of " << core::escaped(r.user) << " (" << ops.size()
      << (ops.size() == 1 ? " operation" : " operations") << ", oldest first)\n";
  for (const auto& op : ops)
    out << "cycle " << op.cycle_id << "  " << core::format_utc_time(op.intent_at) << '\n'
        << operation_text(op);
  return exit_ok;
}

}  // namespace

int run_audit(const config::eightsync_config& cfg, const audit_request& request, std::ostream& out,
              std::ostream& err) {
  auto store = open_existing_state(cfg, "audit", err, true);
  if (!store) return store.error();
  try {
    const core::audit_log audit(*store);
    switch (request.what) {
      case audit_request::view::cycles:
        return show_cycles(audit, request, out);
      case audit_request::view::show:
        return show_cycle(audit, request, out, err);
      case audit_request::view::user:
        return show_user(audit, request, out, err);
    }
  } catch (const core::state_error& e) {
    err << "eightsync audit: " << e.what() << '\n';
    return exit_state_unusable;
  }
  return exit_internal;
}

}  // namespace eightsync::daemon
