#include "core/match_key.hpp"

namespace eightsync::core {

std::string_view match_key_name(match_key k) noexcept {
  switch (k) {
    case match_key::external_id:
      return "externalId";
    case match_key::user_name:
      return "userName";
    case match_key::email:
      return "email";
  }
  return "unknown";
}

std::optional<match_key> match_key_from_name(std::string_view name) noexcept {
  if (name == "externalId") return match_key::external_id;
  if (name == "userName") return match_key::user_name;
  if (name == "email") return match_key::email;
  return std::nullopt;
}

}  // namespace eightsync::core
