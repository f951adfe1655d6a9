#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/desired_user.hpp"
#include "core/enum_names.hpp"

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
};

/// The one leaver rule, applied to HR's rows and to managed users missing from HR.
class leaver_rule {
 public:
  /// The rule for `policy`. Never throws.
  explicit leaver_rule(const leaver_policy& policy) noexcept : policy_(policy) {}

  /// Whether HR's row `d` says this person has left (its `active` condition is false). A
  /// leaver whose 8x8 user is active is deactivated. Never throws.
  bool row_has_left(const desired_user& d) const noexcept;

  /// Whether a managed user whose HR key left the export (and whose row was not quarantined)
  /// is a leaver: it is read afresh and, when 8x8 shows it active, deactivated. Never throws.
  bool missing_is_leaver() const noexcept;

  /// Why a deactivation for `why` is planned, as the plan's reason sentence (it names the
  /// config key that decided). Never throws.
  static std::string_view deactivation_reason(leaver_reason why) noexcept;

 private:
  leaver_policy policy_;
};

}  // namespace eightsync::core
