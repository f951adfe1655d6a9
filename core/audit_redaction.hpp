#pragma once
#include <string>
#include <string_view>

namespace eightsync::core {

/// `text` with every credential that could have slipped into an error message replaced: the
/// word after `Bearer` (any case, after one or more spaces, or `=`/`:`) becomes `[redacted]`, so
/// "401 for Authorization: Bearer abc.def" reads "401 for Authorization: Bearer [redacted]".
/// The audit log stores every error text through it (invariant 9). Throws only std::bad_alloc.
std::string redact_credentials(std::string_view text);

}  // namespace eightsync::core
