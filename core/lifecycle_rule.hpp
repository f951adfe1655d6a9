#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "core/desired_user.hpp"
#include "core/effective_date.hpp"
#include "core/enum_names.hpp"

// What HR wants for one person at one instant, from the status and the effective dates
// together (the `lifecycle:` block). The planner asks this, through leaver_rule, wherever it
// used to read the status alone; README.md's truth table is this function written out.
//
// The decision, in order (the first that applies wins):
//  1. the end has come (now >= end): ended, even while HR still says active;
//  2. the status says the person left and lifecycle.pre_hire does not hold: left (an early
//     status flip beats a later end date);
//  3. the start is ahead: provisioning inside lifecycle.provision_before_start, before_window
//     outside it (a pre-hire row with no start date waits too);
//  4. otherwise: active.
namespace eightsync::core {

/// What HR wants for one person now.
/// - active: access now (created active, activated, kept)
/// - left: a leaver by status (the `active` condition is false and pre_hire does not hold)
/// - ended: a leaver by date: the end has come
/// - before_window: a future hire outside the provisioning window: nothing is created, and an
///   existing account keeps its state (never deactivated, never activated)
/// - provisioning: a future hire inside the window: created as lifecycle.provision_state says;
///   an existing account keeps its state
BOOST_DEFINE_FIXED_ENUM_CLASS(hr_intent, std::uint8_t, active, left, ended, before_window, provisioning)

/// The `lifecycle:` settings the planner needs (the rest is read by the mapper). The daemon
/// fills it from the config, whose loader applies the defaults (config/config_defaults.hpp);
/// disabled, the other members are not read.
struct lifecycle_policy {
  bool enabled = false;  ///< a `lifecycle:` block is configured; false: the status alone decides
  std::chrono::milliseconds provision_before_start{0};                ///< lifecycle.provision_before_start
  core::provision_state provision_state = provision_state::inactive;  ///< lifecycle.provision_state

  /// Member-wise equality.
  friend bool operator==(const lifecycle_policy&, const lifecycle_policy&) = default;
};

/// What HR wants for `d` at `now` (see the header comment). Never throws.
hr_intent intent_of(const desired_user& d, std::chrono::system_clock::time_point now,
                    const lifecycle_policy& policy) noexcept;

/// Whether `intent` makes the person a leaver (left or ended). Never throws.
constexpr bool is_leaver(hr_intent intent) noexcept {
  return intent == hr_intent::left || intent == hr_intent::ended;
}

/// Whether `intent` is a future hire (before_window or provisioning): an existing account keeps
/// whatever state it has. Never throws.
constexpr bool is_future_hire(hr_intent intent) noexcept {
  return intent == hr_intent::before_window || intent == hr_intent::provisioning;
}

/// The `active` an account should have for `intent`; nullopt for a future hire (kept as it is).
/// Never throws.
constexpr std::optional<bool> wanted_active(hr_intent intent) noexcept {
  if (is_future_hire(intent)) return std::nullopt;
  return intent == hr_intent::active;
}

/// How a row without an 8x8 user is created for `intent`: active, inactive (provisioning with
/// provision_state inactive), or not at all (nullopt). Never throws.
std::optional<bool> create_active(hr_intent intent, const lifecycle_policy& policy) noexcept;

/// A lifecycle event: the instant `d`'s intent next changes, and what it becomes.
struct lifecycle_event {
  std::chrono::sys_seconds at;  ///< when
  hr_intent becomes = hr_intent::active;
};

/// The earliest end (lifecycle.end_date) of `users` after `now`: when the next leaver by date
/// appears. Never throws.
std::optional<std::chrono::sys_seconds> earliest_end(std::span<const desired_user> users,
                                                     std::chrono::system_clock::time_point now,
                                                     const lifecycle_policy& policy) noexcept;

/// The next instant after `now` at which `d`'s intent changes by date alone: the opening of the
/// provisioning window, the start, or the end. nullopt when no date lies ahead (or the status
/// already made the person a leaver). Never throws.
std::optional<lifecycle_event> next_event(const desired_user& d, std::chrono::system_clock::time_point now,
                                          const lifecycle_policy& policy) noexcept;

}  // namespace eightsync::core
