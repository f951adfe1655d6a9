#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace eightsync::core {

/// The `protect:` list: userName glob patterns eightsync must never touch. `*` matches any run
/// of characters (none included), `?` exactly one character (a UTF-8 code point); everything
/// else matches itself, case-insensitively (core/text.hpp folding). A pattern must match the
/// whole userName: `admin*@example.com`, `breakglass@*`.
class protect_list {
 public:
  /// An empty list, which protects nobody. Never throws.
  protect_list() = default;
  /// A list of `patterns`, folded once. Throws only std::bad_alloc.
  explicit protect_list(const std::vector<std::string>& patterns);

  /// Whether any pattern matches `user_name`. Throws only std::bad_alloc.
  bool matches(std::string_view user_name) const;

  /// Whether glob `pattern` matches all of `text`, both already case-folded. Never throws.
  static bool glob_match(std::string_view pattern, std::string_view text) noexcept;

 private:
  std::vector<std::string> folded_;
};

}  // namespace eightsync::core
