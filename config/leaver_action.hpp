#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::config {

/// What happens to a managed 8x8 user whose HR key is no longer in the export.
enum class leaver_action : std::uint8_t {
  deactivate,  ///< PATCH active=false (subject to the safety limits)
  ignore,      ///< leave the user as is; only HR's `active` condition deactivates
};

/// The config spelling (`deactivate`, `ignore`). Never throws.
constexpr std::string_view leaver_action_name(leaver_action a) noexcept {
  return a == leaver_action::deactivate ? "deactivate" : "ignore";
}

}  // namespace eightsync::config
