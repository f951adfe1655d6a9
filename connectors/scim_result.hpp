#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "connectors/scim_outcome.hpp"
#include "core/clock.hpp"

namespace eightsync::connectors {

/// The result of one SCIM call, retries included. Expected failures are values of this type;
/// the client does not throw for them.
struct scim_result {
  scim_outcome outcome = scim_outcome::transport;  ///< what became of the call
  unsigned status = 0;                             ///< HTTP status of the last answer; 0 when none came
  std::size_t attempts = 0;                        ///< requests sent for this call (the first included)
  std::chrono::milliseconds latency{};             ///< round trip of the last attempt
  std::chrono::milliseconds elapsed{};             ///< the whole call, pacing and backoff waits included
  std::string scim_type;                           ///< `scimType` of a SCIM error answer, if any
  std::string detail;                              ///< `detail` of a SCIM error, or what went wrong locally
  std::optional<boost::json::object> resource;     ///< the parsed answer object (the user), if any
  std::optional<core::clock::time_point>
      retry_after;             ///< the latest pause a 429 (or 503) imposed during the call
  std::size_t body_bytes = 0;  ///< size of the last answer body

  /// Whether outcome is ok. Never throws.
  bool ok() const noexcept { return outcome == scim_outcome::ok; }
};

}  // namespace eightsync::connectors
