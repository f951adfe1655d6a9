#include "core/site_schema.hpp"

#include <array>

#include "core/remote_user.hpp"

namespace eightsync::core {

std::optional<std::string_view> site_schema_urn(std::string_view text) noexcept {
  for (const std::string_view urn : {x8_schema_urn, x8_user_schema_urn}) {
    if (text == urn) return urn;
  }
  return std::nullopt;
}

std::optional<std::string_view> site_schema_seen(std::span<const remote_user> users) noexcept {
  static_assert(attribute_row_of(attribute::site).read.size() == 2, "one count per site URN below");
  std::array<std::size_t, 2> under{};
  for (const auto& r : users) {
    if (!r.get(attribute::site).empty()) ++under[r.read_location(attribute::site)];
  }
  if (under[0] == 0 && under[1] == 0) return std::nullopt;
  return attribute_row_of(attribute::site).read[under[1] > under[0] ? 1 : 0].container;
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
