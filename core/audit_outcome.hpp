#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/audit_operation_outcome.hpp"
#include "core/audit_resolution.hpp"
#include "core/clock.hpp"

namespace eightsync::core {

/// How one recorded intent ended (audit_log::record_outcome).
struct audit_outcome {
  audit_operation_outcome outcome = audit_operation_outcome::ok;
  audit_resolution resolved_by = audit_resolution::response;
  std::optional<int> status;                         ///< the last HTTP status received, if any
  std::uint32_t attempts = 0;                        ///< requests sent, retries included
  std::optional<std::chrono::milliseconds> latency;  ///< first attempt to last response
  std::string scim_id;                  ///< the 8x8 id learned (a create's); empty: keep the intent's
  std::string error_detail;             ///< what went wrong; redacted when stored (`Bearer [redacted]`)
  std::optional<clock::time_point> at;  ///< unset: the audit log's clock, now
};

}  // namespace eightsync::core
