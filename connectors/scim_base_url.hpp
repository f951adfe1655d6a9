#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace eightsync::connectors {

/// The parsed SCIM base URL and the request targets built from it (Boost.URL).
struct scim_base_url {
  bool tls = true;           ///< https
  std::string host;          ///< DNS name or IP literal, without brackets
  std::uint16_t port = 443;  ///< explicit or the scheme's default
  std::string path;          ///< percent-encoded base path without a trailing '/', e.g. `/scim/v2`

  /// Parses `url`. Throws std::invalid_argument, naming what is wrong, when it is not an
  /// absolute http(s) URL with a host, when it is http for a host that is not loopback, or when
  /// it carries user info, a query or a fragment.
  static scim_base_url parse(std::string_view url);

  /// `PATH/Users?startIndex=N&count=M`.
  std::string list_target(std::size_t start_index, std::size_t count) const;

  /// `PATH/Users?filter=…` with `filter` percent-encoded (every byte but RFC 3986 unreserved).
  std::string filter_target(std::string_view filter) const;

  /// `PATH/Users` (for POST).
  std::string users_target() const;

  /// `PATH/Users/{id}` with `id` percent-encoded as one path segment.
  std::string user_target(std::string_view id) const;
};

/// `attribute eq "value"`, the value escaped as a JSON string (quotes, backslashes, control
/// characters), as RFC 7644 §3.4.2.2 wants it. Never throws except std::bad_alloc.
std::string scim_eq_filter(std::string_view attribute, std::string_view value);

}  // namespace eightsync::connectors
