#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "connectors/scim_base_url.hpp"
#include "connectors/scim_client_options.hpp"
#include "core/scim_port.hpp"

namespace eightsync::connectors {

struct http_exchange;

class http_transport;

/// The 8x8 SCIM 2.0 client: one keep-alive connection on the caller's io_context, every request
/// paced by the shared rate limiter and retried by the retry policy. GET, PUT and PATCH are
/// retried on retryable statuses, timeouts, resets and truncated answers; a POST is resent only
/// when it provably never left (failed before any byte was written) or 8x8 refused it with 429
/// (after Retry-After, within retry.max_delay), otherwise its outcome is `outcome_unknown`. 401 and 403 are
/// never retried. It never sends DELETE. It logs one line per event (`scim.request`, `scim.retry`,
/// `scim.rate_limited`, …) and never logs a header or the token. Calls must not overlap: await one before
/// starting the next. It is the engine's core::scim_port.
///
/// A Retry-After longer than retry.max_pause is cut to it (`scim.retry_after_capped`). A wait for
/// a slot over a minute and beyond the rate limit's window is logged at warn (`scim.long_wait`)
/// and reported to options.on_long_wait; with options.max_wait a longer one is not waited: the
/// call returns rate_limited with no attempt (`scim.wait_refused`). Once options.sleeper is
/// interrupted, no call sends anything: each returns rate_limited with no attempt.
class scim_client final : public core::scim_port {
 public:
  /// A client for `options` on `executor`. Throws std::invalid_argument for a bad base URL,
  /// proxy or CA file, a zero page size or attempts, or a missing rate limiter.
  scim_client(boost::asio::any_io_executor executor, scim_client_options options);

  /// A client for `options` that sends through `transport` (a test or fuzz seam), which brings
  /// its own connection settings: the options' proxy, CA file, token, timeout, body limit and
  /// User-Agent are the transport's business then. A null `transport`: the http_connection the
  /// constructor above builds. Throws as the constructor above.
  scim_client(boost::asio::any_io_executor executor, scim_client_options options,
              std::unique_ptr<http_transport> transport);

  /// Closes the connection (without TLS close_notify; await shutdown() for that). Never throws.
  ~scim_client() override;

  scim_client(const scim_client&) = delete;
  scim_client& operator=(const scim_client&) = delete;

  /// Pages through GET /Users with core::list_all_users (page_size users a page, deduplicated by
  /// id, `complete` only when the listing can be trusted as the whole account), collecting every
  /// user. Never throws except std::bad_alloc.
  boost::asio::awaitable<core::scim_listing> list_all();

  /// As list_all(), but hands each page's new users to `on_page` as the page arrives instead of
  /// collecting them: the result's `users` stays empty and `user_count` counts what was handed
  /// over. Throws std::bad_alloc, or what `on_page` throws (the listing stops there).
  boost::asio::awaitable<core::scim_listing> list_all(core::scim_page_sink on_page);

  /// GET /Users?startIndex=…&count=…, the answer parsed into one arena per page (a listing's
  /// users are moved out of the page and keep the arena alive; no per-node malloc). Never throws
  /// except std::bad_alloc.
  /// Sleeps until the rate limiter's next slot (core::rate_limiter::next_slot), taking nothing;
  /// returns at once when a stop interrupts the sleeper. Never throws except std::bad_alloc.
  boost::asio::awaitable<void> wait_for_turn() override;

  boost::asio::awaitable<core::scim_result> list_page(std::size_t start_index, std::size_t count) override;

  /// GET /Users?filter=userName eq "…": ok with the user, not_found when nobody matches,
  /// protocol when several do. Never throws except std::bad_alloc.
  boost::asio::awaitable<core::scim_result> find_by_user_name(std::string user_name) override;

  /// GET /Users/{id}. Never throws except std::bad_alloc.
  boost::asio::awaitable<core::scim_result> get(std::string id) override;

  /// POST /Users with `user`; ok carries the created user (with its id). Never resent once it
  /// may have left (then outcome_unknown, to be resolved with find_by_user_name), except after
  /// a 429, which 8x8 answers without applying anything. Never throws except std::bad_alloc.
  boost::asio::awaitable<core::scim_result> create(boost::json::object user) override;

  /// PUT /Users/{id} with the full object `user`, then compares the answer with what was sent
  /// and lists the attributes not applied. Never throws except std::bad_alloc.
  boost::asio::awaitable<core::scim_replace_result> replace(std::string id,
                                                            boost::json::object user) override;

  /// PATCH /Users/{id} replacing `active` only (the one attribute 8x8 patches). Never throws
  /// except std::bad_alloc.
  boost::asio::awaitable<core::scim_result> set_active(std::string id, bool active) override;

  /// Closes the connection gracefully. Never throws.
  boost::asio::awaitable<void> shutdown();

  /// The parsed base URL. Never throws.
  const scim_base_url& base() const noexcept { return base_; }

  /// TCP connections opened so far (a test and metrics aid). Never throws.
  std::size_t connections_opened() const noexcept;

  /// Every request sent so far by method and status, retries, 429s and time waited on the
  /// limiter. Never throws.
  const core::request_tally& tally() const noexcept override { return tally_; }

  /// The first wait options.max_wait refused, if any (the call returned unsent). Never throws.
  const std::optional<long_wait>& refused_wait() const noexcept { return refused_; }

 private:
  struct call;
  /// Whether, and how soon, a call is tried again after one attempt.
  enum class next_try {
    none,           ///< done: the answer stands
    after_backoff,  ///< again after the retry policy's jittered backoff
    at_once,        ///< again as soon as the rate limiter lets it (a pause already holds it)
  };
  // One call, with its retries: each attempt waits for a slot, is sent, and is read.
  boost::asio::awaitable<core::scim_result> execute(const call& c);
  std::optional<core::scim_result> unsendable(const call& c);
  boost::asio::awaitable<bool> wait_for_slot(const call& c);
  void count_sent(const call& c, const http_exchange& ex, std::size_t attempt);
  next_try read_no_answer(const call& c, const http_exchange& ex, std::size_t attempt, core::scim_result& r);
  next_try read_answer(const call& c, const http_exchange& ex, std::size_t attempt, std::size_t& paused,
                       core::scim_result& r);
  void read_success(const call& c, const http_exchange& ex, core::scim_result& r);
  next_try read_pause(const call& c, const http_exchange& ex, std::size_t paused, core::scim_result& r);
  boost::asio::awaitable<bool> wait_for(const call& c, core::clock::time_point slot);
  std::optional<long_wait> refused(const call& c);
  std::string_view wait_reason(core::clock::time_point slot) const;

  boost::asio::any_io_executor executor_;
  scim_client_options options_;
  scim_base_url base_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<http_transport> connection_;
  std::mt19937_64 rng_;
  core::request_tally tally_;
  std::optional<long_wait> refused_;
  bool busy_ = false;
};

}  // namespace eightsync::connectors
