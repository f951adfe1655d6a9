#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/desired_user.hpp"
#include "core/enum_names.hpp"
#include "core/lifecycle_rule.hpp"

// Who has left, decided in one place. A cycle asks it twice: when it chooses its reads
// (plan_reads: a leaver needs a fresh copy of their 8x8 user) and when it plans (make_plan: a
// leaver is deactivated). The config's `leavers:` section reaches it whole, as a leaver_policy.
//
// To change the leaver policy: this header (the policy and its names), leaver_rule.cpp (what it
// decides), and config/config_defaults.hpp (its default). The config loader reads the names
// from here, and the planner asks only the rule.
namespace eightsync::core {

/// What happens to a managed 8x8 user whose HR key is no longer in the export
/// (leavers.missing_from_source).
/// - deactivate: PATCH active=false, once a fresh copy shows the user active (safety limits apply)
/// - ignore: leave the user as is; only HR's `active` condition deactivates
BOOST_DEFINE_FIXED_ENUM_CLASS(leaver_action, std::uint8_t, deactivate, ignore)

/// The config's `leavers:` section.
struct leaver_policy {
  /// leavers.missing_from_source. The config's default lives in config/config_defaults.hpp; a
  /// unit test keeps this initializer equal to it.
  leaver_action missing_from_source = leaver_action::deactivate;

  /// Member-wise equality.
  friend bool operator==(const leaver_policy&, const leaver_policy&) = default;
};

/// Why HR's view of one person makes them a leaver, as the reason a plan gives.
enum class leaver_reason : std::uint8_t {
  status,               ///< the row's `active` condition says they left
  missing_from_source,  ///< their HR key is no longer in the export
  end_date,             ///< the end date has come (lifecycle.end_date)
};

/// The one leaver rule, applied to HR's rows and to managed users missing from HR.
class leaver_rule {
 public:
  /// The rule for `policy`, the status alone deciding. Never throws.
  explicit leaver_rule(const leaver_policy& policy) noexcept : policy_(policy) {}
  /// The rule for `policy` with effective dates (`lifecycle`), evaluated at `now`. Never throws.
  leaver_rule(const leaver_policy& policy, const lifecycle_policy& lifecycle,
              std::chrono::system_clock::time_point now) noexcept
      : policy_(policy), lifecycle_(lifecycle), now_(now) {}

  /// What HR wants for the person of row `d` now: the status and the dates together (see
  /// core/lifecycle_rule.hpp). Never throws.
  hr_intent intent(const desired_user& d) const noexcept { return intent_of(d, now_, lifecycle_); }

  /// Whether HR's row `d` says this person has left: its `active` condition is false (and
  /// lifecycle.pre_hire does not hold), or the end date has come. A leaver whose 8x8 user is
  /// active is deactivated. Never throws.
  bool row_has_left(const desired_user& d) const noexcept;

  /// Why row `d`, a leaver, left: its end date or its status. Never throws.
  leaver_reason reason_for(const desired_user& d) const noexcept {
    return intent(d) == hr_intent::ended ? leaver_reason::end_date : leaver_reason::status;
  }

  /// How a row without an 8x8 user is created now: active, inactive (before its start date), or
  /// not at all (nullopt). Never throws.
  std::optional<bool> creates(const desired_user& d) const noexcept {
    return create_active(intent(d), lifecycle_);
  }

  /// The effective-dates policy (disabled when the config has no `lifecycle:` block). Never throws.
  const lifecycle_policy& lifecycle() const noexcept { return lifecycle_; }

  /// Whether a managed user whose HR key left the export (and whose row was not quarantined)
  /// is a leaver: it is read afresh and, when 8x8 shows it active, deactivated. Never throws.
  bool missing_is_leaver() const noexcept;

  /// Why a deactivation for `why` is planned, as the plan's reason sentence (it names the
  /// config key that decided). Never throws.
  static std::string_view deactivation_reason(leaver_reason why) noexcept;

 private:
  leaver_policy policy_;
  lifecycle_policy lifecycle_;
  std::chrono::system_clock::time_point now_{};
};

}  // namespace eightsync::core
