#pragma once
#include <string>

#include "config/eightsync_config.hpp"
#include "core/expected.hpp"
#include "core/secret_token.hpp"

namespace eightsync::daemon {

/// Reads the 8x8 API token: $CREDENTIALS_DIRECTORY/eightsync-token when it exists (systemd's
/// LoadCredential=), else from where `target` says: the file `token_file` or the environment
/// variable `token_env`. Surrounding whitespace and a trailing newline are dropped. Fails with a sentence
/// that names the file or variable (never the token) when no source is configured, the file
/// cannot be read, or the token is empty or holds spaces or control characters. A token read is
/// added to core::secret_registry::global(), so every sink redacts it by value. Throws only
/// std::bad_alloc.
core::expected<core::secret_token, std::string> read_token(const config::target_config& target);

}  // namespace eightsync::daemon
