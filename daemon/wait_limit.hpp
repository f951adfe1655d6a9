#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/eightsync_config.hpp"
#include "connectors/pacing_sleeper.hpp"
#include "connectors/scim_client_options.hpp"
#include "core/clock.hpp"
#include "core/rate_limiter.hpp"

// How long a command's requests may wait for 8x8: what the service and the CLI differ in, and
// the words for a wait a command refuses.
namespace eightsync::daemon {

/// The default of `sync --max-wait` and `plan --max-wait`.
inline constexpr std::chrono::milliseconds default_max_wait{60'000};

/// How a cycle's requests wait.
struct wait_policy {
  /// `--max-wait`: a request whose send slot is further away than this (and than the rate
  /// limit's own window) is not sent, and the cycle stops (recorded `interrupted`, with why).
  /// nullopt: every wait is waited out (the service).
  std::optional<std::chrono::milliseconds> max_wait;
  /// How requests wait; nullptr: a timer. The service's is interrupted by SIGTERM.
  std::shared_ptr<connectors::pacing_sleeper> sleeper;
  /// Told when a long wait begins and ends (see connectors::scim_client_options::on_long_wait).
  std::function<void(const std::optional<connectors::long_wait>&)> on_long_wait;
};

/// The longest wait target.rate_limit alone imposes: its window plus the limiter's guard. A wait
/// up to it is ordinary pacing. Never throws.
std::chrono::milliseconds pacing_window(const config::eightsync_config& cfg) noexcept;

/// The wait the next request through `limiter` would face now, when it is longer than `limit`
/// and than pacing_window(cfg); nullopt otherwise. Reads the limiter's state (a persistent
/// limiter reads the state database, and clamps what it must, with a warning). Throws only
/// std::bad_alloc.
std::optional<connectors::long_wait> wait_beyond(core::rate_limiter& limiter, const core::clock& clk,
                                                 const config::eightsync_config& cfg,
                                                 std::chrono::milliseconds limit);

/// "8x8 asked eightsync to pause (Retry-After) until 2024-05-01T12:34:56.789Z, in 59m58s: longer
/// than --max-wait (1m)": what a command says about a wait it refused. Throws only std::bad_alloc.
std::string refused_wait_text(const connectors::long_wait& w, std::chrono::milliseconds max_wait);

/// What a command prints after refusing a wait, on two lines, each starting "eightsync
/// COMMAND: ": the wait, then `outcome` ("nothing was sent"), then what to do. Throws only
/// std::bad_alloc.
std::string refused_wait_message(std::string_view command, const connectors::long_wait& w,
                                 std::chrono::milliseconds max_wait, std::string_view outcome);

}  // namespace eightsync::daemon
