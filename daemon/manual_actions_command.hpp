#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// What `eightsync manual-actions` was asked for.
struct manual_actions_request {
  bool json = false;                  ///< `--json`
  bool all = false;                   ///< `--all`: resolved ones too
  std::vector<std::int64_t> resolve;  ///< `--resolve ID…`
  std::string resolve_kind;           ///< `--resolve-kind KIND`
  std::string note;                   ///< `--note TEXT`, kept with a resolution
};

/// `eightsync manual-actions`: lists the open follow-ups only a person can do in 8x8 Admin Console
/// (oldest first, with id, kind, HR key, userName, the cycle that raised it and what to do), or
/// marks some resolved (by id or by kind) with who and when. Needs no lock. Returns exit_ok,
/// exit_usage for an unknown kind, exit_refused when none of the ids was open, or
/// exit_state_unusable. Throws only on bugs.
int run_manual_actions(const config::eightsync_config& cfg, const manual_actions_request& request,
                       std::ostream& out, std::ostream& err);

}  // namespace eightsync::daemon
