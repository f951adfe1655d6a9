#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace eightsync::core {

/// How an operation's outcome was learned. Stable names: stored in `operations.resolved_by`.
enum class audit_resolution : std::uint8_t {
  response,  ///< from 8x8's response to the request
  lookup,    ///< from a GET after the response was lost
  local,     ///< without a request (adopt, skipped)
};

/// The stable name of `v` (`response`, `lookup`, `local`, …). Never throws.
constexpr std::string_view audit_resolution_name(audit_resolution v) noexcept {
  switch (v) {
    case audit_resolution::response:
      return "response";
    case audit_resolution::lookup:
      return "lookup";
    case audit_resolution::local:
      return "local";
  }
  return "unknown";
}

/// The value whose stable name is `name`, or nullopt. Exact, case-sensitive. Never throws.
constexpr std::optional<audit_resolution> audit_resolution_from_name(std::string_view name) noexcept {
  if (name == "response") return audit_resolution::response;
  if (name == "lookup") return audit_resolution::lookup;
  if (name == "local") return audit_resolution::local;
  return std::nullopt;
}

}  // namespace eightsync::core
