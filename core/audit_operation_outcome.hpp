#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// How one audited operation ended (an intent with no outcome yet is unresolved). Stable names:
/// stored in `operations.outcome`; migrations/0003_audit.sql documents each for admins.
enum class audit_operation_outcome : std::uint8_t {
  ok,           ///< 8x8 confirmed the change (2xx), or a no-request operation (adopt) was recorded
  failed,       ///< 8x8 refused it, or it provably never left: the change was not made
  not_applied,  ///< 8x8 answered 2xx but its object shows the change (or part of it) was not made
  conflict,     ///< a create met an existing userName (409) that cannot be adopted
  skipped,      ///< not sent: the cycle ended or turned read-only, the user backs off, or a dependency failed
  resolved_applied,      ///< the response was lost; a lookup showed the change is in 8x8
  resolved_not_applied,  ///< the response was lost; a lookup showed the change is not in 8x8
};

/// The stable name of `v` (`ok`, `failed`, `not_applied`, …). Never throws.
constexpr std::string_view audit_operation_outcome_name(audit_operation_outcome v) noexcept {
  switch (v) {
    case audit_operation_outcome::ok:
      return "ok";
    case audit_operation_outcome::failed:
      return "failed";
    case audit_operation_outcome::not_applied:
      return "not_applied";
    case audit_operation_outcome::conflict:
      return "conflict";
    case audit_operation_outcome::skipped:
      return "skipped";
    case audit_operation_outcome::resolved_applied:
      return "resolved_applied";
    case audit_operation_outcome::resolved_not_applied:
      return "resolved_not_applied";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<audit_operation_outcome> audit_operation_outcome_from_name(
    std::string_view name) noexcept {
  if (name == "ok") return audit_operation_outcome::ok;
  if (name == "failed") return audit_operation_outcome::failed;
  if (name == "not_applied") return audit_operation_outcome::not_applied;
  if (name == "conflict") return audit_operation_outcome::conflict;
  if (name == "skipped") return audit_operation_outcome::skipped;
  if (name == "resolved_applied") return audit_operation_outcome::resolved_applied;
  if (name == "resolved_not_applied") return audit_operation_outcome::resolved_not_applied;
  return std::nullopt;
}

}  // namespace eightsync::core
