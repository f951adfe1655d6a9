#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/enum_names.hpp"
#include "core/request_cost.hpp"

// What a cycle asks of 8x8, and what comes back, as core sees it.
//
// The engine (scim_reader, cycle_executor, cycle_engine) decides everything from these
// results and never sees HTTP: `scim_port` is the narrow interface through which it receives
// I/O results, as ISC Kea's NameChangeTransaction receives DNS results. connectors::scim_client
// implements it over HTTPS (rate limiting, retries and the status classification live there);
// unit tests implement it with a scripted fake.
//
//   scim_outcome         what became of one call (ok, not_found, conflict, … outcome_unknown)
//   scim_result          one call's outcome, status, attempts, detail and answer object
//   scim_replace_result  a PUT's result plus the attributes the answer does not show as sent
//   scim_listing         what paging through GET /Users gave (list_all_users)
//   request_tally        every request sent, by method and status, and what they cost
//   scim_port            the calls: one listing page, GET by id, lookup by userName, POST, PUT,
//                        PATCH active
namespace eightsync::core {

/// What became of a SCIM call, as the engine needs to know it.
/// - ok: 2xx with a usable answer
/// - not_found: 404, or a lookup that matched nobody
/// - conflict: 409 (e.g. the userName is taken)
/// - invalid: 400 or another 4xx: permanent for this user, do not retry
/// - auth_failed: 401: the token is gone; stop the cycle (invariant 7)
/// - write_forbidden: 403: another client is primary; reads only (invariant 7)
/// - rate_limited: 429, not resent (a POST) or Retry-After beyond what one call waits
/// - server: 5xx after the retries (not for POST: see outcome_unknown)
/// - transport: no answer (resolve, connect, TLS, timeout, reset) after the retries
/// - protocol: an answer that breaks the protocol: bad JSON, no id, truncated body
/// - outcome_unknown: a POST that left and got no clear answer: resolve by a lookup, never resend
BOOST_DEFINE_ENUM_CLASS(scim_outcome, ok, not_found, conflict, invalid, auth_failed, write_forbidden,
                        rate_limited, server, transport, protocol, outcome_unknown)

/// The result of one SCIM call, retries included. Expected failures are values of this type;
/// a port does not throw for them.
struct scim_result {
  scim_outcome outcome = scim_outcome::transport;  ///< what became of the call
  unsigned status = 0;                             ///< HTTP status of the last answer; 0 when none came
  std::size_t attempts = 0;                        ///< requests sent for this call (the first included)
  std::chrono::milliseconds latency{};             ///< round trip of the last attempt
  std::chrono::milliseconds elapsed{};             ///< the whole call, pacing and backoff waits included
  std::string scim_type;                           ///< `scimType` of a SCIM error answer, if any
  std::string detail;                              ///< `detail` of a SCIM error, or what went wrong locally
  std::optional<boost::json::object> resource;     ///< the parsed answer object (the user), if any
  std::optional<clock::time_point> retry_after;  ///< the latest pause a 429 (or 503) imposed during the call
  std::size_t body_bytes = 0;                    ///< size of the last answer body

  /// Whether outcome is ok. Never throws.
  bool ok() const noexcept { return outcome == scim_outcome::ok; }
};

/// "invalid (HTTP 400): the detail": a failed call's outcome, status and detail in one phrase,
/// as audit rows and messages show it. Throws only std::bad_alloc.
std::string scim_failure_text(const scim_result& r);

/// The result of a PUT, and which of the attributes sent the answer does not show as asked.
struct scim_replace_result {
  scim_result result;  ///< the call itself
  /// SCIM paths of attributes sent whose value in the answer differs (e.g. the 8x8 `site`
  /// once set, or a field the server ignores): the engine turns them into manual actions
  /// instead of sending the PUT again. Empty unless result is ok with an answer body.
  std::vector<std::string> not_applied;
};

/// Why a listing stopped asking for pages.
/// - total_reached: as many resources advanced over as totalResults said
/// - empty_page: a page without Resources
/// - known_ids: a page holding only ids already seen (e.g. page 1 again past the end)
/// - failed: a page request failed: see `last`
/// - too_many_users: more users than the listing's limit (listing_limits): stopped, incomplete
/// - too_long: longer than target.listing_max_duration: stopped, incomplete
BOOST_DEFINE_ENUM_CLASS(scim_listing_end, total_reached, empty_page, known_ids, failed, too_many_users,
                        too_long)

/// Every user GET /Users gave, deduplicated by id, and whether the listing can be trusted as
/// the whole account.
struct scim_listing {
  /// One per id, in the order first seen; empty when the listing handed each page to a page sink
  /// instead. The users of one page share that page's arena (their storage()) when the port
  /// parsed it into one: it is freed when the last of them goes, and copies or edits of a user
  /// allocate from it too; copy into default storage what must outlive the listing.
  std::vector<boost::json::object> users;
  /// Unique ids listed: users.size(), or how many were handed to the page sink.
  std::size_t user_count = 0;
  /// True only when every page succeeded, totalResults was the same on every page, and the
  /// number of unique ids equals it. The planner makes "missing means gone" decisions only then.
  bool complete = false;
  std::size_t pages = 0;                            ///< pages received
  std::size_t requests = 0;                         ///< requests sent, retries included
  std::size_t duplicates = 0;                       ///< resources dropped because their id was already seen
  std::size_t without_id = 0;                       ///< resources dropped because they had no string id
  std::size_t body_bytes = 0;                       ///< JSON bytes received and parsed
  std::optional<std::uint64_t> first_total;         ///< totalResults of the first page
  std::optional<std::uint64_t> last_total;          ///< totalResults of the last page
  bool total_changed = false;                       ///< totalResults differed between pages
  scim_listing_end end = scim_listing_end::failed;  ///< why the listing stopped
  scim_result last;  ///< the last page's call (its outcome when the listing failed)
};

/// What a port sent and what came back, counted as it goes: every request by method and HTTP
/// status (0: no status, the request failed in transport or the answer was cut short), and the
/// cost beyond the plan. A cycle's audit row and the service's metrics are summed from it.
/// Not thread-safe (a port and its tally live on one io_context thread).
struct request_tally {
  std::map<std::pair<std::string, unsigned>, std::uint64_t> by_method_status;
  std::uint64_t sent = 0;  ///< every request, retries included
  request_cost cost;

  /// Adds `o` field by field. Throws only std::bad_alloc.
  request_tally& operator+=(const request_tally& o) {
    for (const auto& [k, n] : o.by_method_status)
      by_method_status[k] += n;
    sent += o.sent;
    cost += o.cost;
    return *this;
  }

  /// What was counted after `earlier`, a copy of this tally taken before. Throws only
  /// std::bad_alloc.
  request_tally since(const request_tally& earlier) const {
    request_tally d;
    for (const auto& [k, n] : by_method_status) {
      const auto it = earlier.by_method_status.find(k);
      const std::uint64_t was = it == earlier.by_method_status.end() ? 0 : it->second;
      if (n > was) d.by_method_status[k] = n - was;
    }
    d.sent = sent - earlier.sent;
    d.cost.retried = cost.retried - earlier.cost.retried;
    d.cost.responses_429 = cost.responses_429 - earlier.cost.responses_429;
    d.cost.rate_limit_wait = cost.rate_limit_wait - earlier.cost.rate_limit_wait;
    return d;
  }
};

/// What a cycle asks of 8x8. Every call is awaitable and returns expected failures as values;
/// calls must not overlap (await one before starting the next). Implementations pace, retry and
/// classify answers into scim_outcome; the engine decides what each outcome means.
class scim_port {
 public:
  virtual ~scim_port() = default;

  /// GET /Users?startIndex=`start_index`&count=`count`: ok with the ListResponse object as it
  /// came (totalResults, Resources; list_all_users reads it). Never throws except std::bad_alloc.
  virtual boost::asio::awaitable<scim_result> list_page(std::size_t start_index, std::size_t count) = 0;

  /// GET /Users/{id}: ok with the user. Never throws except std::bad_alloc.
  virtual boost::asio::awaitable<scim_result> get(std::string id) = 0;

  /// GET /Users?filter=userName eq "…": ok with the one user, not_found when nobody matches,
  /// protocol when several do. Never throws except std::bad_alloc.
  virtual boost::asio::awaitable<scim_result> find_by_user_name(std::string user_name) = 0;

  /// POST /Users with `user`: ok with the created user (with its id). A POST that may have left
  /// without a clear answer is outcome_unknown, never resent. Never throws except std::bad_alloc.
  virtual boost::asio::awaitable<scim_result> create(boost::json::object user) = 0;

  /// PUT /Users/{id} with the complete object `user`, and the attributes the answer does not
  /// show as sent. Never throws except std::bad_alloc.
  virtual boost::asio::awaitable<scim_replace_result> replace(std::string id, boost::json::object user) = 0;

  /// PATCH /Users/{id} replacing `active` only (the one attribute 8x8 patches). Never throws
  /// except std::bad_alloc.
  virtual boost::asio::awaitable<scim_result> set_active(std::string id, bool active) = 0;

  /// Every request sent so far through this port. Never throws.
  virtual const request_tally& tally() const noexcept = 0;

  /// Waits until a request could leave at once (the pace's next free slot), without taking that
  /// slot: what is decided right after goes out in it. A newer HR export is looked for here, so
  /// its leaver's GET goes in the slot the next planned request would have had. Returns early when
  /// eightsync is stopping. The default waits for nothing (a port without pacing). Never throws
  /// except std::bad_alloc.
  virtual boost::asio::awaitable<void> wait_for_turn() { co_return; }
};

/// Receives the users of one listing page that carry an id not seen before, in listing order,
/// as soon as the page is read.
using scim_page_sink = std::function<void(std::vector<boost::json::object>&& users)>;

}  // namespace eightsync::core
