#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/manual_action_kind.hpp"

namespace eightsync::core {

/// One follow-up an admin must do by hand, for one user, in a sentence. `dedupe_key` is the
/// same whenever the same action would be raised again (kind, HR key, 8x8 id and the value
/// asked for), so the executor raises an action only when no open one has that key.
struct manual_action {
  manual_action_kind kind = manual_action_kind::resolve_conflict;
  std::string hr_key;
  std::string scim_id;  ///< empty when the user does not exist yet (a create's follow-ups)
  std::string user_name;
  std::string text;        ///< what to do and why, for a person
  std::string dedupe_key;  ///< `KIND:HR_KEY:SCIM_ID[:VALUE]`
  /// The content hash of the HR row it was raised for, where the action depends on that row
  /// staying as it was (a possible-duplicate conflict); unset otherwise.
  std::optional<std::uint64_t> hr_hash;
  bool already_open = false;  ///< an open action with this dedupe_key is in planner_state
};

}  // namespace eightsync::core
