#pragma once
#include <cstdint>
#include <string_view>

#include "core/enum_names.hpp"

namespace eightsync::core {

/// What one planned operation does to 8x8. Stable names: they appear in `eightsync plan --json`
/// and in the audit database.
/// - deactivate: PATCH active=false
/// - reactivate: PATCH active=true (a rehire: HR flipped the person back to active)
/// - create: POST /Users
/// - adopt: link an existing 8x8 user to its HR key (state only, no request)
/// - update: PUT /Users/{id} with the complete object, owned attributes changed
BOOST_DEFINE_FIXED_ENUM_CLASS(operation_kind, std::uint8_t, deactivate, reactivate, create, adopt, update)

/// Whether `k` sends a request to 8x8 (every kind but `adopt`). Never throws.
constexpr bool operation_sends_request(operation_kind k) noexcept {
  return k != operation_kind::adopt;
}

}  // namespace eightsync::core
