#pragma once
#include <array>
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

/// Every kind, in declaration order: what `manual-actions --resolve-kind` accepts and what the
/// metrics report (one gauge per kind). A new kind goes into the enum, the switch above and here.
inline constexpr std::array<manual_action_kind, 8> all_manual_action_kinds{
    manual_action_kind::assign_license,
    manual_action_kind::show_in_directory,
    manual_action_kind::reclaim_license_and_number,
    manual_action_kind::change_site,
    manual_action_kind::change_user_name,
    manual_action_kind::admin_deactivated,
    manual_action_kind::resolve_conflict,
    manual_action_kind::set_by_hand};

// The list holds each kind once, in order, and each kind has a name (a kind added to the enum
// but not here fails the build: the last one must be the enum's last).
static_assert([] {
  for (std::size_t i = 0; i < all_manual_action_kinds.size(); ++i) {
    if (static_cast<std::size_t>(all_manual_action_kinds[i]) != i) return false;
    if (manual_action_kind_name(all_manual_action_kinds[i]) == "unknown") return false;
  }
  return manual_action_kind_name(static_cast<manual_action_kind>(all_manual_action_kinds.size())) ==
         "unknown";
}());

}  // namespace eightsync::core
