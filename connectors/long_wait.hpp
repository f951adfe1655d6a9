#pragma once
#include <chrono>
#include <string_view>

#include "core/clock.hpp"

namespace eightsync::connectors {

/// A wait for a send slot long enough to tell a person about: more than a minute, and more than
/// the rate limit's own window (scim_client_options::pacing_window).
struct long_wait {
  core::clock::time_point until;  ///< when the request may go
  core::clock::duration wait{};   ///< how long that was from when the wait was met
  /// Why: `retry_after` (a pause 8x8 asked for, kept in the state database) or `rate_limit`
  /// (the send slots already handed out, e.g. by another eightsync process).
  std::string_view reason;
};

/// How long a wait must be before the client logs it at warn and reports it: a minute.
inline constexpr std::chrono::milliseconds long_wait_threshold{60'000};

}  // namespace eightsync::connectors
