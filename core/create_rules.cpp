#include "core/create_rules.hpp"

#include <cstdio>

namespace eightsync::core {

std::optional<std::string_view> email_problem(std::string_view email) noexcept {
  if (email.size() > 254) return "is longer than 254 bytes";
  for (std::size_t i = 0; i < email.size(); ++i) {
    const auto b = static_cast<unsigned char>(email[i]);
    if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\v' || b == '\f')
      return "contains whitespace";
    if (b < 0x20 || b == 0x7F) return "contains a control character";
    if (b == 0xC2 && i + 1 < email.size() && static_cast<unsigned char>(email[i + 1]) == 0xA0) {
      return "contains whitespace";
    }
  }
  const auto at = email.find('@');
  if (at == std::string_view::npos) return "has no @";
  if (email.find('@', at + 1) != std::string_view::npos) return "has more than one @";
  if (at == 0) return "has nothing before the @";
  const std::string_view domain = email.substr(at + 1);
  if (domain.empty()) return "has nothing after the @";
  if (domain.find('.') == std::string_view::npos) return "has no dot in the domain";
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return "has an empty label in the domain";
  }
  return std::nullopt;
}

std::optional<std::string> user_name_problem(std::string_view user_name) {
  for (std::size_t i = 0; i < user_name.size(); ++i) {
    const auto b = static_cast<unsigned char>(user_name[i]);
    if (b == '"') return std::string("holds a double quote (\")");
    if (b == '\\') return std::string("holds a backslash (\\)");
    unsigned cp = 0x110000;
    if (b < 0x20 || b == 0x7F) {
      cp = b;
    } else if (b == 0xC2 && i + 1 < user_name.size()) {
      const auto n = static_cast<unsigned char>(user_name[i + 1]);
      if (n >= 0x80 && n <= 0x9F) cp = n;  // C1 controls U+0080..U+009F
    }
    if (cp != 0x110000) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "holds a control character (U+%04X)", cp);
      return std::string(buf);
    }
  }
  return std::nullopt;
}

}  // namespace eightsync::core
