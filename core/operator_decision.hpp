#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace eightsync::core {

/// What an operator decided for an HR key that the planner could not match on its own.
enum class decision_kind : std::uint8_t {
  link,        ///< `eightsync link KEY ID`: manage this existing 8x8 user for KEY
  create_new,  ///< `eightsync link KEY --create-new`: create a new 8x8 user for KEY
};

/// The stable name of `k` (`link`, `create_new`), as stored in the state database. Never throws.
constexpr std::string_view decision_kind_name(decision_kind k) noexcept {
  return k == decision_kind::link ? "link" : "create_new";
}

/// One operator decision, recorded by `eightsync link` for the planner to honour. The next cycle
/// checks it against fresh 8x8 data; the decision stays until `eightsync unlink KEY` (or a new
/// decision for the same key) replaces it.
struct operator_decision {
  std::string hr_key;
  decision_kind kind = decision_kind::link;
  std::string scim_id;  ///< the 8x8 id to link to (kind link); empty for create_new
  clock::time_point decided_at{};
  std::string decided_by;  ///< the OS user who ran the command

  /// Member-wise equality.
  friend bool operator==(const operator_decision&, const operator_decision&) = default;
};

}  // namespace eightsync::core
