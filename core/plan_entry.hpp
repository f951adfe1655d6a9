#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <boost/json/object.hpp>

#include "core/manual_action.hpp"
#include "core/operation_kind.hpp"
#include "core/plan_diff.hpp"
#include "core/plan_hold.hpp"
#include "core/user_link.hpp"

namespace eightsync::core {

/// One planned operation on one 8x8 user, with a reason for a person and, for writes, the exact
/// request body. On success the executor records the link (`how`, `desired_hash`,
/// `desired_active`) and raises `follow_ups`.
struct plan_entry {
  operation_kind kind = operation_kind::update;
  std::string hr_key;
  std::string scim_id;    ///< empty for a create (8x8 assigns it)
  std::string user_name;  ///< 8x8's userName (HR's for a create)
  /// A create's claim on an existing user: the externalId its HR row maps (else its HR key). A
  /// create that meets a 409 adopts the user holding its userName only when that user's
  /// externalId is empty or this (the planner's adoption rule). Empty for other kinds.
  std::string claimed_external_id;
  std::string reason;            ///< why, as a sentence
  std::vector<plan_diff> diffs;  ///< attributes changed: create and update
  /// The request body: POST (create), PUT (update, the complete object), PATCH (deactivate,
  /// reactivate); empty for adopt.
  boost::json::object body;
  /// This user's earlier entry of that kind in the same plan must succeed first (an update after
  /// its adopt, or after its reactivation: that PUT carries `active: true`).
  std::optional<operation_kind> after;
  std::vector<manual_action> follow_ups;      ///< raised once this operation succeeded
  managed_by how = managed_by::created;       ///< create/adopt: how the link is recorded
  std::optional<std::uint64_t> desired_hash;  ///< to record as applied_hash (unset: user missing from HR)
  bool desired_active = true;                 ///< to record as applied_active
  std::optional<plan_hold> hold;              ///< set on held entries: why they wait
};

/// The order in which operations run (plan::operations, plan::held): by kind in operation_kind
/// order (deactivations first: a leaver's access is a security matter), then by HR key, then by
/// 8x8 id. The planner and the release of approved held operations both sort with it. Never
/// throws.
inline bool runs_before(const plan_entry& a, const plan_entry& b) noexcept {
  return std::tie(a.kind, a.hr_key, a.scim_id) < std::tie(b.kind, b.hr_key, b.scim_id);
}

}  // namespace eightsync::core
