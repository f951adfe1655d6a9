#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// Why a cycle ran. Stable names: stored in `cycles.triggered_by`.
enum class cycle_trigger : std::uint8_t {
  cli,            ///< `eightsync sync`
  schedule,       ///< the daemon's schedule (interval or full_reconcile)
  source_change,  ///< the HR export changed (schedule.on_source_change)
  signal,         ///< a signal asked for a cycle
  startup,        ///< the daemon's first cycle after it started
  approval,       ///< an operator approved a held cycle
};

/// The stable name of `v` (`cli`, `schedule`, `source_change`, …). Never throws.
constexpr std::string_view cycle_trigger_name(cycle_trigger v) noexcept {
  switch (v) {
    case cycle_trigger::cli:
      return "cli";
    case cycle_trigger::schedule:
      return "schedule";
    case cycle_trigger::source_change:
      return "source_change";
    case cycle_trigger::signal:
      return "signal";
    case cycle_trigger::startup:
      return "startup";
    case cycle_trigger::approval:
      return "approval";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<cycle_trigger> cycle_trigger_from_name(std::string_view name) noexcept {
  if (name == "cli") return cycle_trigger::cli;
  if (name == "schedule") return cycle_trigger::schedule;
  if (name == "source_change") return cycle_trigger::source_change;
  if (name == "signal") return cycle_trigger::signal;
  if (name == "startup") return cycle_trigger::startup;
  if (name == "approval") return cycle_trigger::approval;
  return std::nullopt;
}

}  // namespace eightsync::core
