#include "config/env_expansion.hpp"

namespace eightsync::config {
namespace {

bool name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

core::unexpected<env_expansion_error> fail(std::size_t offset, std::string message) {
  return core::unexpected<env_expansion_error>{env_expansion_error{offset, std::move(message)}};
}

}  // namespace

core::expected<std::string, env_expansion_error> expand_env(std::string_view text,
                                                            const getenv_function& getenv_fn,
                                                            std::vector<env_substitution>* used) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      out.push_back(text[i++]);
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return fail(i, "expected } to close ${, found the end of the value");
    }
    const std::string_view name = text.substr(i + 2, close - i - 2);
    bool valid = !name.empty() && name_start(name.front());
    for (char c : name)
      valid = valid && name_char(c);
    if (!valid) {
      return fail(i, "expected an environment variable name such as ${HR_EXPORT_DIR}, found \"" +
                         std::string(text.substr(i, close - i + 1)) + "\"");
    }
    auto value = getenv_fn(name);
    if (!value) {
      return fail(i, "expected environment variable " + std::string(name) + " to be set (the value uses ${" +
                         std::string(name) + "}), found it unset");
    }
    out += *value;
    if (used != nullptr) used->push_back(env_substitution{std::string(name), std::move(*value)});
    i = close + 1;
  }
  return out;
}

}  // namespace eightsync::config
