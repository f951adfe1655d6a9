#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::core {

/// A read one user needs before the planner can decide about them.
enum class plan_read_kind : std::uint8_t {
  get_by_id,         ///< GET /Users/{id}: a fresh complete object
  lookup_user_name,  ///< GET /Users?filter=userName eq "…": before any POST without a full listing
};

/// The stable name of `k` (`get_by_id`, `lookup_user_name`). Never throws.
constexpr std::string_view plan_read_kind_name(plan_read_kind k) noexcept {
  return k == plan_read_kind::get_by_id ? "get_by_id" : "lookup_user_name";
}

}  // namespace eightsync::core
