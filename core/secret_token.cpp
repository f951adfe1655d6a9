#include "core/secret_token.hpp"

#include <ostream>

namespace eightsync::core {

// Moves copy, then wipe the source: a moved-from short string keeps its bytes in place.
secret_token::secret_token(secret_token&& other) : value_(other.value_) {
  other.wipe();
}

secret_token& secret_token::operator=(const secret_token& other) {
  if (this != &other) {
    wipe();
    value_ = other.value_;
  }
  return *this;
}

secret_token& secret_token::operator=(secret_token&& other) {
  if (this != &other) {
    wipe();
    value_ = other.value_;
    other.wipe();
  }
  return *this;
}

secret_token::~secret_token() {
  wipe();
}

void secret_token::wipe() noexcept {
  // volatile: the stores must happen even though the string dies right after.
  volatile char* p = value_.data();
  for (std::size_t i = 0; i < value_.size(); ++i)
    p[i] = 0;
  value_.clear();
}

bool operator==(const secret_token& a, const secret_token& b) noexcept {
  const auto x = a.reveal();
  const auto y = b.reveal();
  unsigned char diff = x.size() == y.size() ? 0 : 1;
  const std::size_t n = x.size() < y.size() ? x.size() : y.size();
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  return diff == 0;
}

std::ostream& operator<<(std::ostream& out, const secret_token& token) {
  (void)token;
  return out << secret_token::redacted;
}

}  // namespace eightsync::core
