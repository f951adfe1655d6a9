#pragma once
#include <cstddef>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/scim_port.hpp"

namespace eightsync::core {

/// Pages through GET /Users on `port`, `page_size` users a page (startIndex advancing by the
/// Resources returned), deduplicating by id, until an empty page, totalResults reached, or a
/// page of known ids (some servers answer a past-the-end startIndex with page 1 again). Each
/// page's new users go to `on_page` as soon as the page is read, so memory stays at one page of
/// JSON plus what `on_page` keeps; the result's `users` stays empty and `user_count` counts what
/// was handed over. `complete` says whether the result can be trusted as the whole account:
/// every page succeeded, totalResults never changed, and the unique ids equal it. A listing
/// that fails part way has already handed over the pages before the failure. Logs
/// `scim.list.page` (debug) and `scim.list.done` to `log`. Throws std::bad_alloc, or what
/// `on_page` throws (the listing stops there).
boost::asio::awaitable<scim_listing> list_all_users(scim_port& port, std::size_t page_size,
                                                    scim_page_sink on_page, spdlog::logger& log);

/// list_all_users collecting every user into the result's `users`. Throws only std::bad_alloc.
boost::asio::awaitable<scim_listing> list_all_users(scim_port& port, std::size_t page_size,
                                                    spdlog::logger& log);

}  // namespace eightsync::core
