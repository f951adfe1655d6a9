#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::core {

/// Why a safety hold kept operations back for an operator's approval. Stable names.
enum class plan_hold_reason : std::uint8_t {
  max_deactivations,         ///< more deactivations than safety.max_deactivations
  max_deactivation_percent,  ///< more than safety.max_deactivation_percent of managed users
  max_creates,               ///< more creates than safety.max_creates
  max_updates,               ///< more updates (with first-cycle adoptions) than safety.max_updates
  source_shrink,             ///< the HR export shrank by more than safety.max_source_shrink_percent
  empty_source,              ///< the HR export has no usable rows while users are managed
  key_churn,                 ///< many new and many missing keys at once: the key column changed?
  quarantined_without_key,   ///< a row was set aside without a usable key: whose was it?
  waits_for_held,            ///< depends on another operation of the same user that is held
  listing_lost_users,  ///< a complete listing shows fewer linked users than safety.min_listed_linked_percent
};

/// The stable name of `r` (`max_deactivations`, `source_shrink`, …). Never throws.
constexpr std::string_view plan_hold_reason_name(plan_hold_reason r) noexcept {
  switch (r) {
    case plan_hold_reason::max_deactivations:
      return "max_deactivations";
    case plan_hold_reason::max_deactivation_percent:
      return "max_deactivation_percent";
    case plan_hold_reason::max_creates:
      return "max_creates";
    case plan_hold_reason::max_updates:
      return "max_updates";
    case plan_hold_reason::source_shrink:
      return "source_shrink";
    case plan_hold_reason::empty_source:
      return "empty_source";
    case plan_hold_reason::key_churn:
      return "key_churn";
    case plan_hold_reason::quarantined_without_key:
      return "quarantined_without_key";
    case plan_hold_reason::waits_for_held:
      return "waits_for_held";
    case plan_hold_reason::listing_lost_users:
      return "listing_lost_users";
  }
  return "unknown";
}

}  // namespace eightsync::core
