#pragma once
#include <cstdint>
#include <string>

#include "core/clock.hpp"

namespace eightsync::core {

/// A user whose operations keep failing, backing off across cycles (user_backoff).
struct audit_user_backoff {
  std::string hr_key;
  std::uint32_t failures = 0;          ///< failures in a row
  std::int64_t retry_after_cycle = 0;  ///< the first cycle id that tries this user again
  std::string last_error;              ///< redacted
  clock::time_point first_failed_at;
  clock::time_point last_failed_at;
};

}  // namespace eightsync::core
