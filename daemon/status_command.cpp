#include "daemon/status_command.hpp"

#include <map>
#include <ostream>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/audit_log.hpp"
#include "core/cycle_outcome.hpp"
#include "core/quarantine_reason.hpp"
#include "core/state_error.hpp"
#include "core/state_time.hpp"
#include "core/unsafe_text.hpp"
#include "daemon/audit_text.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/lock_holder.hpp"
#include "daemon/operator_snapshot.hpp"
#include "daemon/state_access.hpp"

namespace eightsync::daemon {

int run_status(const config::eightsync_config& cfg, bool json, std::ostream& out, std::ostream& err) {
  auto store = open_existing_state(cfg, "status", err, true);
  if (!store) return store.error();
  try {
    const core::audit_log audit(*store);
    const auto snap = take_operator_snapshot(audit);
    const auto holder = lock_holder(cfg.state.path);
    std::optional<core::clock::time_point> next;
    if (holder && snap.last && snap.last->ended_at) next = *snap.last->ended_at + cfg.schedule.interval;

    if (json) {
      boost::json::object doc;
      doc["state_database"] = cfg.state.path.string();
      doc["last_cycle"] = snap.last ? boost::json::value(cycle_json(*snap.last, snap.last_counts))
                                    : boost::json::value(nullptr);
      doc["lock_holder_pid"] = holder ? boost::json::value(*holder) : boost::json::value(nullptr);
      doc["next_cycle_at"] =
          next ? boost::json::value(core::format_utc_time(*next)) : boost::json::value(nullptr);
      boost::json::array h;
      for (const auto& row : snap.waiting)
        h.push_back(held_json(row));
      doc["held_cycle"] = snap.held_cycle;
      doc["held_waiting_for_approval"] = std::move(h);
      boost::json::object kinds;
      for (const auto& [k, n] : snap.open_by_kind)
        kinds[k] = n;
      doc["open_manual_actions"] = std::move(kinds);
      doc["quarantined_rows"] = snap.quarantined;
      boost::json::array f;
      for (const auto& b : snap.failing)
        f.push_back({{"hr_key", b.hr_key},
                     {"failures", b.failures},
                     {"retry_after_cycle", b.retry_after_cycle},
                     {"last_error", b.last_error}});
      doc["failing_users"] = std::move(f);
      out << boost::json::serialize(doc) << '\n';
      return exit_ok;
    }

    out << "eightsync status (" << cfg.state.path.string() << ")\n";
    if (!snap.last) {
      out << "  last cycle   none yet\n";
    } else {
      out << "  last cycle   " << cycle_line(*snap.last, snap.last_counts) << "\n               "
          << counts_phrase(snap.last_counts) << '\n';
      if (!snap.last->error.empty()) out << "               " << core::escaped(snap.last->error) << '\n';
    }
    if (holder) {
      out << "  service      running: eightsync pid " << *holder << " holds the writer lock\n";
    } else {
      out << "  service      no eightsync process holds the writer lock (the service is stopped)\n";
    }
    if (next)
      out << "  next cycle   about " << core::format_utc_time(*next)
          << " (schedule.interval after the last)\n";
    if (snap.waiting.empty()) {
      out << "  held         nothing waits for approval\n";
    } else {
      out << "  held         " << snap.waiting.size() << " operations from cycle " << snap.held_cycle
          << " wait for approval: eightsync approve " << snap.held_cycle << '\n';
      std::size_t shown = 0;
      for (const auto& w : snap.waiting) {
        if (++shown > 5) break;
        out << "               " << held_text(w);
      }
    }
    out << "  manual       " << snap.open_total << " open";
    if (snap.open_total > 0) {
      out << " (";
      bool first = true;
      for (const auto& [k, n] : snap.open_by_kind) {
        out << (first ? "" : ", ") << k << ' ' << n;
        first = false;
      }
      out << "): eightsync manual-actions";
    }
    out << '\n';
    out << "  quarantined  " << snap.quarantined << " HR rows in the last cycle";
    if (snap.quarantined > 0) out << ": eightsync audit show " << snap.last->id;
    out << '\n';
    if (!snap.failing.empty()) {
      out << "  failing      " << snap.failing.size() << " users back off after failures:\n";
      for (const auto& b : snap.failing)
        out << "               HR key " << core::escaped(b.hr_key) << ": " << b.failures
            << " in a row, next try in cycle " << b.retry_after_cycle << "; " << core::escaped(b.last_error)
            << '\n';
    }
    return exit_ok;
  } catch (const core::state_error& e) {
    err << "eightsync status: " << e.what() << '\n';
    return exit_state_unusable;
  }
}

}  // namespace eightsync::daemon
