#include "core/site_schema.hpp"

#include <array>

#include "core/remote_user.hpp"
#include "core/text.hpp"

namespace eightsync::core {

std::optional<std::string_view> site_schema_urn(std::string_view text) noexcept {
  for (const std::string_view urn : {x8_schema_urn, x8_user_schema_urn}) {
    if (text == urn) return urn;
  }
  return std::nullopt;
}

void site_census::add(const remote_user& r) {
  static_assert(attribute_row_of(attribute::site).read.size() == 2, "one count per site URN");
  const std::string_view site = planner_trim(r.get(attribute::site));
  if (site.empty()) return;
  ++under_[r.read_location(attribute::site)];
  if (site == last_) return;
  last_ = site;
  sites_.insert(site);
}

std::optional<std::string_view> site_census::urn() const noexcept {
  if (under_[0] == 0 && under_[1] == 0) return std::nullopt;
  return attribute_row_of(attribute::site).read[under_[1] > under_[0] ? 1 : 0].container;
}

site_schema_choice choose_site_schema(std::string_view configured, std::optional<std::string_view> seen,
                                      std::optional<std::string_view> remembered) noexcept {
  if (const auto urn = site_schema_urn(configured)) return {*urn, site_schema_source::configured};
  if (seen) {
    if (const auto urn = site_schema_urn(*seen)) return {*urn, site_schema_source::seen};
  }
  if (remembered) {
    if (const auto urn = site_schema_urn(*remembered)) return {*urn, site_schema_source::remembered};
  }
  return {x8_schema_urn, site_schema_source::assumed};
}

}  // namespace eightsync::core
