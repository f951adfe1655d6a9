#include "core/attribute.hpp"

#include <utility>

#include "core/attribute_table.hpp"

namespace eightsync::core {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> unwritable{{
    {"id", "8x8 generates the id; it is read-only"},
    {"meta", "8x8 maintains meta; it is read-only"},
    {"workPhone", "the work phone number cannot be set through SCIM; assign it in Admin Console"},
    {"phoneNumbers.work", "the work phone number cannot be set through SCIM; assign it in Admin Console"},
    {"license", "X Series licenses cannot be assigned through SCIM; eightsync raises a manual action"},
    {"costCenter", "the cost center cannot be set through SCIM; set it in Admin Console"},
    {"userProfile", "the user profile cannot be set through SCIM; set it in Admin Console"},
    {"profilePicture", "the profile picture cannot be set through SCIM"},
    {"password", "8x8 users sign in through SAML SSO; SCIM does not take passwords"},
    {"groups", "8x8's SCIM API does not manage groups"},
    {"companyDirectory",
     "showing a user in the Company Directory is done in Admin Console; eightsync raises a manual action"},
    {"emails", "map the work email as `email`; 8x8 takes exactly one, type work, primary"},
}};

}  // namespace

std::string_view attribute_name(attribute a) noexcept {
  return attribute_row_of(a).name;
}

std::optional<attribute> attribute_from_name(std::string_view name) noexcept {
  for (const auto& row : attribute_rows) {
    if (row.name == name) return row.attr;
  }
  return std::nullopt;
}

std::optional<std::string_view> unwritable_reason(std::string_view name) noexcept {
  for (const auto& [n, why] : unwritable) {
    if (n == name) return why;
  }
  return std::nullopt;
}

}  // namespace eightsync::core
