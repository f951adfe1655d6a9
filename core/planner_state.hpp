#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/manual_action_kind.hpp"
#include "core/operation_kind.hpp"
#include "core/unmanaged_user.hpp"
#include "core/user_link.hpp"

namespace eightsync::core {

/// What the last good cycle saw (one that completed without a hold or a failed read), for the
/// planner's safety holds (source shrink, deactivation percentage). Kept in the state
/// database's `meta` table.
struct last_good_cycle {
  std::uint64_t source_rows = 0;     ///< data rows read from the HR export (mapping_result::rows_read)
  std::uint64_t managed_users = 0;   ///< users eightsync managed (links) when the cycle ended
  clock::time_point completed_at{};  ///< when the cycle ended

  /// Member-wise equality.
  friend bool operator==(const last_good_cycle&, const last_good_cycle&) = default;
};

/// What the planner reads from state.db (the state store fills it).
struct planner_state {
  /// An open manual action, so the same one is not raised twice and conflicted keys wait.
  struct open_action {
    manual_action_kind kind = manual_action_kind::resolve_conflict;
    std::string hr_key;
    std::string dedupe_key;
    std::optional<std::uint64_t> hr_hash{};  ///< the HR row's content hash when it was raised, if kept
  };
  /// Every link (one per HR key, one per 8x8 id). `eightsync link KEY ID` is a link with
  /// how == linked and no applied hash; remote_json may be left empty when a full listing is read.
  std::vector<user_link> links;
  /// Keys an operator released with `eightsync link KEY --create-new`: created even when a
  /// possible duplicate exists (never when the userName is taken).
  std::vector<std::string> create_new;
  std::vector<open_action> open_actions;
  /// HR keys whose account eightsync created inactive ahead of a start date and never activated
  /// (audit_log::created_before_start), sorted: a hire cancelled before the start.
  std::vector<std::string> created_before_start;
  /// A date-driven operation approved ahead (`approve --upcoming`): a safety limit neither counts
  /// nor holds it when its instant comes.
  struct upcoming_approval {
    std::string hr_key;
    operation_kind kind = operation_kind::deactivate;  ///< create, deactivate or reactivate
    std::chrono::sys_seconds due_at{};                 ///< the effective instant it was approved for

    /// Member-wise equality.
    friend bool operator==(const upcoming_approval&, const upcoming_approval&) = default;
  };
  std::vector<upcoming_approval> upcoming_approved;
  std::optional<last_good_cycle> last_good;
  /// The site extension URN an earlier cycle saw users carry (meta.site_schema), if any.
  std::optional<std::string> site_schema;
  /// Site values 8x8 is known to accept (state.db's known_sites), sorted.
  std::vector<std::string> known_sites;
  /// The unmanaged 8x8 users of the newest complete full listing (state.db's unmanaged_users):
  /// an incremental cycle GETs each one a new HR row matches before it creates that person.
  /// Loaded only when some active HR row has no link (load_unmanaged_index).
  std::vector<unmanaged_user> unmanaged;
  /// When the listing behind `unmanaged` finished; unset when no complete listing was recorded,
  /// and then an incremental cycle creates nobody.
  std::optional<clock::time_point> unmanaged_listed_at;
};

}  // namespace eightsync::core
