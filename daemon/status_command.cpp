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
#include "daemon/audit_text.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/lock_holder.hpp"
#include "daemon/state_access.hpp"

namespace eightsync::daemon {

int run_status(const config::eightsync_config& cfg, bool json, std::ostream& out, std::ostream& err) {
  auto store = open_existing_state(cfg, "status", err);
  if (!store) return store.error();
  try {
    const core::audit_log audit(*store);
    const auto last = audit.cycles(1);
    const auto holder = lock_holder(cfg.state.path);

    // Held operations no approval covers yet: those of the newest cycle that held any (older
    // holds were planned again since, and are held again there if still over a limit).
    std::vector<core::audit_held_row> waiting;
    std::int64_t held_cycle = 0;
    for (const auto& c : audit.cycles(20)) {
      auto h = audit.held(c.id);
      if (h.empty()) continue;
      bool approved = false;
      for (const auto& a : audit.pending_approvals())
        if (a.cycle_id == c.id) approved = true;
      if (!approved) {
        waiting = std::move(h);
        held_cycle = c.id;
      }
      break;
    }
    std::map<std::string, std::size_t> open_by_kind;
    std::size_t open_total = 0;
    for (const auto& a : audit.manual_actions(true)) {
      ++open_by_kind[std::string(core::manual_action_kind_name(a.action.kind))];
      ++open_total;
    }
    const auto quarantined =
        last.empty() ? std::vector<core::quarantined_row>{} : audit.quarantined(last[0].id);
    const auto failing = audit.failing_users();
    std::optional<core::clock::time_point> next;
    if (holder && !last.empty() && last[0].ended_at) next = *last[0].ended_at + cfg.schedule.interval;

    if (json) {
      boost::json::object doc;
      doc["state_database"] = cfg.state.path.string();
      doc["last_cycle"] = last.empty() ? boost::json::value(nullptr)
                                       : boost::json::value(cycle_json(last[0], audit.counts(last[0].id)));
      doc["lock_holder_pid"] = holder ? boost::json::value(*holder) : boost::json::value(nullptr);
      doc["next_cycle_at"] =
          next ? boost::json::value(core::format_utc_time(*next)) : boost::json::value(nullptr);
      boost::json::array h;
      for (const auto& row : waiting)
        h.push_back(held_json(row));
      doc["held_cycle"] = held_cycle;
      doc["held_waiting_for_approval"] = std::move(h);
      boost::json::object kinds;
      for (const auto& [k, n] : open_by_kind)
        kinds[k] = n;
      doc["open_manual_actions"] = std::move(kinds);
      doc["quarantined_rows"] = quarantined.size();
      boost::json::array f;
      for (const auto& b : failing)
        f.push_back({{"hr_key", b.hr_key},
                     {"failures", b.failures},
                     {"retry_after_cycle", b.retry_after_cycle},
                     {"last_error", b.last_error}});
      doc["failing_users"] = std::move(f);
      out << boost::json::serialize(doc) << '\n';
      return exit_ok;
    }

    out << "eightsync status (" << cfg.state.path.string() << ")\n";
    if (last.empty()) {
      out << "  last cycle   none yet\n";
    } else {
      const auto counts = audit.counts(last[0].id);
      out << "  last cycle   " << cycle_line(last[0], counts) << "\n               " << counts_phrase(counts)
          << '\n';
      if (!last[0].error.empty()) out << "               " << last[0].error << '\n';
    }
    if (holder) {
      out << "  service      running: eightsync pid " << *holder << " holds the writer lock\n";
    } else {
      out << "  service      no eightsync process holds the writer lock (the service is stopped)\n";
    }
    if (next)
      out << "  next cycle   about " << core::format_utc_time(*next)
          << " (schedule.interval after the last)\n";
    if (waiting.empty()) {
      out << "  held         nothing waits for approval\n";
    } else {
      out << "  held         " << waiting.size() << " operations from cycle " << held_cycle
          << " wait for approval: eightsync approve " << held_cycle << '\n';
      std::size_t shown = 0;
      for (const auto& w : waiting) {
        if (++shown > 5) break;
        out << "               " << held_text(w);
      }
    }
    out << "  manual       " << open_total << " open";
    if (open_total > 0) {
      out << " (";
      bool first = true;
      for (const auto& [k, n] : open_by_kind) {
        out << (first ? "" : ", ") << k << ' ' << n;
        first = false;
      }
      out << "): eightsync manual-actions";
    }
    out << '\n';
    out << "  quarantined  " << quarantined.size() << " HR rows in the last cycle";
    if (!quarantined.empty()) out << ": eightsync audit show " << last[0].id;
    out << '\n';
    if (!failing.empty()) {
      out << "  failing      " << failing.size() << " users back off after failures:\n";
      for (const auto& b : failing)
        out << "               HR key " << b.hr_key << ": " << b.failures << " in a row, next try in cycle "
            << b.retry_after_cycle << "; " << b.last_error << '\n';
    }
    return exit_ok;
  } catch (const core::state_error& e) {
    err << "eightsync status: " << e.what() << '\n';
    return exit_state_unusable;
  }
}

}  // namespace eightsync::daemon
