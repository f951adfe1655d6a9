#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/cycle_kind.hpp"
#include "core/cycle_outcome.hpp"
#include "core/request_cost.hpp"

namespace eightsync::core {

/// How a cycle ended (audit_log::end_cycle), with what it learned about the HR export on the
/// way. The source fields stay unset when the export was never read.
struct audit_cycle_end {
  cycle_outcome outcome = cycle_outcome::ok;
  std::string error;                              ///< for a person; empty: none (redacted when stored)
  std::uint64_t requests_planned = 0;             ///< requests the plan expected (plan::cost)
  std::uint64_t requests_sent = 0;                ///< requests actually sent, retries and 429s included
  request_cost cost;                              ///< retries, 429s and rate-limit waits among them
  std::string source_sha256;                      ///< hex SHA-256 of the export read; empty: not read
  std::optional<std::uint64_t> rows_read;         ///< data records read
  std::optional<std::uint64_t> rows_in_scope;     ///< of those, in scope
  std::optional<std::uint64_t> rows_quarantined;  ///< of those, set aside
  /// The kind the cycle turned out to be (an incremental cycle may decide a full listing is
  /// cheaper); unset: as begun.
  std::optional<cycle_kind> kind;
  std::optional<clock::time_point> ended_at;  ///< unset: the audit log's clock, now
};

}  // namespace eightsync::core
