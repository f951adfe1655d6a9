#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/operation_kind.hpp"

namespace eightsync::core {

/// Which held operations an approval covers (`eightsync approve CYCLE [--only SCOPE]`). Stable
/// names: stored in `approvals.scope`.
enum class approval_scope : std::uint8_t {
  all,            ///< every held operation
  deactivations,  ///< deactivate
  creates,        ///< create
  updates,        ///< update, reactivate and adopt
};

/// The stable name of `v` (`all`, `deactivations`, `creates`, …). Never throws.
constexpr std::string_view approval_scope_name(approval_scope v) noexcept {
  switch (v) {
    case approval_scope::all:
      return "all";
    case approval_scope::deactivations:
      return "deactivations";
    case approval_scope::creates:
      return "creates";
    case approval_scope::updates:
      return "updates";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<approval_scope> approval_scope_from_name(std::string_view name) noexcept {
  if (name == "all") return approval_scope::all;
  if (name == "deactivations") return approval_scope::deactivations;
  if (name == "creates") return approval_scope::creates;
  if (name == "updates") return approval_scope::updates;
  return std::nullopt;
}

/// Whether an approval of scope `s` covers a held operation of kind `k`: `all` every kind,
/// `deactivations` deactivate, `creates` create, `updates` update, reactivate and adopt. Never throws.
constexpr bool approval_covers(approval_scope s, operation_kind k) noexcept {
  switch (s) {
    case approval_scope::all:
      return true;
    case approval_scope::deactivations:
      return k == operation_kind::deactivate;
    case approval_scope::creates:
      return k == operation_kind::create;
    case approval_scope::updates:
      return k == operation_kind::update || k == operation_kind::reactivate || k == operation_kind::adopt;
  }
  return false;
}

}  // namespace eightsync::core
