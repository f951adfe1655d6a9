// Stable names (core/enum_names.hpp): every name eightsync stores in a database, prints for
// scripts or reads from eightsync.yaml, pinned byte for byte. A failure here means a rename
// changed what old rows, scripts or configs say: add a migration, or keep the old name.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "core/approval_scope.hpp"
#include "core/audit_rows.hpp"
#include "core/cycle_labels.hpp"
#include "core/leaver_rule.hpp"
#include "core/manual_action_kind.hpp"
#include "core/operation_kind.hpp"
#include "core/plan.hpp"
#include "core/quarantine_reason.hpp"
#include "core/scim_port.hpp"
#include "core/state_store.hpp"
#include "core/user_link.hpp"

namespace eightsync::core {
namespace {

using names = std::vector<std::string_view>;

// `E`'s names in declaration order, each read back to its value by enum_from_name.
template <class E>
names names_of() {
  names out;
  for (const E v : enum_values<E>()) {
    out.push_back(enum_name(v));
    EXPECT_EQ(enum_from_name<E>(enum_name(v)), v) << enum_name(v);
  }
  return out;
}

TEST(enum_names, cycle_columns) {
  EXPECT_EQ(names_of<cycle_kind>(), (names{"full", "incremental"}));  // cycles.kind
  EXPECT_EQ(
      names_of<cycle_outcome>(),  // cycles.outcome
      (names{"ok", "partial", "held", "auth_failed", "write_forbidden", "source_rejected", "interrupted"}));
  EXPECT_EQ(names_of<cycle_trigger>(),  // cycles.triggered_by
            (names{"cli", "schedule", "source_change", "signal", "startup", "approval"}));
}

TEST(enum_names, operation_columns) {
  EXPECT_EQ(names_of<audit_operation_kind>(),  // operations.kind
            (names{"create", "update", "deactivate", "reactivate", "adopt", "lookup"}));
  EXPECT_EQ(names_of<audit_operation_outcome>(),  // operations.outcome
            (names{"ok", "failed", "not_applied", "conflict", "skipped", "resolved_applied",
                   "resolved_not_applied"}));
  EXPECT_EQ(names_of<audit_resolution>(), (names{"response", "lookup", "local"}));  // operations.resolved_by
  EXPECT_EQ(names_of<operation_kind>(),  // held_operations.kind, plan --json
            (names{"deactivate", "reactivate", "create", "adopt", "update"}));
}

TEST(enum_names, manual_actions_and_approvals) {
  EXPECT_EQ(names_of<manual_action_kind>(),  // manual_actions.kind
            (names{"assign_license", "show_in_directory", "reclaim_license_and_number", "change_site",
                   "change_user_name", "admin_deactivated", "resolve_conflict", "set_by_hand",
                   "user_name_taken_elsewhere", "unknown_site", "keeps_failing"}));
  EXPECT_EQ(names_of<approval_scope>(),
            (names{"all", "deactivations", "creates", "updates"}));  // approvals.scope
  EXPECT_EQ(names_of<audit_approval_result>(),
            (names{"recorded", "no_such_cycle", "nothing_held", "already_approved"}));
}

TEST(enum_names, state_and_plan) {
  EXPECT_EQ(names_of<managed_by>(), (names{"created", "matched", "linked"}));  // links.managed_by
  EXPECT_EQ(names_of<decision_kind>(), (names{"link", "create_new"}));         // decisions.kind
  EXPECT_EQ(names_of<plan_hold_reason>(),                                      // held_operations.hold_reason
            (names{"max_deactivations", "max_deactivation_percent", "max_creates", "max_updates",
                   "source_shrink", "empty_source", "key_churn", "quarantined_without_key", "waits_for_held",
                   "listing_lost_users", "max_adoptions", "export_stale", "max_reactivations"}));
  EXPECT_EQ(names_of<plan_conflict_kind>(),
            (names{"two_rows_one_user", "one_row_two_users", "match_deactivated", "other_external_id",
                   "linked_to_other_key", "possible_duplicate", "user_name_taken", "linked_user_missing"}));
  EXPECT_EQ(names_of<read_kind>(), (names{"get_by_id", "lookup_user_name"}));
  EXPECT_EQ(
      names_of<quarantine_reason>(),  // quarantined_rows.reason
      (names{"field_count", "invalid_utf8", "invalid_record", "empty_key", "duplicate_key", "map_missing",
             "missing_required", "invalid_email", "unsafe_user_name", "record_too_long", "unsafe_key",
             "invalid_date", "invalid_time_zone", "invalid_date_range"}));
  EXPECT_EQ(names_of<leaver_action>(), (names{"deactivate", "ignore"}));  // leavers.missing_from_source
}

TEST(enum_names, scim_answers) {
  EXPECT_EQ(names_of<scim_outcome>(),
            (names{"ok", "not_found", "conflict", "invalid", "auth_failed", "write_forbidden", "rate_limited",
                   "server", "transport", "protocol", "outcome_unknown"}));
  EXPECT_EQ(names_of<scim_listing_end>(),
            (names{"total_reached", "empty_page", "known_ids", "failed", "too_many_users", "too_long"}));
}

TEST(enum_names, a_value_outside_the_enum_is_unknown_and_names_are_exact) {
  // A corrupt byte reads as "unknown", never as a neighbour's name.
  EXPECT_EQ(enum_name(static_cast<cycle_outcome>(200)), "unknown");
  EXPECT_EQ(enum_name(static_cast<manual_action_kind>(enum_count<manual_action_kind>)), "unknown");
  // Parsing is exact: no case folding, no trimming, no prefixes, and "unknown" is no value.
  EXPECT_FALSE(enum_from_name<cycle_outcome>("OK"));
  EXPECT_FALSE(enum_from_name<cycle_outcome>(" ok"));
  EXPECT_FALSE(enum_from_name<approval_scope>("update"));
  EXPECT_FALSE(enum_from_name<approval_scope>("unknown"));
  EXPECT_FALSE(enum_from_name<approval_scope>(""));
  // The values count up from 0 in declaration order, as the stored rows and the metrics expect.
  static_assert(enum_values<manual_action_kind>()[0] == manual_action_kind::assign_license);
  static_assert(enum_count<manual_action_kind> == 11);
  static_assert(enum_name(cycle_kind::incremental) == "incremental");  // usable at compile time
}

}  // namespace
}  // namespace eightsync::core
