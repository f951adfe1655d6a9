#include "connectors/scim_outcome.hpp"

namespace eightsync::connectors {

std::string_view scim_outcome_name(scim_outcome o) noexcept {
  switch (o) {
    case scim_outcome::ok:
      return "ok";
    case scim_outcome::not_found:
      return "not_found";
    case scim_outcome::conflict:
      return "conflict";
    case scim_outcome::invalid:
      return "invalid";
    case scim_outcome::auth_failed:
      return "auth_failed";
    case scim_outcome::write_forbidden:
      return "write_forbidden";
    case scim_outcome::rate_limited:
      return "rate_limited";
    case scim_outcome::server:
      return "server";
    case scim_outcome::transport:
      return "transport";
    case scim_outcome::protocol:
      return "protocol";
    case scim_outcome::outcome_unknown:
      return "outcome_unknown";
  }
  return "unknown";
}

}  // namespace eightsync::connectors
