#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/enum_names.hpp"
#include "core/operation_kind.hpp"

namespace eightsync::core {

/// Which held operations an approval covers (`eightsync approve CYCLE [--only SCOPE]`). Stable
/// names: stored in `approvals.scope`.
/// - all: every held operation
/// - deactivations: deactivate
/// - creates: create
/// - updates: update, reactivate and adopt
BOOST_DEFINE_FIXED_ENUM_CLASS(approval_scope, std::uint8_t, all, deactivations, creates, updates)

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
