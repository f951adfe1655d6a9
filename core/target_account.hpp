#pragma once
// Which 8x8 account a target URL names: what a state database is bound to (invariant 10).
//
// 8x8's SCIM base URLs have the shape https://HOST/udi/customers/{ID}/scim/v2, and 8x8 serves one
// account under more than one host (platform.8x8.com in older articles, platform-cloud.8x8.com
// today). A URL of that shape therefore names customer {ID}, whatever its host; any other URL
// (a proxy path, a test server) names itself.
#include <optional>
#include <string>
#include <string_view>

namespace eightsync::core {

/// The account a target URL names (account_of).
struct target_account {
  /// The URL as the database records it (normalize_target_url).
  std::string url;
  /// {ID} of a /udi/customers/{ID}/scim/v2 URL, as written; unset for any other URL.
  std::optional<std::string> customer_id;

  /// What the database stores in meta.target_account and compares: "8x8-customer:{ID}", or
  /// "url:" and the normalized URL. Throws only std::bad_alloc.
  std::string binding() const;

  /// For messages: "8x8 customer {ID}" or "target {url}". Throws only std::bad_alloc.
  std::string describe() const;

  /// What the state database binds to, in words, for check-config and check-connection.
  /// Throws only std::bad_alloc.
  std::string binding_note() const;
};

/// `url` as a state database records it: scheme and host lowercased, trailing '/' removed, path
/// kept as written. Throws only std::bad_alloc.
std::string normalize_target_url(std::string_view url);

/// The account `url` names. The fixed parts of 8x8's path (udi, customers, scim, v2) match in any
/// case; the customer id keeps its case. Throws only std::bad_alloc.
target_account account_of(std::string_view url);

/// The account a stored binding names, or nullopt when `binding` is not one that
/// target_account::binding() writes (a corrupt meta row). `url` is the URL stored with it.
/// Throws only std::bad_alloc.
std::optional<target_account> account_from_binding(std::string_view binding, std::string_view url);

}  // namespace eightsync::core
