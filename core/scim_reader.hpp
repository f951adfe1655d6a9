#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/clock.hpp"
#include "core/plan.hpp"
#include "core/remote_snapshot.hpp"
#include "core/scim_port.hpp"
#include "core/user_listing.hpp"

namespace eightsync::core {

/// One per-user read that failed, for the cycle's report. The planner leaves that user
/// undecided (it stays in plan::reads_needed), so a failed read never turns into a write.
struct read_failure {
  needed_read read;
  scim_outcome outcome = scim_outcome::transport;
  unsigned status = 0;
  std::string detail;
};

/// What reading 8x8 gave so far in a cycle.
struct read_report {
  remote_snapshot snapshot;
  /// Set when reading had to stop: the listing failed part way, or a read met 401 (the token is
  /// gone), no connection to 8x8 at all, or a Retry-After longer than a call waits. Every later
  /// read was skipped.
  std::optional<scim_result> stopped;
  std::vector<read_failure> failures;  ///< per-user reads that failed (reading went on)
  std::size_t requests = 0;            ///< requests sent, retries included
  /// About the listing, when there was one.
  std::size_t listing_pages = 0;
  std::size_t listing_users = 0;  ///< unique ids the listing handed over
  std::size_t listing_duplicates = 0;
  std::size_t listing_dropped = 0;  ///< resources without an id, or that could not be read
  scim_listing_end listing_end = scim_listing_end::failed;
};

/// Reads 8x8 for a cycle through the SCIM port: the full listing, GETs by id and userName
/// lookups, turning each answer into the planner's compact remote_user with the time it was
/// fetched. Expected failures become values in read_report; it never writes.
class scim_reader {
 public:
  /// A reader on `port` (which must outlive it) asking for `page_size` users a listing page,
  /// timing answers with `clk` and logging the listing to `log`. Never throws.
  scim_reader(scim_port& port, std::size_t page_size, const clock& clk, spdlog::logger& log) noexcept
      : port_(port), page_size_(page_size), clock_(clk), log_(log) {}

  /// Pages through GET /Users into `into.snapshot` (complete only when the listing was). Users
  /// are stamped with the time the listing started, which is never later than when any page
  /// was fetched. It stops, incomplete, at `limits` (see list_all_users). `expected_users` (e.g. how many
  /// links the state holds; 0 if unknown) sizes the snapshot up front. Throws only std::bad_alloc.
  boost::asio::awaitable<void> list_all(read_report& into, std::size_t expected_users = 0,
                                        const listing_limits& limits = {});

  /// Does each of `reads` in order (GET by id, or lookup by userName), adding what it finds to
  /// `into.snapshot` (a lookup's userName goes to `looked_up` when the answer is clear: found
  /// or not found; an index candidate's id goes to `not_found` when 8x8 answers 404). Stops early, with
  /// `into.stopped`, on 401, a transport failure or a long 429. Throws only std::bad_alloc.
  boost::asio::awaitable<void> read(std::span<const needed_read> reads, read_report& into);

  /// Awaits `between` before each per-user read and each listing page after the first (a newer
  /// HR export's leavers go then). Never throws.
  void set_between(std::function<boost::asio::awaitable<void>()> between) noexcept {
    between_ = std::move(between);
  }

 private:
  bool stops_reading(const scim_result& r) const noexcept;
  void add_user(const scim_result& r, clock::time_point fetched_at, read_report& into);

  scim_port& port_;
  std::size_t page_size_;
  const clock& clock_;
  spdlog::logger& log_;
  std::function<boost::asio::awaitable<void>()> between_;
};

}  // namespace eightsync::core
