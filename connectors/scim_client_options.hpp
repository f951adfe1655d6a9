#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "config/config_defaults.hpp"
#include "core/clock.hpp"
#include "core/rate_limiter.hpp"
#include "core/retry_policy.hpp"
#include "core/secret_token.hpp"

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

class pacing_sleeper;

/// What the SCIM client needs, filled by the daemon from the config. Of config/, connectors
/// include only the table of defaults (config/config_defaults.hpp).
struct scim_client_options {
  /// The SCIM base, e.g. `https://platform-cloud.8x8.com/udi/customers/ID/scim/v2` or, for the
  /// emulator, `http://127.0.0.1:PORT/scim/v2`. https, or http for a loopback host only; no
  /// user info, query or fragment; a trailing '/' is dropped.
  std::string base_url;
  core::secret_token token;            ///< sent as `Authorization: Bearer …`, never logged
  std::optional<std::string> ca_file;  ///< PEM bundle trusted in addition to the system store
  /// `http://[user:password@]HOST:PORT` of an HTTP CONNECT proxy. nullopt: $HTTPS_PROXY (or
  /// $https_proxy) for an https base, unless $NO_PROXY names the host; never for loopback.
  std::optional<std::string> proxy;
  bool proxy_from_environment = true;  ///< whether nullopt `proxy` consults the environment
  /// For each resolve, connect, handshake, write and read.
  std::chrono::milliseconds timeout = config::defaults::target_timeout;
  /// `count` asked for in each GET /Users page (>= 1).
  std::size_t page_size = config::defaults::target_page_size;
  std::size_t body_limit = 256u << 20;               ///< largest answer body accepted, in bytes
  std::shared_ptr<core::rate_limiter> rate_limiter;  ///< paces every request; required
  core::retry_policy retry;                          ///< attempts and backoff
  /// Time for the limiter's slots and for Retry-After dates; must be the clock the limiter
  /// reads. nullptr: the wall clock.
  std::shared_ptr<const core::clock> clock;
  std::shared_ptr<spdlog::logger> logger;  ///< nullptr: spdlog's default logger
  std::string user_agent = "eightsync";    ///< the User-Agent header
  /// How the client waits for slots and backoffs; nullptr: a timer_sleeper on its executor.
  std::shared_ptr<pacing_sleeper> sleeper;
  /// The longest wait the rate limit alone imposes (target.rate_limit.per plus the limiter's
  /// guard): a wait up to it is ordinary pacing, never refused nor reported as long.
  std::chrono::milliseconds pacing_window{0};
  /// A command's limit (`--max-wait`): a call whose send slot is further away than this (and
  /// than pacing_window) is not sent: it returns rate_limited with attempts 0 and reports the
  /// wait to on_wait_refused. nullopt: every wait is waited out (the service).
  std::optional<std::chrono::milliseconds> max_wait;
  /// Told of a wait max_wait refused, before the call returns.
  std::function<void(const long_wait&)> on_wait_refused;
  /// Told when a long wait begins (the wait) and when it ends (nullopt), for status and metrics.
  std::function<void(const std::optional<long_wait>&)> on_long_wait;
};

}  // namespace eightsync::connectors
