#pragma once
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/cycle_kind.hpp"
#include "core/cycle_trigger.hpp"

namespace eightsync::core {

/// What is known when a cycle begins (audit_log::begin_cycle).
struct audit_cycle_start {
  cycle_kind kind = cycle_kind::incremental;
  cycle_trigger trigger = cycle_trigger::schedule;
  std::string source_path;                      ///< the HR export to read; empty: not known yet
  std::optional<clock::time_point> started_at;  ///< unset: the audit log's clock, now
};

}  // namespace eightsync::core
