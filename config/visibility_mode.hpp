#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::config {

/// 8x8's "Users that can be retrieved by your identity provider" setting, as the admin chose it.
enum class visibility_mode : std::uint8_t {
  all,       ///< GET /Users lists every user
  idp_only,  ///< GET /Users lists only users an identity provider created: "not listed" ≠ "gone"
};

/// The config spelling (`all`, `idp_only`). Never throws.
constexpr std::string_view visibility_mode_name(visibility_mode v) noexcept {
  return v == visibility_mode::all ? "all" : "idp_only";
}

}  // namespace eightsync::config
