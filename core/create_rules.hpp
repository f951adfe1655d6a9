#pragma once
#include <optional>
#include <string>
#include <string_view>

// 8x8's rules for a user it can create, checked on every mapped row (see user_mapper).
namespace eightsync::core {

/// Why `email` is not a usable work email, as a phrase ("has no @", "the domain has no dot"…),
/// or nullopt when it is valid. Valid means: at most 254 bytes, exactly one '@', a non-empty
/// local part and domain, a domain with a dot and no empty label, and no whitespace (ASCII or
/// U+00A0) or control character anywhere. Non-ASCII letters are allowed. Never throws.
std::optional<std::string_view> email_problem(std::string_view email) noexcept;

/// Whether `email` passes email_problem. Never throws.
inline bool is_valid_email(std::string_view email) noexcept {
  return !email_problem(email);
}

/// Why `user_name` cannot be carried safely in a SCIM filter (`userName eq "…"`), as a phrase
/// naming the offending character ("holds a double quote (\")", "holds a control character
/// (U+0009)"), or nullopt when it is safe. Unsafe: `"`, `\`, C0 controls, DEL and C1 controls.
/// Throws only std::bad_alloc.
std::optional<std::string> user_name_problem(std::string_view user_name);

}  // namespace eightsync::core
