#pragma once
#include <string_view>

namespace eightsync::emulator {

/// What the fault engine knows about a request when it decides (after the header is read).
struct fault_context {
  std::string_view method;         ///< upper-case method
  std::string_view path;           ///< path relative to the SCIM base (`/Users/…`), or the full path
  std::string_view full_path;      ///< the path as sent
  bool list_continuation = false;  ///< GET /Users with startIndex > 1 (where drift can fire)
  bool listing = false;            ///< GET /Users without a filter (where the listing faults fire)
};

}  // namespace eightsync::emulator
