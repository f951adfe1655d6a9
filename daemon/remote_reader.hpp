#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "connectors/scim_client.hpp"
#include "connectors/scim_listing.hpp"
#include "connectors/scim_result.hpp"
#include "core/clock.hpp"
#include "core/plan_read.hpp"
#include "core/remote_snapshot.hpp"

namespace eightsync::daemon {

/// One per-user read that failed, for the cycle's report. The planner leaves that user
/// undecided (it stays in plan::reads_needed), so a failed read never turns into a write.
struct read_failure {
  core::plan_read read;
  connectors::scim_outcome outcome = connectors::scim_outcome::transport;
  unsigned status = 0;
  std::string detail;
};

/// What reading 8x8 gave so far in a cycle.
struct remote_read {
  core::remote_snapshot snapshot;
  /// Set when reading had to stop: the listing failed part way, or a read met 401 (the token is
  /// gone), no connection to 8x8 at all, or a Retry-After longer than a call waits. Every later
  /// read was skipped.
  std::optional<connectors::scim_result> stopped;
  std::vector<read_failure> failures;  ///< per-user reads that failed (reading went on)
  std::size_t requests = 0;            ///< requests sent, retries included
  /// About the listing, when there was one.
  std::size_t listing_pages = 0;
  std::size_t listing_duplicates = 0;
  std::size_t listing_dropped = 0;  ///< resources without an id, or that could not be read
  connectors::scim_listing_end listing_end = connectors::scim_listing_end::failed;
};

/// Reads 8x8 for a cycle through the SCIM client: the full listing, GETs by id and userName
/// lookups, turning each answer into the planner's compact remote_user with the time it was
/// fetched. Expected failures become values in remote_read; it never writes.
class remote_reader {
 public:
  /// A reader on `client` (which must outlive it), timing answers with `clk`. Never throws.
  remote_reader(connectors::scim_client& client, const core::clock& clk) noexcept
      : client_(client), clock_(clk) {}

  /// Pages through GET /Users into `into.snapshot` (complete only when the listing was). Users
  /// are stamped with the time the listing started, which is never later than when any page
  /// was fetched. `expected_users` (e.g. how many links the state holds; 0 if unknown) sizes
  /// the snapshot up front. Throws only std::bad_alloc.
  boost::asio::awaitable<void> list_all(remote_read& into, std::size_t expected_users = 0);

  /// Does each of `reads` in order (GET by id, or lookup by userName), adding what it finds to
  /// `into.snapshot` (a lookup's userName goes to `looked_up` when the answer is clear: found
  /// or not found). Stops early, with `into.stopped`, on 401, a transport failure or a long
  /// 429. Throws only std::bad_alloc.
  boost::asio::awaitable<void> read(std::span<const core::plan_read> reads, remote_read& into);

 private:
  bool stops_reading(const connectors::scim_result& r) const noexcept;
  void add_user(const connectors::scim_result& r, core::clock::time_point fetched_at, remote_read& into);

  connectors::scim_client& client_;
  const core::clock& clock_;
};

}  // namespace eightsync::daemon
