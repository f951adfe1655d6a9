#pragma once
#include <string>
#include <vector>

#include "core/audit_operation_kind.hpp"
#include "core/manual_action.hpp"
#include "core/plan_diff.hpp"

namespace eightsync::core {

/// One operation as recorded before its request leaves (audit_log::record_intent): enough to
/// resolve it by a lookup after a crash (the 8x8 id, or the userName and externalId of a create).
/// `method`, `path` and `body_json` stay empty for an operation that sends no request (adopt).
/// Never put the token or an Authorization header in any field.
struct audit_intent {
  audit_operation_kind kind = audit_operation_kind::update;
  std::string hr_key;
  std::string scim_id;  ///< 8x8's id; empty for a create (the response names it)
  std::string user_name;
  std::string external_id;
  std::string reason;            ///< why, as a sentence (plan_entry::reason)
  std::vector<plan_diff> diffs;  ///< only the attributes that change
  std::string method;            ///< "POST", "PUT", "PATCH", "GET"
  std::string path;              ///< relative to the SCIM base URL, e.g. "/Users/abc"
  std::string body_json;         ///< the request body as sent
  /// The manual actions the operation makes due once 8x8 applied it (plan_entry::follow_ups),
  /// kept with the intent so a lookup at the next start raises them too.
  std::vector<manual_action> follow_ups;
};

}  // namespace eightsync::core
