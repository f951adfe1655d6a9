#include "core/scim_reader.hpp"

#include <utility>
#include <vector>

#include "core/remote_user.hpp"
#include "core/user_listing.hpp"

namespace eightsync::core {

bool scim_reader::stops_reading(const scim_result& r) const noexcept {
  // 401: nothing else will work. Transport after the client's retries: 8x8 is unreachable, and
  // each further read would wait out its own retries. A 429 the client gave up on: reading on
  // would only be refused again.
  return r.outcome == scim_outcome::auth_failed || r.outcome == scim_outcome::transport ||
         r.outcome == scim_outcome::rate_limited;
}

void scim_reader::add_user(const scim_result& r, clock::time_point fetched_at, read_report& into) {
  if (!r.resource) return;
  auto user = remote_user::from_object(*r.resource, fetched_at);
  if (user) into.snapshot.users.push_back(std::move(*user));
}

boost::asio::awaitable<void> scim_reader::list_all(read_report& into, std::size_t expected_users,
                                                   const listing_limits& limits) {
  const auto started = clock_.now();
  auto& users = into.snapshot.users;
  // Growing by doubling would move every compact user several times and touch about twice the
  // final array's pages; the account is usually about as large as it was last cycle.
  if (expected_users > 0) users.reserve(users.size() + expected_users + expected_users / 32);
  std::size_t dropped = 0;
  // Each page becomes compact remote_users as it arrives and its JSON goes with it, so the peak
  // is one page of JSON plus the compact account, not the whole account as JSON.
  listing_limits paced = limits;
  if (!paced.between_pages) paced.between_pages = between_;
  scim_listing listing = co_await list_all_users(
      port_, page_size_,
      [&](std::vector<boost::json::object>&& page) {
        for (const auto& obj : page) {
          auto user = remote_user::from_object(obj, started);
          if (user) {
            users.push_back(std::move(*user));
          } else {
            ++dropped;
          }
        }
      },
      log_, paced);
  into.requests += listing.requests;
  into.listing_pages = listing.pages;
  into.listing_users = listing.user_count;
  into.listing_duplicates = listing.duplicates;
  into.listing_dropped = listing.without_id + dropped;
  into.listing_end = listing.end;
  into.snapshot.full_listing = true;
  into.snapshot.complete = listing.complete;
  into.snapshot.spent.listing_pages += listing.requests;
  // A listing that failed part way (after the client's retries) means 8x8 is not answering
  // well: stop here rather than spend requests on per-user reads that would fail the same way.
  if (listing.end == scim_listing_end::failed) into.stopped = std::move(listing.last);
  co_return;
}

boost::asio::awaitable<void> scim_reader::read(std::span<const needed_read> reads, read_report& into) {
  for (const auto& rd : reads) {
    if (into.stopped) co_return;
    if (between_) co_await between_();
    const auto at = clock_.now();
    scim_result r;
    if (rd.kind == read_kind::get_by_id) {
      r = co_await port_.get(rd.target);
      ++into.snapshot.spent.gets_by_id;
    } else {
      r = co_await port_.find_by_user_name(rd.target);
      ++into.snapshot.spent.lookups;
    }
    into.requests += r.attempts;
    if (r.ok()) {
      add_user(r, at, into);
      if (rd.kind == read_kind::lookup_user_name) into.snapshot.looked_up.push_back(rd.target);
      continue;
    }
    if (r.outcome == scim_outcome::not_found && rd.kind == read_kind::lookup_user_name) {
      into.snapshot.looked_up.push_back(rd.target);
      continue;
    }
    // A possible match from the unmanaged index that 8x8 no longer shows is a clear answer; a
    // linked user's 404 stays a failure (someone has to look at that link).
    if (r.outcome == scim_outcome::not_found && rd.index_candidate) {
      into.snapshot.not_found.push_back(rd.target);
      continue;
    }
    into.failures.push_back({rd, r.outcome, r.status, r.detail});
    if (stops_reading(r)) into.stopped = std::move(r);
  }
}

}  // namespace eightsync::core
