#include "connectors/scim_listing.hpp"

namespace eightsync::connectors {

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
  }
  return "unknown";
}

}  // namespace eightsync::connectors
