#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// What `eightsync audit` was asked for: one of `cycles`, `show CYCLE` or `user KEY|USERNAME`.
struct audit_request {
  enum class view { cycles, show, user } what = view::cycles;
  std::size_t limit = 20;  ///< cycles: how many, newest first
  std::int64_t cycle = 0;  ///< show
  std::string user;        ///< user: an HR key or a userName (case-insensitive)
  bool json = false;
};

/// `eightsync audit`: reads the audit tables (never writes, takes no lock) and prints cycles, one
/// cycle's operations with before -> after, quarantined and held rows, or one user's history.
/// Returns exit_ok, exit_refused for an unknown cycle or user, or exit_state_unusable. Throws
/// only on bugs.
int run_audit(const config::eightsync_config& cfg, const audit_request& request, std::ostream& out,
              std::ostream& err);

}  // namespace eightsync::daemon
