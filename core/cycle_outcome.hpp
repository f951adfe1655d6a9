#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// How a cycle ended. Stable names: stored in `cycles.outcome`; `eightsync sync` maps each to its
/// own exit code.
enum class cycle_outcome : std::uint8_t {
  ok,               ///< everything planned was done
  partial,          ///< some users failed; the rest was done
  held,             ///< a safety limit held operations back until an operator approves them
  auth_failed,      ///< 8x8 answered 401: the token is gone; nothing more was sent
  write_forbidden,  ///< 403 on writes for two or more users: the rest of the cycle only read
  source_rejected,  ///< the HR export could not be read or failed a sanity check
  interrupted,      ///< the process ended before the cycle did (set by the next start)
};

/// The stable name of `v` (`ok`, `partial`, `held`, …). Never throws.
constexpr std::string_view cycle_outcome_name(cycle_outcome v) noexcept {
  switch (v) {
    case cycle_outcome::ok:
      return "ok";
    case cycle_outcome::partial:
      return "partial";
    case cycle_outcome::held:
      return "held";
    case cycle_outcome::auth_failed:
      return "auth_failed";
    case cycle_outcome::write_forbidden:
      return "write_forbidden";
    case cycle_outcome::source_rejected:
      return "source_rejected";
    case cycle_outcome::interrupted:
      return "interrupted";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<cycle_outcome> cycle_outcome_from_name(std::string_view name) noexcept {
  if (name == "ok") return cycle_outcome::ok;
  if (name == "partial") return cycle_outcome::partial;
  if (name == "held") return cycle_outcome::held;
  if (name == "auth_failed") return cycle_outcome::auth_failed;
  if (name == "write_forbidden") return cycle_outcome::write_forbidden;
  if (name == "source_rejected") return cycle_outcome::source_rejected;
  if (name == "interrupted") return cycle_outcome::interrupted;
  return std::nullopt;
}

}  // namespace eightsync::core
