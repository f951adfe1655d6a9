#include "daemon/token_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "core/regular_file.hpp"
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

// A token is a few hundred bytes; more than this is not a token file.
constexpr std::size_t max_token_file_bytes = 16384;

// The token file's bytes: a regular file only (a FIFO would block, /dev/zero never end), and at
// most max_token_file_bytes + 1 of them read, enough to tell it is too large.
core::expected<std::string, std::string> read_token_file(const std::filesystem::path& file,
                                                         const std::string& where) {
  auto f = core::regular_file::open(file);
  if (!f) {
    const core::open_failure& why = f.error();
    if (why.code == 0)
      return core::unexpected<std::string>("the " + where + " " + why.what + ": put the token in a file");
    return core::unexpected<std::string>(
        "cannot read the " + where + ": " + std::strerror(why.code) +
        (why.code == EACCES
             ? " (run as a member of the file's group, e.g. sudo -u eightsync, or fix its mode)"
             : ""));
  }
  std::string raw(max_token_file_bytes + 1, '\0');
  std::size_t got = 0;
  while (got < raw.size()) {
    const ::ssize_t n = ::read(f->fd(), raw.data() + got, raw.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      std::fill(raw.begin(), raw.end(), '\0');
      return core::unexpected<std::string>("cannot read the " + where + ": " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_token_file_bytes) {
    std::fill(raw.begin(), raw.end(), '\0');
    return core::unexpected<std::string>("the " + where + " is too large to be a token");
  }
  raw.resize(got);
  return raw;
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
    auto raw = read_token_file(*file, where);
    if (!raw) return core::unexpected<std::string>(std::move(raw).error());
    return checked(std::move(raw).value(), "the " + where);
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
