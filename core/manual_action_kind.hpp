#pragma once
#include <cstdint>
#include <string>
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
/// - user_name_taken_elsewhere: a create met 409, but this account has no user with that
///   userName: another 8x8 account has it (userName is unique across all of 8x8). Change this
///   person's userName mapping or value; the create waits until it changes or this is resolved.
/// - unknown_site: 8x8 refused (400) a write carrying a site value it was never seen to accept:
///   define the site in Admin Console, or fix the map or HR value it came from. One per site
///   value; the people with it wait (without backing off) until it is resolved, the site value
///   changes, or the next full reconcile tries it once more.
/// - keeps_failing: a user's writes failed failing.manual_action_after cycles in a row: the text
///   has the last error. eightsync keeps trying, with backoff; resolve it once the cause is fixed.
/// - cancelled_hire: HR dropped a person (or marked them as left) whose account eightsync made
///   inactive ahead of their start: it stays inactive, and 8x8 cannot delete users, so an admin
///   deletes it (and frees its license) if the hire was cancelled.
BOOST_DEFINE_FIXED_ENUM_CLASS(manual_action_kind, std::uint8_t, assign_license, show_in_directory,
                              reclaim_license_and_number, change_site, change_user_name, admin_deactivated,
                              resolve_conflict, set_by_hand, user_name_taken_elsewhere, unknown_site,
                              keeps_failing, cancelled_hire)

/// The dedupe key of a user_name_taken_elsewhere action: one per HR key and userName, so that a
/// new userName is a new try, and the planner can tell that the same one still waits.
inline std::string taken_elsewhere_dedupe_key(std::string_view hr_key, std::string_view user_name) {
  std::string key = "user_name_taken_elsewhere:";
  key.append(hr_key).append(":").append(user_name);
  return key;
}

/// The dedupe key of an unknown_site action: one per site value, whoever it was raised for.
inline std::string unknown_site_dedupe_key(std::string_view site) {
  std::string key = "unknown_site:";
  key.append(site);
  return key;
}

}  // namespace eightsync::core
