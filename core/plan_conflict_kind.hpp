#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::core {

/// Why an HR row and 8x8 could not be matched without a guess. Stable names.
enum class plan_conflict_kind : std::uint8_t {
  two_rows_one_user,    ///< several HR keys match (or are linked to) one 8x8 user
  one_row_two_users,    ///< one HR row matches several 8x8 users
  match_deactivated,    ///< the only match is deactivated in 8x8
  other_external_id,    ///< the only match carries another externalId
  linked_to_other_key,  ///< the only match is already linked to another HR key
  possible_duplicate,   ///< no key matches, but an unlinked 8x8 user has the same name
  user_name_taken,      ///< the userName belongs to an 8x8 user the match order did not match
  linked_user_missing,  ///< the linked 8x8 user is not in a complete listing any more
};

/// The stable name of `k` (`two_rows_one_user`, `possible_duplicate`, …). Never throws.
constexpr std::string_view plan_conflict_kind_name(plan_conflict_kind k) noexcept {
  switch (k) {
    case plan_conflict_kind::two_rows_one_user:
      return "two_rows_one_user";
    case plan_conflict_kind::one_row_two_users:
      return "one_row_two_users";
    case plan_conflict_kind::match_deactivated:
      return "match_deactivated";
    case plan_conflict_kind::other_external_id:
      return "other_external_id";
    case plan_conflict_kind::linked_to_other_key:
      return "linked_to_other_key";
    case plan_conflict_kind::possible_duplicate:
      return "possible_duplicate";
    case plan_conflict_kind::user_name_taken:
      return "user_name_taken";
    case plan_conflict_kind::linked_user_missing:
      return "linked_user_missing";
  }
  return "unknown";
}

}  // namespace eightsync::core
