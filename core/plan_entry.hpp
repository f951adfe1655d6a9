#pragma once
#include <cstdint>
#include <optional>
#include <string>
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
  std::string scim_id;           ///< empty for a create (8x8 assigns it)
  std::string user_name;         ///< 8x8's userName (HR's for a create)
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

}  // namespace eightsync::core
