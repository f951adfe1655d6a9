#include "core/scim_port.hpp"

namespace eightsync::core {

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

std::string scim_failure_text(const scim_result& r) {
  return std::string(scim_outcome_name(r.outcome)) +
         (r.status != 0 ? " (HTTP " + std::to_string(r.status) + ")" : std::string()) +
         (r.detail.empty() ? std::string() : ": " + r.detail);
}

std::string_view scim_listing_end_name(scim_listing_end e) noexcept {
  switch (e) {
    case scim_listing_end::total_reached:
      return "total_reached";
    case scim_listing_end::empty_page:
      return "empty_page";
    case scim_listing_end::known_ids:
      return "known_ids";
    case scim_listing_end::failed:
      return "failed";
    case scim_listing_end::too_many_users:
      return "too_many_users";
    case scim_listing_end::too_long:
      return "too_long";
  }
  return "unknown";
}

}  // namespace eightsync::core
