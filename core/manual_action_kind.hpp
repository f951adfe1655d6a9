#pragma once
#include <cstdint>
#include <string_view>

#include "core/enum_names.hpp"

namespace eightsync::core {

/// A follow-up only an admin can do in 8x8's Admin Console: SCIM cannot, or eightsync must not
/// guess. Stable names: they are stored with the open actions in the state database. The kinds
/// in declaration order (enum_values) are what `manual-actions --resolve-kind` accepts and what
/// the metrics report (one gauge per kind).
/// - assign_license: after a create: assign an X Series license
/// - show_in_directory: after a create: show the user in the Company Directory
/// - reclaim_license_and_number: after a deactivation: reclaim the license and phone number
/// - change_site: HR names another site, but 8x8's site is write-once
/// - change_user_name: HR names another userName, but 8x8's is read-only after create
/// - admin_deactivated: deactivated in 8x8 while HR says active: not reactivated
/// - resolve_conflict: a conflict: `eightsync link KEY ID` or `link KEY --create-new`
/// - set_by_hand: 8x8 accepted a PUT but did not apply an attribute: set it by hand
BOOST_DEFINE_FIXED_ENUM_CLASS(manual_action_kind, std::uint8_t, assign_license, show_in_directory,
                              reclaim_license_and_number, change_site, change_user_name, admin_deactivated,
                              resolve_conflict, set_by_hand)

}  // namespace eightsync::core
