#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

// The stable labels of one cycle, stored in the audit database: what it read (cycle_kind,
// `cycles.kind`), how it ended (cycle_outcome, `cycles.outcome`) and what started it
// (cycle_trigger, `cycles.triggered_by`).

namespace eightsync::core {

/// How much of 8x8 a cycle read. Stable names: stored in `cycles.kind`.
enum class cycle_kind : std::uint8_t {
  full,         ///< paged through all of GET /Users
  incremental,  ///< trusted state.db and touched only changed users
};

/// The stable name of `v` (`full`, `incremental`, …). Never throws.
constexpr std::string_view cycle_kind_name(cycle_kind v) noexcept {
  switch (v) {
    case cycle_kind::full:
      return "full";
    case cycle_kind::incremental:
      return "incremental";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<cycle_kind> cycle_kind_from_name(std::string_view name) noexcept {
  if (name == "full") return cycle_kind::full;
  if (name == "incremental") return cycle_kind::incremental;
  return std::nullopt;
}

/// How a cycle ended. Stable names: stored in `cycles.outcome`; `eightsync sync` maps each to its
/// own exit code.
enum class cycle_outcome : std::uint8_t {
  ok,               ///< everything planned was done
  partial,          ///< some users failed; the rest was done
  held,             ///< a safety limit held operations back until an operator approves them
  auth_failed,      ///< 8x8 answered 401: the token is gone; nothing more was sent
  write_forbidden,  ///< 403 on writes for two or more users: the rest of the cycle only read
  source_rejected,  ///< the HR export could not be read or failed a sanity check
  interrupted,      ///< the process ended before the cycle did (set by the next start)
};

/// The stable name of `v` (`ok`, `partial`, `held`, …). Never throws.
constexpr std::string_view cycle_outcome_name(cycle_outcome v) noexcept {
  switch (v) {
    case cycle_outcome::ok:
      return "ok";
    case cycle_outcome::partial:
      return "partial";
    case cycle_outcome::held:
      return "held";
    case cycle_outcome::auth_failed:
      return "auth_failed";
    case cycle_outcome::write_forbidden:
      return "write_forbidden";
    case cycle_outcome::source_rejected:
      return "source_rejected";
    case cycle_outcome::interrupted:
      return "interrupted";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<cycle_outcome> cycle_outcome_from_name(std::string_view name) noexcept {
  if (name == "ok") return cycle_outcome::ok;
  if (name == "partial") return cycle_outcome::partial;
  if (name == "held") return cycle_outcome::held;
  if (name == "auth_failed") return cycle_outcome::auth_failed;
  if (name == "write_forbidden") return cycle_outcome::write_forbidden;
  if (name == "source_rejected") return cycle_outcome::source_rejected;
  if (name == "interrupted") return cycle_outcome::interrupted;
  return std::nullopt;
}

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
