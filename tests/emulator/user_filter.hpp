#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace eightsync::emulator {

/// The only filters 8x8 documents: `userName eq "…"` (and `externalId eq "…"` behind a switch).
struct user_filter {
  /// Which attribute is compared.
  enum class attribute { user_name, external_id };

  attribute attr = attribute::user_name;  ///< compared attribute
  std::string value;                      ///< the unescaped comparison value
};

/// Parses `ATTR eq "VALUE"`: ATTR is userName or externalId (case-insensitive, optionally with the
/// core schema URN prefix), `eq` is case-insensitive, VALUE is a JSON string (escapes such as
/// \" \\ \u00e9 decoded). Returns nullopt, with `error` set, for anything else.
std::optional<user_filter> parse_user_filter(std::string_view text, std::string& error);

}  // namespace eightsync::emulator
