#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/attribute.hpp"

namespace eightsync::core {

/// What HR says one 8x8 user should look like: the output of mapping one HR row.
/// Only attributes the mapping owns are meaningful (see `owned`); an owned attribute with an
/// empty value means "clear it in 8x8".
struct desired_user {
  std::string key;          ///< the HR key (trimmed, normalized)
  std::size_t line = 0;     ///< where the row was in the export (0 when not line-based)
  std::size_t record = 0;   ///< 1-based ordinal of the row in the export
  std::array<std::string, attribute_count> values{};  ///< indexed by attribute; `active` unused
  std::uint32_t owned = 0;  ///< bit i set when the mapping owns attribute i
  bool active = true;       ///< what the mapping's `active` condition says
  std::uint64_t hash = 0;   ///< stable content hash of the owned attributes, `active` excluded

  /// The value of `a` (empty when not owned). Never throws.
  const std::string& get(attribute a) const noexcept { return values[static_cast<std::size_t>(a)]; }
  /// Whether the mapping owns `a`. Never throws.
  bool owns(attribute a) const noexcept { return (owned >> static_cast<unsigned>(a)) & 1U; }
};

}  // namespace eightsync::core
