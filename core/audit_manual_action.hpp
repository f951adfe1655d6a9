#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/manual_action.hpp"

namespace eightsync::core {

/// One manual_actions row as read back (`eightsync manual-actions`). `action.already_open` is
/// true for an open one.
struct audit_manual_action {
  std::int64_t id = 0;  ///< for `--resolve ID`
  manual_action action;
  std::optional<std::int64_t> raised_in_cycle;  ///< unset once that cycle was pruned
  clock::time_point raised_at;
  bool open = true;
  std::optional<clock::time_point> resolved_at;
  std::string resolved_by;  ///< the OS user, or "eightsync"
  std::string note;
};

}  // namespace eightsync::core
