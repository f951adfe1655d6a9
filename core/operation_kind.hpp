#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::core {

/// What one planned operation does to 8x8. Stable names: they appear in `eightsync plan --json`
/// and in the audit database.
enum class operation_kind : std::uint8_t {
  deactivate,  ///< PATCH active=false
  reactivate,  ///< PATCH active=true (a rehire: HR flipped the person back to active)
  create,      ///< POST /Users
  adopt,       ///< link an existing 8x8 user to its HR key (state only, no request)
  update,      ///< PUT /Users/{id} with the complete object, owned attributes changed
};

/// The stable name of `k` (`deactivate`, `reactivate`, `create`, `adopt`, `update`). Never throws.
constexpr std::string_view operation_kind_name(operation_kind k) noexcept {
  switch (k) {
    case operation_kind::deactivate:
      return "deactivate";
    case operation_kind::reactivate:
      return "reactivate";
    case operation_kind::create:
      return "create";
    case operation_kind::adopt:
      return "adopt";
    case operation_kind::update:
      return "update";
  }
  return "unknown";
}

/// Whether `k` sends a request to 8x8 (every kind but `adopt`). Never throws.
constexpr bool operation_sends_request(operation_kind k) noexcept {
  return k != operation_kind::adopt;
}

}  // namespace eightsync::core
