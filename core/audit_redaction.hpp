#pragma once
#include <string>
#include <string_view>

#include "core/secret_registry.hpp"

namespace eightsync::core {

/// `text` with every credential that could have slipped into it replaced by `[redacted]`:
/// - by value: every secret of `secrets` (the process's registry unless given), wherever it
///   appears, with or without a scheme before it, so an 8x8 error detail that repeats the token
///   shows `[redacted]`;
/// - by pattern: the word after `Bearer` (any case, after one or more spaces, or `=`/`:`), so
///   "401 for Authorization: Bearer abc.def" reads "401 for Authorization: Bearer [redacted]".
/// Every sink passes text through it: the audit log's stored texts, the log sinks, the CLI's
/// standard streams and sd_notify's STATUS (invariant 9). Throws only std::bad_alloc.
std::string redact_credentials(std::string_view text,
                               const secret_registry& secrets = secret_registry::global());

}  // namespace eightsync::core
