#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/cycle_kind.hpp"
#include "core/cycle_outcome.hpp"
#include "core/cycle_trigger.hpp"
#include "core/request_cost.hpp"

namespace eightsync::core {

/// One cycles row as read back. `ended_at` and `outcome` are unset while the cycle runs (or
/// after a crash, until the next start marks it interrupted).
struct audit_cycle_row {
  std::int64_t id = 0;
  clock::time_point started_at;
  std::optional<clock::time_point> ended_at;
  cycle_kind kind = cycle_kind::incremental;
  cycle_trigger trigger = cycle_trigger::schedule;
  std::string source_path;
  std::string source_sha256;
  std::optional<std::uint64_t> rows_read;
  std::optional<std::uint64_t> rows_in_scope;
  std::optional<std::uint64_t> rows_quarantined;
  std::uint64_t requests_planned = 0;
  std::uint64_t requests_sent = 0;
  request_cost cost;  ///< retries, 429s and rate-limit waits (0 for cycles before migration 0004)
  std::optional<cycle_outcome> outcome;
  std::string error;
};

}  // namespace eightsync::core
