#include "daemon/status_command.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <system_error>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "config/duration.hpp"
#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/cycle_labels.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/plan.hpp"
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
namespace {

// The next lifecycle event the last cycle recorded (core::event_json, plus found_at): null when
// none was recorded, {} when none lay ahead. A value this binary cannot read counts as none.
boost::json::value next_event_of(const core::state_store& store) {
  const auto text = store.next_lifecycle_event();
  if (!text) return nullptr;
  if (text->empty()) return boost::json::object{};
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return boost::json::object{};
  return v;
}

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// status's `next event` line, or nothing without a `lifecycle:` block or a recorded event.
void print_next_event(std::ostream& out, const boost::json::value& next, bool lifecycle,
                      core::clock::time_point now) {
  if (next.is_null()) {
    if (lifecycle) out << "  next event   not recorded yet: the next cycle records it\n";
    return;
  }
  const auto& o = next.as_object();
  if (o.empty()) {
    if (lifecycle)
      out << "  next event   none: no start, end or provisioning window lies ahead in the last export\n";
    return;
  }
  const std::string at = text_of(o, "at");
  out << "  next event   " << text_of(o, "local") << " (" << at << "): HR key "
      << core::escaped(text_of(o, "hr_key")) << ' ' << core::escaped(text_of(o, "user_name")) << ", "
      << text_of(o, "what");
  if (const auto t = core::parse_utc_time(at); t && *t <= now) out << " (due: the next cycle acts on it)";
  out << '\n';
}

std::string in_text(core::clock::duration d) {
  return config::format_duration(
      std::chrono::round<std::chrono::seconds>(std::max(d, core::clock::duration::zero())));
}

}  // namespace

int run_status(const config::eightsync_config& cfg, bool json, std::ostream& out, std::ostream& err) {
  auto store = open_existing_state(cfg, "status", err, true);
  if (!store) return store.error();
  try {
    const core::audit_log audit(*store);
    const auto holder_before = lock_holder(cfg.state.path);
    auto snap = take_operator_snapshot(audit);
    const auto now = core::wall_clock::instance().now();
    snap.pause = read_pause(*store, cfg.target.rate_limit.requests, cfg.target.rate_limit.per,
                            cfg.target.retry.max_pause, now);
    snap.source = read_export_age(cfg.source, now);
    const auto holder = lock_holder(cfg.state.path);
    // A cycle that never ended while no process held the lock, before and after it was read, is
    // not running: its process was killed or crashed. The next writer (sync, the service) records
    // it as interrupted and settles its open writes; until then, say what it is.
    if (snap.last && !snap.last->outcome && !holder_before && !holder) {
      snap.last->outcome = core::cycle_outcome::interrupted;
      if (snap.last->error.empty())
        snap.last->error =
            "its process ended during the cycle (killed or crashed); the next `eightsync sync` or the "
            "service records it as interrupted and looks up its open writes";
    }
    const boost::json::value next_event = next_event_of(*store);
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
      doc["next_lifecycle_event"] = next_event;
      boost::json::array f;
      for (const auto& b : snap.failing)
        f.push_back({{"hr_key", b.hr_key},
                     {"failures", b.failures},
                     {"retry_after_cycle", b.retry_after_cycle},
                     {"last_error", b.last_error}});
      doc["failing_users"] = std::move(f);
      if (snap.pause) {
        const auto& p = *snap.pause;
        doc["pause"] = {{"until", core::format_utc_time(p.until)},
                        {"wait_seconds", std::chrono::ceil<std::chrono::seconds>(p.until - now).count()},
                        {"reason", p.reason},
                        {"stored_until", p.stored ? boost::json::value(core::format_utc_time(*p.stored))
                                                  : boost::json::value(nullptr)}};
      } else {
        doc["pause"] = nullptr;
      }
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
    if (snap.pause) {
      const auto& p = *snap.pause;
      if (p.reason == "retry_after") {
        out << "  pause        8x8 asked eightsync to pause: no request before "
            << core::format_utc_time(p.until) << " (in " << in_text(p.until - now)
            << "; a Retry-After, at most target.retry.max_pause)\n";
      } else {
        out << "  pause        the rate limit's recorded send slots hold the next request until "
            << core::format_utc_time(p.until) << " (in " << in_text(p.until - now) << ")\n";
      }
      if (p.stored)
        out << "               stored as " << core::format_utc_time(*p.stored)
            << ", beyond target.retry.max_pause: the next request cuts it\n";
      out << "               the service waits it out; `sync` and `plan` exit 11 if it is longer than their\n"
             "               --max-wait. To send earlier: stop the service, then eightsync status "
             "--clear-pause\n";
    }
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
    if (snap.source && snap.source->stale()) {
      const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d); };
      out << "  source       the HR export stopped arriving? " << cfg.source.path.string() << " last changed "
          << core::plan_duration_text(ms(snap.source->age)) << " ago, longer than source.max_age ("
          << core::plan_duration_text(*snap.source->max_age)
          << "): users missing from it are not deactivated (people HR marks as left still are)\n";
    }
    print_next_event(out, next_event, cfg.lifecycle.has_value(), now);
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

int run_clear_pause(const config::eightsync_config& cfg, std::ostream& out, std::ostream& err) {
  constexpr std::string_view command = "status --clear-pause";
  std::error_code ec;
  if (!std::filesystem::exists(cfg.state.path, ec)) {
    err << "eightsync " << command << ": no state database at " << cfg.state.path.string()
        << " yet: there is no pause to clear\n";
    return exit_state_unusable;
  }
  // The writer lock: a running service or sync holds the pause in memory and waits it out
  // whatever the file says, so clearing it under them would only mislead.
  auto lock = take_writer_lock(cfg, command, err);
  if (!lock) return lock.error();
  auto store = open_existing_state(cfg, command, err);
  if (!store) return store.error();
  try {
    const auto now = core::wall_clock::instance().now();
    const auto cleared = core::persistent_rate_limiter::clear_pause(*store, now);
    if (cleared.pause && *cleared.pause > now) {
      out << "eightsync: cleared the pause until " << core::format_utc_time(*cleared.pause) << " (it had "
          << in_text(*cleared.pause - now) << " to run); the next request to 8x8 may go at once\n";
    } else if (cleared.pause) {
      out << "eightsync: no pause to clear (the one stored ended at " << core::format_utc_time(*cleared.pause)
          << "; removed)\n";
    } else {
      out << "eightsync: no pause to clear\n";
    }
    if (cleared.slots > 0)
      out << "eightsync: " << cleared.slots
          << " send slots recorded in the future were moved back to now (the wall clock was stepped back?)\n";
    return exit_ok;
  } catch (const core::state_error& e) {
    err << "eightsync " << command << ": " << e.what() << '\n';
    return exit_state_unusable;
  }
}

}  // namespace eightsync::daemon
