#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "connectors/scim_result.hpp"

namespace eightsync::connectors {

/// Why a listing stopped asking for pages.
enum class scim_listing_end {
  total_reached,  ///< as many resources advanced over as totalResults said
  empty_page,     ///< a page without Resources
  known_ids,      ///< a page holding only ids already seen (e.g. page 1 again past the end)
  failed,         ///< a page request failed: see `last`
};

/// The stable name of `e` (`total_reached`, `empty_page`, `known_ids`, `failed`). Never throws.
std::string_view scim_listing_end_name(scim_listing_end e) noexcept;

/// Every user GET /Users gave, deduplicated by id, and whether the listing can be trusted as
/// the whole account.
struct scim_listing {
  /// One per id, in the order first seen; empty when the listing handed each page to a page sink
  /// instead (scim_client::list_all(page_sink)). The users of one page share that page's
  /// monotonic arena (their storage()): it is freed when the last of them goes, and copies or
  /// edits of a user allocate from it too; copy into default storage what must outlive the listing.
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

}  // namespace eightsync::connectors
