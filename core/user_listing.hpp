#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/clock.hpp"
#include "core/scim_port.hpp"

namespace eightsync::core {

/// Where a listing stops even while 8x8 keeps answering, so that a server that claims a huge
/// account or keeps inventing ids cannot make eightsync page (and grow) forever. A listing that
/// stops at a limit is incomplete: nobody is taken as gone, nobody is created on its word.
struct listing_limits {
  /// How many users the last complete listing held; 0: none yet.
  std::size_t last_complete_users = 0;
  /// The most users eightsync has reason to expect (the larger of the last complete listing,
  /// the links and the HR rows); 0: nothing known.
  std::size_t known_users = 0;
  /// target.listing_max_duration: a listing running longer stops; unset: no limit.
  std::optional<clock::duration> max_duration;
  /// Reads the time for max_duration; required when it is set.
  const clock* clk = nullptr;
  /// Awaited before each page after the first: a newer HR export's leavers go then, between
  /// two pages (the listing goes on where it was). Unset: nothing.
  std::function<boost::asio::awaitable<void>()> between_pages;
};

/// The fewest users a listing may always hand over.
inline constexpr std::size_t listing_user_floor = 10'000;

/// The most users a listing may hand over before it stops: max(2 × the last complete count,
/// 1.1 × the totalResults of its first page, listing_user_floor). The totalResults term counts
/// at most 10 × max(known_users, 100,000): a claim beyond that (a hostile or broken server
/// claiming 10^12 users) does not raise the limit. Never throws.
std::size_t listing_user_cap(const listing_limits& limits, std::optional<std::uint64_t> first_total) noexcept;

/// Pages through GET /Users on `port`, `page_size` users a page (startIndex advancing by the
/// Resources returned), deduplicating by id, until an empty page, totalResults reached, or a
/// page of known ids (some servers answer a past-the-end startIndex with page 1 again). Each
/// page's new users go to `on_page` as soon as the page is read, so memory stays at one page of
/// JSON plus what `on_page` keeps; the result's `users` stays empty and `user_count` counts what
/// was handed over. `complete` says whether the result can be trusted as the whole account:
/// every page succeeded, totalResults never changed, and the unique ids equal it. A listing
/// that fails part way has already handed over the pages before the failure. It stops,
/// incomplete, past listing_user_cap users or past `limits.max_duration` (ends too_many_users
/// and too_long; logged at warn as `scim.list.stopped`). Logs `scim.list.page` (debug) and
/// `scim.list.done` to `log`. Throws std::bad_alloc, or what `on_page` throws (the listing
/// stops there).
boost::asio::awaitable<scim_listing> list_all_users(scim_port& port, std::size_t page_size,
                                                    scim_page_sink on_page, spdlog::logger& log,
                                                    const listing_limits& limits = {});

/// list_all_users collecting every user into the result's `users`. Throws only std::bad_alloc.
boost::asio::awaitable<scim_listing> list_all_users(scim_port& port, std::size_t page_size,
                                                    spdlog::logger& log);

}  // namespace eightsync::core
