#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// How an HR user may be matched to an existing 8x8 user it is not yet linked to (the config's
/// `match:` list, tried in order).
enum class match_key : std::uint8_t {
  external_id,  ///< 8x8 externalId equals the mapped externalId
  user_name,    ///< userName, compared case-insensitively
  email,        ///< the work email, compared case-insensitively
};

/// The config name of `k` (`externalId`, `userName`, `email`). Never throws.
std::string_view match_key_name(match_key k) noexcept;

/// The match key a config name stands for, or nullopt. Exact, case-sensitive. Never throws.
std::optional<match_key> match_key_from_name(std::string_view name) noexcept;

}  // namespace eightsync::core
