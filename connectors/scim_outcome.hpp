#pragma once
#include <string_view>

namespace eightsync::connectors {

/// What became of a SCIM call, as the engine needs to know it.
enum class scim_outcome {
  ok,               ///< 2xx with a usable answer
  not_found,        ///< 404, or a lookup that matched nobody
  conflict,         ///< 409 (e.g. the userName is taken)
  invalid,          ///< 400 or another 4xx: permanent for this user, do not retry
  auth_failed,      ///< 401: the token is gone; stop the cycle (invariant 7)
  write_forbidden,  ///< 403: another client is primary; reads only (invariant 7)
  rate_limited,     ///< 429, not resent (a POST) or Retry-After beyond what one call waits
  server,           ///< 5xx after the retries (not for POST: see outcome_unknown)
  transport,        ///< no answer (resolve, connect, TLS, timeout, reset) after the retries
  protocol,         ///< an answer that breaks the protocol: bad JSON, no id, truncated body
  outcome_unknown,  ///< a POST that left and got no clear answer: resolve by a lookup, never resend
};

/// The stable snake_case name of `o` (`ok`, `not_found`, … `outcome_unknown`). Never throws.
std::string_view scim_outcome_name(scim_outcome o) noexcept;

}  // namespace eightsync::connectors
