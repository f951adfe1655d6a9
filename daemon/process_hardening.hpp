#pragma once

namespace eightsync::daemon {

/// Makes the process non-dumpable (`prctl(PR_SET_DUMPABLE, 0)`) and sets its core file size
/// limit to 0 (RLIMIT_CORE), so a crash of any eightsync command, run by hand as well as under
/// the unit's `LimitCORE=0`, leaves no core file holding the token; being non-dumpable also
/// keeps other processes of the same user from reading its memory (ptrace, /proc/PID/mem).
/// main() calls it first. Returns whether both took effect. Never throws.
bool forbid_core_dumps() noexcept;

/// Adds the password of a proxy URL in $HTTPS_PROXY, $https_proxy, $HTTP_PROXY or $http_proxy
/// to core::secret_registry::global() at start, before any message could quote it. Never
/// throws.
void register_environment_secrets() noexcept;

}  // namespace eightsync::daemon
