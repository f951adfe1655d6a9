#include "daemon/link_command.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include <pwd.h>
#include <unistd.h>

#include "connectors/text_key.hpp"
#include "core/clock.hpp"
#include "core/db_lock.hpp"
#include "core/expected.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/os_user.hpp"
#include "daemon/state_access.hpp"

namespace eightsync::daemon {
namespace {

std::string_view how_text(core::managed_by m) {
  switch (m) {
    case core::managed_by::created:
      return "created by eightsync";
    case core::managed_by::matched:
      return "adopted on a match";
    case core::managed_by::linked:
      return "linked by an operator";
  }
  return "managed";
}

std::string describe(const core::user_link& l) {
  return "8x8 user " + l.scim_id + " (userName " + (l.user_name.empty() ? "unknown" : l.user_name) + ", " +
         std::string(how_text(l.how)) + ")";
}

std::string describe(const core::operator_decision& d) {
  const std::string who = " (by " + d.decided_by + " at " + core::format_utc_time(d.decided_at) + ")";
  return d.kind == core::decision_kind::link
             ? "the operator decision to link it to 8x8 user " + d.scim_id + who
             : "the operator decision to create a new 8x8 user for it" + who;
}

struct writable_state {
  std::optional<core::db_lock> lock;
  core::state_store store;
};

// Opens the state database, first taking the writer lock when `locked`; on failure reports why
// and gives the exit code.
core::expected<writable_state, int> open_for_writing(const config::eightsync_config& cfg, std::ostream& err,
                                                     bool locked) {
  try {
    std::optional<core::db_lock> lock;
    if (locked) {
      auto l = take_writer_lock(cfg, "unlink", err);
      if (!l) return core::unexpected<int>{l.error()};
      lock.emplace(std::move(*l));
    }
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    auto log = std::make_shared<spdlog::logger>("state", sink);
    log->set_pattern("eightsync: %v");
    log->set_level(spdlog::level::warn);
    core::state_store::options opts;
    opts.logger = std::move(log);
    core::state_store store(cfg.state.path, cfg.target.url, opts);
    return writable_state{std::move(lock), std::move(store)};
  } catch (const core::state_error& e) {
    err << "eightsync: " << e.what() << '\n';
    return core::unexpected<int>{exit_state_unusable};
  }
}

// The key as the HR reader would store it, or nullopt (after saying why) when it is empty.
std::optional<std::string> normalized_key(const config::eightsync_config& cfg, std::string key,
                                          std::ostream& err) {
  connectors::normalize_key(key, cfg.source);
  if (key.empty()) {
    err << "eightsync: the HR key is empty; give the value of the key column (" << cfg.source.key << ")\n";
    return std::nullopt;
  }
  return key;
}

// A decision for a key HR does not have (yet) is allowed: the export may lag behind. Say so.
void warn_if_not_in_hr(const config::eightsync_config& cfg, const std::string& key, std::ostream& err) {
  auto snap = read_and_map(cfg);
  if (!snap) {
    err << "eightsync: warning: could not check HR key " << key
        << " against the HR export: " << snap.error().message << '\n';
    return;
  }
  const auto& users = snap->mapped.users;
  const auto it =
      std::lower_bound(users.begin(), users.end(), key,
                       [](const core::desired_user& u, const std::string& k) { return u.key < k; });
  if (it != users.end() && it->key == key) return;
  const auto& q = snap->mapped.quarantined;
  const auto bad =
      std::find_if(q.begin(), q.end(), [&](const core::quarantined_row& r) { return r.key == key; });
  if (bad != q.end()) {
    err << "eightsync: warning: HR key " << key << " is quarantined in the HR export ("
        << core::enum_name(bad->reason) << ": " << bad->detail
        << "); the decision is kept and applies once the row is fixed\n";
  } else {
    err << "eightsync: warning: HR key " << key << " is not among the in-scope users of the HR export ("
        << cfg.source.path.string() << "); the decision is kept and applies once the key appears there\n";
  }
}

}  // namespace

int run_link(const config::eightsync_config& cfg, const link_request& request, std::ostream& out,
             std::ostream& err) {
  auto key = normalized_key(cfg, request.hr_key, err);
  if (!key) return exit_usage;
  const std::string id{connectors::trim_text(request.scim_id)};
  if (!request.create_new) {
    if (id.empty() || id.find_first_of(" \t\r\n") != std::string::npos) {
      err << "eightsync: \"" << request.scim_id << "\" is not an 8x8 user id; give the user's SCIM id (its "
          << "\"id\" attribute), or --create-new\n";
      return exit_usage;
    }
    if (id.find('@') != std::string::npos) {
      err << "eightsync: warning: " << id
          << " looks like a userName or an email; `link` takes the 8x8 user's SCIM "
          << "id (its \"id\" attribute). Recording it as given; the next cycle reports it if no user has "
             "that id\n";
    }
  }

  // No writer lock: like `approve`, `link` only records a decision (one transaction, which
  // waits for the service's writes), and the next cycle checks it against fresh data. So it works
  // while the service runs.
  auto state = open_for_writing(cfg, err, false);
  if (!state) return state.error();
  auto& store = state->store;
  warn_if_not_in_hr(cfg, *key, err);

  const core::operator_decision decision{
      *key, request.create_new ? core::decision_kind::create_new : core::decision_kind::link,
      request.create_new ? std::string() : id, core::wall_clock::instance().now(), os_user()};
  std::string said;
  std::string refused;
  try {
    store.in_transaction([&] {
      if (auto mine = store.find_link(*key)) {
        if (!request.create_new && mine->scim_id == id) {
          said = "HR key " + *key + " is already linked to " + describe(*mine) + "; nothing changed.";
        } else {
          refused = "HR key " + *key + " is already linked to " + describe(*mine) +
                    "; run `eightsync unlink " + *key + "` first if that link is wrong, then run this again";
        }
        return;
      }
      if (!request.create_new) {
        if (auto other = store.find_link_by_scim_id(id)) {
          refused = "8x8 user " + id + " is already linked to HR key " + other->hr_key + " (userName " +
                    other->user_name + ", " + std::string(how_text(other->how)) +
                    "); run `eightsync unlink " + other->hr_key + "` first if that link is wrong";
          return;
        }
        if (auto other = store.find_decision_by_scim_id(id); other && other->hr_key != *key) {
          refused = "8x8 user " + id + " is already chosen for HR key " + other->hr_key + " (by " +
                    other->decided_by + " at " + core::format_utc_time(other->decided_at) +
                    "); run `eightsync unlink " + other->hr_key + "` first if that decision is wrong";
          return;
        }
      }
      const auto earlier = store.find_decision(*key);
      if (earlier && earlier->kind == decision.kind && earlier->scim_id == decision.scim_id) {
        said = "HR key " + *key + " already has " + describe(*earlier) + "; nothing changed.";
        return;
      }
      store.put_decision(decision);
      const std::string who =
          " (decided by " + decision.decided_by + " at " + core::format_utc_time(decision.decided_at) + ")";
      said = request.create_new ? "Recorded that HR key " + *key + " gets a new 8x8 user instead of a match" +
                                      who + "; the next cycle creates it if the create rules are met."
                                : "Recorded that HR key " + *key + " is 8x8 user " + id + who +
                                      "; the next cycle checks that user in 8x8 and then manages it.";
      if (earlier) said += " This replaces " + describe(*earlier) + ".";
    });
  } catch (const core::state_error& e) {
    err << "eightsync: " << e.what() << '\n';
    return exit_state_unusable;
  }
  if (!refused.empty()) {
    err << "eightsync: refused: " << refused << "; nothing was changed\n";
    return exit_refused;
  }
  out << said << '\n';
  return exit_ok;
}

int run_unlink(const config::eightsync_config& cfg, const std::string& hr_key, std::ostream& out,
               std::ostream& err) {
  auto key = normalized_key(cfg, hr_key, err);
  if (!key) return exit_usage;
  // The writer lock: a cycle running now may rewrite the link it is about to remove (an update
  // it planned before), which would undo the unlink without a word.
  auto state = open_for_writing(cfg, err, true);
  if (!state) return state.error();
  auto& store = state->store;

  std::string said;
  try {
    store.in_transaction([&] {
      const auto link = store.find_link(*key);
      const auto decision = store.find_decision(*key);
      if (link) store.erase_link(*key);
      if (decision) store.erase_decision(*key);
      if (!link && !decision) {
        said = "Nothing to unlink: HR key " + *key + " has no link and no operator decision in " +
               cfg.state.path.string() + ".";
        return;
      }
      said = "Unlinked HR key " + *key + ": removed ";
      if (link) said += "its link to " + describe(*link);
      if (link && decision) said += " and ";
      if (decision) said += describe(*decision);
      said += link ? "; the 8x8 user itself is unchanged, and the next cycle matches " + *key + " afresh."
                   : "; the next cycle matches " + *key + " afresh.";
    });
  } catch (const core::state_error& e) {
    err << "eightsync: " << e.what() << '\n';
    return exit_state_unusable;
  }
  out << said << '\n';
  return exit_ok;
}

}  // namespace eightsync::daemon
