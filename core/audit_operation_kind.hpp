#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/operation_kind.hpp"

namespace eightsync::core {

/// What one audited operation was. The planner's operation_kind plus `lookup` (a GET that decided
/// something, e.g. after a 409). Stable names: stored in `operations.kind`.
enum class audit_operation_kind : std::uint8_t {
  create,      ///< POST /Users
  update,      ///< PUT /Users/{id}
  deactivate,  ///< PATCH active=false
  reactivate,  ///< PATCH active=true
  adopt,       ///< link an existing 8x8 user (no request)
  lookup,      ///< a GET whose answer decided something
};

/// The stable name of `v` (`create`, `update`, `deactivate`, …). Never throws.
constexpr std::string_view audit_operation_kind_name(audit_operation_kind v) noexcept {
  switch (v) {
    case audit_operation_kind::create:
      return "create";
    case audit_operation_kind::update:
      return "update";
    case audit_operation_kind::deactivate:
      return "deactivate";
    case audit_operation_kind::reactivate:
      return "reactivate";
    case audit_operation_kind::adopt:
      return "adopt";
    case audit_operation_kind::lookup:
      return "lookup";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<audit_operation_kind> audit_operation_kind_from_name(std::string_view name) noexcept {
  if (name == "create") return audit_operation_kind::create;
  if (name == "update") return audit_operation_kind::update;
  if (name == "deactivate") return audit_operation_kind::deactivate;
  if (name == "reactivate") return audit_operation_kind::reactivate;
  if (name == "adopt") return audit_operation_kind::adopt;
  if (name == "lookup") return audit_operation_kind::lookup;
  return std::nullopt;
}

/// The audit kind of a planned operation. Never throws.
constexpr audit_operation_kind audit_operation_kind_of(operation_kind k) noexcept {
  switch (k) {
    case operation_kind::create:
      return audit_operation_kind::create;
    case operation_kind::update:
      return audit_operation_kind::update;
    case operation_kind::deactivate:
      return audit_operation_kind::deactivate;
    case operation_kind::reactivate:
      return audit_operation_kind::reactivate;
    case operation_kind::adopt:
      return audit_operation_kind::adopt;
  }
  return audit_operation_kind::update;
}

}  // namespace eightsync::core
