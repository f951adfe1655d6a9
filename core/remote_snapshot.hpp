#pragma once
#include <string>
#include <vector>

#include "core/plan.hpp"
#include "core/remote_user.hpp"

namespace eightsync::core {

/// What the cycle read from 8x8: users from a listing, GETs by id and lookups, each with the
/// time it was fetched.
struct remote_snapshot {
  std::vector<remote_user> users;  ///< at most one per id (the freshest is kept)
  /// The listing was complete and consistent (scim_listing::complete). Only a complete full
  /// listing (and target.visibility all) lets the planner take "not listed" as "not in 8x8".
  bool complete = false;
  bool full_listing = false;  ///< users came from paging through GET /Users
  /// userNames looked up by filter (found or not): a create is planned without a full listing
  /// only when its userName is here (the users found are in `users`).
  std::vector<std::string> looked_up;
  /// Ids a GET by id of an index candidate (needed_read::index_candidate) answered 404 for:
  /// 8x8 no longer shows that user, so it matches nobody.
  std::vector<std::string> not_found;
  plan_cost spent;  ///< the reads done to build this snapshot
};

}  // namespace eightsync::core
