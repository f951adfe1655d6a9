#include "core/audit_redaction.hpp"

namespace eightsync::core {
namespace {

constexpr std::string_view scheme = "bearer";

bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 6750's b64token characters, which is what a Bearer credential is made of.
bool is_token_char(char c) noexcept {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

bool is_separator(char c) noexcept {
  return c == ' ' || c == '\t' || c == '=' || c == ':';
}

bool starts_with_scheme(std::string_view text, std::size_t at) noexcept {
  if (text.size() - at < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = text[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  return true;
}

}  // namespace

std::string redact_credentials(std::string_view text, const secret_registry& secrets) {
  const std::string known = secrets.redact(text);
  text = known;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (starts_with_scheme(text, i) && (i == 0 || !is_alnum(text[i - 1]))) {
      std::size_t k = i + scheme.size();
      while (k < text.size() && is_separator(text[k]))
        ++k;
      if (k > i + scheme.size() && k < text.size() && is_token_char(text[k])) {
        out.append(text.substr(i, k - i));
        out += "[redacted]";
        while (k < text.size() && is_token_char(text[k]))
          ++k;
        i = k;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace eightsync::core
