#pragma once
#include <iosfwd>
#include <string>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// What `eightsync link` was asked to record.
struct link_request {
  std::string hr_key;       ///< as typed; normalized with the config's key rules before use
  std::string scim_id;      ///< the 8x8 user id to link to; empty with create_new
  bool create_new = false;  ///< `--create-new`: create a new 8x8 user for the key instead
};

/// `eightsync link`: takes the state database's writer lock and records the operator's decision
/// (with the OS user and the time) for the next cycle to honour. Talks to nobody: the next cycle
/// checks the decision against fresh 8x8 data. Warns on `err` when the key is not in the HR export.
/// Prints one sentence on `out` and returns exit_ok when recorded (or already recorded);
/// exit_usage for an empty key or id, exit_state_locked while another process holds the lock,
/// exit_state_unusable when the database cannot be used, exit_refused (naming the other key) when
/// the id is linked or chosen for another key, or the key is already linked elsewhere. Throws only
/// on bugs.
int run_link(const config::eightsync_config& cfg, const link_request& request, std::ostream& out,
             std::ostream& err);

/// `eightsync unlink`: takes the writer lock, removes the key's link and any operator decision
/// for it, and says on `out` what it removed (or that there was nothing). The 8x8 user is not
/// touched. Returns exit_ok, exit_usage, exit_state_locked or exit_state_unusable as run_link.
/// Throws only on bugs.
int run_unlink(const config::eightsync_config& cfg, const std::string& hr_key, std::ostream& out,
               std::ostream& err);

}  // namespace eightsync::daemon
