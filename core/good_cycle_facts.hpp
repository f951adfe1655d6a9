#pragma once
#include <cstdint>

#include "core/clock.hpp"

namespace eightsync::core {

/// What the last good cycle saw, for the planner's safety holds (source shrink, deactivation
/// percentage). Kept in the state database's `meta` table.
struct good_cycle_facts {
  std::uint64_t source_rows = 0;     ///< data rows read from the HR export
  std::uint64_t managed_users = 0;   ///< users eightsync managed when the cycle ended
  clock::time_point completed_at{};  ///< when the cycle ended

  /// Member-wise equality.
  friend bool operator==(const good_cycle_facts&, const good_cycle_facts&) = default;
};

}  // namespace eightsync::core
