#pragma once
#include <cstdint>
#include <string>

namespace eightsync::emulator {

/// One SCIM request as the request log records it.
struct log_entry {
  std::uint64_t seq = 0;  ///< 1, 2, 3… in arrival order; never reused, even after a clear
  std::string time;       ///< arrival time, ISO-8601 UTC with milliseconds
  std::string method;     ///< GET, POST…
  std::string target;     ///< path and query as sent (never holds the token: it travels in a header)
  unsigned status = 0;    ///< status answered; 0 when no answer was sent (reset, lost response)
  bool applied = false;   ///< the request changed the store
  std::string fault;      ///< fault that fired on this request, empty for none
};

}  // namespace eightsync::emulator
