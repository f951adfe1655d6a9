#pragma once
#include <chrono>
#include <cstddef>
#include <random>
#include <vector>

#include "config/config_defaults.hpp"
#include "core/scim_port.hpp"

namespace eightsync::core {

/// One rule of how an HTTP status from 8x8 is read: statuses `first` to `last` (inclusive) mean
/// `outcome`.
struct status_rule {
  unsigned first = 0;
  unsigned last = 0;
  scim_outcome outcome = scim_outcome::protocol;
};

/// How an answer is classified and a failed request tried again, as data (like bmcweb's
/// ConnectionPolicy). Which requests may be tried again at all is the client's business: a POST
/// is resent only when it provably never left the machine, whatever this says.
struct retry_policy {
  /// Tries in all, the first one included (>= 1).
  std::size_t attempts = config::defaults::retry_attempts;
  /// The backoff cap before the 2nd try.
  std::chrono::milliseconds base_delay = config::defaults::retry_base_delay;
  /// Backoff never exceeds this; nor does a wait for Retry-After inside one call.
  std::chrono::milliseconds max_delay = config::defaults::retry_max_delay;
  /// A longer Retry-After is cut to this.
  std::chrono::milliseconds max_pause = config::defaults::retry_max_pause;
  std::vector<unsigned> retryable_statuses{500, 502, 503, 504};  ///< statuses worth another try
  /// What each status means, the first matching rule winning; a status no rule covers (1xx,
  /// 3xx) breaks the protocol. 429 always pauses; so does a status in pause_statuses that comes
  /// with a Retry-After header.
  std::vector<status_rule> status_rules{{200, 299, scim_outcome::ok},
                                        {401, 401, scim_outcome::auth_failed},
                                        {403, 403, scim_outcome::write_forbidden},
                                        {404, 404, scim_outcome::not_found},
                                        {409, 409, scim_outcome::conflict},
                                        {429, 429, scim_outcome::rate_limited},
                                        {400, 499, scim_outcome::invalid},
                                        {500, 999, scim_outcome::server}};
  /// Statuses that pause every request until their Retry-After, when they carry one (8x8's
  /// gateways answer 503 so when overloaded). 429 pauses with or without the header.
  std::vector<unsigned> pause_statuses{503};
  bool retry_transport_errors = true;  ///< retry timeouts, resets, truncated answers

  /// Whether `status` is in retryable_statuses. Never throws.
  bool is_retryable_status(unsigned status) const noexcept;

  /// What `status` means by status_rules (protocol when no rule covers it). Never throws.
  scim_outcome classify(unsigned status) const noexcept;

  /// Whether an answer with `status` pauses every request until its Retry-After: 429 always, a
  /// status in pause_statuses when `has_retry_after`. Never throws.
  bool pauses(unsigned status, bool has_retry_after) const noexcept;

  /// Whether another try is allowed after `attempts_made` tries. Never throws.
  bool may_try_again(std::size_t attempts_made) const noexcept { return attempts_made < attempts; }

  /// The backoff cap after try number `attempt` (1-based): min(max_delay, base_delay * 2^(attempt-1)),
  /// without overflow. Never throws.
  std::chrono::milliseconds backoff_cap(std::size_t attempt) const noexcept;

  /// The wait after try number `attempt` with full jitter: uniform in [0, backoff_cap(attempt)],
  /// drawn from `rng`. Never throws.
  template <class Rng>
  std::chrono::milliseconds delay_for(std::size_t attempt, Rng& rng) const {
    const auto cap = backoff_cap(attempt).count();
    if (cap <= 0) return std::chrono::milliseconds{0};
    std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, cap);
    return std::chrono::milliseconds{pick(rng)};
  }
};

}  // namespace eightsync::core
