#pragma once
#include <string>
#include <vector>

#include "core/plan_cost.hpp"
#include "core/plan_read.hpp"

namespace eightsync::core {

/// How a cycle should read 8x8 (core::plan_reads): a full listing, or only the users that need
/// it, whichever costs fewer requests.
struct read_plan {
  bool full_listing = false;      ///< page through GET /Users
  std::string reason;             ///< why this read, for a person
  std::vector<plan_read> reads;   ///< per-user reads to do (with a listing: only lookups it cannot replace)
  plan_cost cost;                 ///< the requests the chosen read costs
  std::size_t listing_pages = 0;  ///< what a full listing would cost
  std::size_t per_user_requests = 0;  ///< what per-user GETs and lookups would cost
};

}  // namespace eightsync::core
