#include "daemon/token_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <system_error>

#include "core/secret_registry.hpp"

namespace eightsync::daemon {
namespace {

core::expected<core::secret_token, std::string> checked(std::string raw, const std::string& where) {
  std::string_view v(raw);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.remove_prefix(1);
  if (v.empty()) return core::unexpected<std::string>(where + " is empty: put the 8x8 API token in it");
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      return core::unexpected<std::string>(where +
                                           " holds a space or a control character inside the token: it must "
                                           "hold the token alone, on one line");
  }
  core::secret_token token{std::string(v)};
  // From now on every sink redacts it by value, whatever an error message puts around it.
  core::secret_registry::global().add(token.reveal());
  // The raw copy held the secret too; wipe it before it is freed.
  std::fill(raw.begin(), raw.end(), '\0');
  return token;
}

}  // namespace

core::expected<core::secret_token, std::string> read_token(const config::target_config& target) {
  // Under systemd, LoadCredential=eightsync-token hands the token over at start: it wins over
  // token_file, so one config serves the service and an admin's interactive commands (which
  // read token_file directly).
  std::optional<std::filesystem::path> file = target.token_file;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    const auto credential = std::filesystem::path(dir) / "eightsync-token";
    std::error_code ec;
    if (std::filesystem::exists(credential, ec)) file = credential;
  }
  if (file) {
    const std::string where = "token file " + file->string();
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      const int err = errno;
      return core::unexpected<std::string>(
          "cannot read the " + where + ": " + std::strerror(err) +
          (err == EACCES ? " (run as a member of the file's group, e.g. sudo -u eightsync, or fix its mode)"
                         : ""));
    }
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (raw.size() > 16384)
      return core::unexpected<std::string>("the " + where + " is too large to be a token");
    return checked(std::move(raw), "the " + where);
  }
  if (target.token_env) {
    const char* value = std::getenv(target.token_env->c_str());
    const std::string where = "environment variable " + *target.token_env;
    if (value == nullptr)
      return core::unexpected<std::string>(where +
                                           " is not set: export it with the 8x8 API token, or use "
                                           "target.token_file");
    return checked(std::string(value), "the " + where);
  }
  return core::unexpected<std::string>(
      "no token source: set target.token_file (or target.token_env) in the config; under systemd, "
      "LoadCredential=eightsync-token provides it");
}

}  // namespace eightsync::daemon
