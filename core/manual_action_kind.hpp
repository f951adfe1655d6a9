#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::core {

/// A follow-up only an admin can do in 8x8's Admin Console: SCIM cannot, or eightsync must not
/// guess. Stable names: they are stored with the open actions in the state database.
enum class manual_action_kind : std::uint8_t {
  assign_license,              ///< after a create: assign an X Series license
  show_in_directory,           ///< after a create: show the user in the Company Directory
  reclaim_license_and_number,  ///< after a deactivation: reclaim the license and phone number
  change_site,                 ///< HR names another site, but 8x8's site is write-once
  change_user_name,            ///< HR names another userName, but 8x8's is read-only after create
  admin_deactivated,           ///< deactivated in 8x8 while HR says active: not reactivated
  resolve_conflict,            ///< a conflict: `eightsync link KEY ID` or `link KEY --create-new`
  set_by_hand,                 ///< 8x8 accepted a PUT but did not apply an attribute: set it by hand
};

/// The stable name of `k` (`assign_license`, `show_in_directory`, …). Never throws.
constexpr std::string_view manual_action_kind_name(manual_action_kind k) noexcept {
  switch (k) {
    case manual_action_kind::assign_license:
      return "assign_license";
    case manual_action_kind::show_in_directory:
      return "show_in_directory";
    case manual_action_kind::reclaim_license_and_number:
      return "reclaim_license_and_number";
    case manual_action_kind::change_site:
      return "change_site";
    case manual_action_kind::change_user_name:
      return "change_user_name";
    case manual_action_kind::admin_deactivated:
      return "admin_deactivated";
    case manual_action_kind::resolve_conflict:
      return "resolve_conflict";
    case manual_action_kind::set_by_hand:
      return "set_by_hand";
  }
  return "unknown";
}

}  // namespace eightsync::core
