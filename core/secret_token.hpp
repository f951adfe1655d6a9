#pragma once
#include <iosfwd>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace eightsync::core {

/// A credential (the 8x8 API token, a proxy password) that cannot leak by accident: streaming
/// or formatting it (fmt, spdlog) prints `[redacted]`, it has no conversion to a string, and its
/// memory is wiped when it dies. The raw value comes out only through reveal(), called where the
/// Authorization header is built.
class secret_token {
 public:
  /// An empty token. Never throws.
  secret_token() noexcept = default;

  /// Takes `value`. Never throws.
  explicit secret_token(std::string value) noexcept : value_(std::move(value)) {}

  /// Copies the value. Throws std::bad_alloc.
  secret_token(const secret_token& other) = default;
  /// Takes the value and wipes `other` (a moved-from short string would keep its bytes, so this
  /// copies). Throws std::bad_alloc.
  secret_token(secret_token&& other);
  /// Wipes the old value, copies the new one. Throws std::bad_alloc.
  secret_token& operator=(const secret_token& other);
  /// Wipes the old value, takes the new one and wipes `other`. Throws std::bad_alloc.
  secret_token& operator=(secret_token&& other);

  /// Wipes the value. Never throws.
  ~secret_token();

  /// Whether the token is empty. Never throws.
  bool empty() const noexcept { return value_.empty(); }

  /// The raw value. Call it only where the secret is put on the wire. Never throws.
  std::string_view reveal() const noexcept { return value_; }

  /// The placeholder every formatting prints.
  static constexpr std::string_view redacted = "[redacted]";

  /// Compares the values in time independent of where they differ. Never throws.
  friend bool operator==(const secret_token& a, const secret_token& b) noexcept;

 private:
  void wipe() noexcept;

  std::string value_;
};

/// Writes `[redacted]`, never the value. Throws what the stream throws.
std::ostream& operator<<(std::ostream& out, const secret_token& token);

}  // namespace eightsync::core

/// fmt (and so spdlog) prints a secret_token as `[redacted]`.
template <>
struct fmt::formatter<eightsync::core::secret_token> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const eightsync::core::secret_token&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(eightsync::core::secret_token::redacted, ctx);
  }
};
