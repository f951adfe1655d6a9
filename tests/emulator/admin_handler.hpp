#pragma once
#include <string_view>

#include "emulator/emulator_state.hpp"
#include "emulator/scim_answer.hpp"
#include "emulator/scim_request.hpp"

namespace eightsync::emulator {

/// The `/_emulator/…` control endpoints tests use: seed and dump users, set and revoke the
/// token, set and clear faults, change settings, read and clear the request log. No auth;
/// refuses peers that are not on a loopback address.
class admin_handler {
 public:
  /// A handler working on `state`, which must outlive it. Never throws.
  explicit admin_handler(emulator_state& state) noexcept;

  /// Whether `target` is an admin path (`/_emulator` or below). Never throws.
  static bool is_admin_target(std::string_view target) noexcept;

  /// Answers one admin request. Never throws except std::bad_alloc.
  scim_answer handle(const scim_request& req);

 private:
  scim_answer seed_users(const scim_request& req);
  scim_answer dump_users() const;

  emulator_state& state_;
};

}  // namespace eightsync::emulator
