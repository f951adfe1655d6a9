#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace eightsync::emulator {

/// Where a request target points, once the SCIM base (`/scim/v2` or 8x8's
/// `/udi/customers/{CUSTOMER_ID}/scim/v2`) is stripped, with the query parameters SCIM uses.
struct scim_route {
  /// The addressed resource.
  enum class resource {
    users,                    ///< /Users
    user,                     ///< /Users/{id}
    service_provider_config,  ///< /ServiceProviderConfig
    unknown,                  ///< anything else (404)
  };

  resource kind = resource::unknown;  ///< what is addressed
  std::string id;                     ///< the {id} of /Users/{id}, percent-decoded
  std::string path;       ///< path relative to the base (`/Users/…`); the full path when unknown
  std::string full_path;  ///< the path as sent, without the query
  std::optional<std::string> filter;       ///< `filter`, decoded (`+` is a space)
  std::optional<std::string> start_index;  ///< `startIndex`, as sent
  std::optional<std::string> count;        ///< `count`, as sent
};

/// Parses an origin-form request target. Returns nullopt when the target is not a valid URI
/// path and query; never throws except std::bad_alloc.
std::optional<scim_route> parse_scim_route(std::string_view target);

}  // namespace eightsync::emulator
