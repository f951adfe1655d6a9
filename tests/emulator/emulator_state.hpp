#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "emulator/emulator_settings.hpp"
#include "emulator/fault_engine.hpp"
#include "emulator/rate_limiter.hpp"
#include "emulator/request_log.hpp"
#include "emulator/user_store.hpp"

namespace eightsync::emulator {

/// Everything the emulated service remembers. Touched only from the io_context thread.
struct emulator_state {
  /// State for a run reproducible from `seed`, with `settings` and the bearer `token`
  /// (nullopt: revoked, every SCIM call answers 401).
  emulator_state(std::uint64_t seed, emulator_settings s, std::optional<std::string> t)
      : settings(std::move(s)), token(std::move(t)), store(seed), faults(seed) {
    reset_rate_limiter();
  }

  /// Rebuilds the limiter from `settings.rate_limit` (forgetting past requests).
  void reset_rate_limiter() {
    limiter.reset();
    if (settings.rate_limit) limiter.emplace(settings.rate_limit->requests, settings.rate_limit->window);
  }

  emulator_settings settings;                         ///< current switches
  std::optional<std::string> token;                   ///< accepted bearer token; nullopt when revoked
  user_store store;                                   ///< the users
  fault_engine faults;                                ///< active faults
  std::optional<rate_limiter> limiter;                ///< nullopt: no rate limit
  request_log log;                                    ///< SCIM requests seen
  std::string base_url = "http://127.0.0.1/scim/v2";  ///< prefix of meta.location
};

}  // namespace eightsync::emulator
