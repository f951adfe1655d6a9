#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace eightsync::config {

/// Looks an environment variable up: its value, or nullopt when it is unset.
using getenv_function = std::function<std::optional<std::string>(std::string_view)>;

/// Why a value could not be expanded.
struct env_expansion_error {
  std::size_t offset = 0;  ///< 0-based offset of the `${` in the value
  std::string message;     ///< "expected …, found …"
};

/// One `${NAME}` that expand_env replaced.
struct env_substitution {
  std::string name;   ///< NAME
  std::string value;  ///< what it was replaced with
};

/// Replaces each `${NAME}` in `text` with the variable's value (NAME: a letter or `_`, then
/// letters, digits and `_`); `$${` stands for a literal `${`, and any other `$` is kept. An
/// unset variable is an error, not an empty string; so are a malformed name and a missing `}`.
/// When `used` is given, each replacement made is appended to it, so a caller can keep the
/// values out of its messages. Throws only std::bad_alloc (and whatever `getenv_fn` throws).
core::expected<std::string, env_expansion_error> expand_env(std::string_view text,
                                                            const getenv_function& getenv_fn,
                                                            std::vector<env_substitution>* used = nullptr);

}  // namespace eightsync::config
