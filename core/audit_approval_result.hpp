#pragma once
#include <cstdint>
#include <string_view>

namespace eightsync::core {

/// What audit_log::record_approval did. Anything but `recorded` wrote nothing: the CLI tells the
/// operator why.
enum class audit_approval_result : std::uint8_t {
  recorded,          ///< the approval was recorded; the next cycle may apply it
  no_such_cycle,     ///< no cycle has that id (or it was pruned)
  nothing_held,      ///< the cycle held no operation the scope covers
  already_approved,  ///< a pending approval of that cycle already covers the scope
};

/// The stable name of `r` (`recorded`, `no_such_cycle`, `nothing_held`, `already_approved`).
/// Never throws.
constexpr std::string_view audit_approval_result_name(audit_approval_result r) noexcept {
  switch (r) {
    case audit_approval_result::recorded:
      return "recorded";
    case audit_approval_result::no_such_cycle:
      return "no_such_cycle";
    case audit_approval_result::nothing_held:
      return "nothing_held";
    case audit_approval_result::already_approved:
      return "already_approved";
  }
  return "unknown";
}

}  // namespace eightsync::core
