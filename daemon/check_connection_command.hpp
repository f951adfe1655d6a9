#pragma once
#include <iosfwd>

#include "config/eightsync_config.hpp"

namespace eightsync::daemon {

/// `eightsync check-connection`: checks, step by step, that eightsync can reach and use 8x8 with
/// this config: the token can be read, the URL is usable, the host resolves, a connection opens
/// (through the proxy if one is set), TLS verifies 8x8's certificate for that host name, the
/// token is accepted, and one page of users can be read (a userName lookup that matches nobody,
/// so nothing is listed). Prints each step as ok or FAIL with what to do about a failure. Its
/// one request counts against the rate limit shared through the state database when one exists.
/// Returns exit_ok, exit_config_invalid (an unusable URL, proxy or CA file), exit_auth_failed (no
/// token, or 401) or exit_target_unreachable. Throws only on bugs.
int run_check_connection(const config::eightsync_config& cfg, std::ostream& out, std::ostream& err);

}  // namespace eightsync::daemon
