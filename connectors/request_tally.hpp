#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/request_cost.hpp"

namespace eightsync::connectors {

/// What a SCIM client sent and what came back, counted as it goes: every request by method and
/// HTTP status (0: no status, the request failed in transport or the answer was cut short), and
/// the cost beyond the plan. The daemon sums one per cycle into its audit row and its metrics.
/// Not thread-safe (a client and its tally live on one io_context thread).
struct request_tally {
  std::map<std::pair<std::string, unsigned>, std::uint64_t> by_method_status;
  std::uint64_t sent = 0;  ///< every request, retries included
  core::request_cost cost;

  request_tally& operator+=(const request_tally& o) {
    for (const auto& [k, n] : o.by_method_status)
      by_method_status[k] += n;
    sent += o.sent;
    cost += o.cost;
    return *this;
  }
};

}  // namespace eightsync::connectors
