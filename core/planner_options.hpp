#pragma once
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_defaults.hpp"
#include "core/attribute.hpp"
#include "core/attribute_table.hpp"
#include "core/leaver_rule.hpp"
#include "core/match_key.hpp"
#include "core/plan.hpp"
#include "core/protect_list.hpp"

namespace eightsync::core {

/// Everything the planner needs from the config and the moment, as plain values: the daemon
/// fills it from eightsync_config. Of config/, core includes only the table of defaults
/// (config/config_defaults.hpp, constants), so each default is written once.
struct planner_options {
  /// `safety:` limits. A count over its limit holds the whole kind; at the limit is allowed.
  struct safety_limits {
    std::size_t max_deactivations = config::defaults::safety_max_deactivations;
    /// Of managed users (links + this cycle's adoptions).
    double max_deactivation_percent = config::defaults::safety_max_deactivation_percent;
    std::size_t max_creates = config::defaults::safety_max_creates;
    /// First cycle: adoptions count too.
    std::size_t max_updates = config::defaults::safety_max_updates;
    /// Adoptions: SCIM takes over a user made in Admin Console, for good (its names and email
    /// stay read-only there even after SCIM is turned off).
    std::size_t max_adoptions = config::defaults::safety_max_adoptions;
    /// Activations at a start date and rehires: a changed date format, or a `lifecycle:` block
    /// removed, can make many at once.
    std::size_t max_reactivations = config::defaults::safety_max_reactivations;
    /// HR rows read vs the last good cycle.
    double max_source_shrink_percent = config::defaults::safety_max_source_shrink_percent;
    /// A complete listing that shows fewer than this share of the linked users holds creates,
    /// adoptions and deactivations: 8x8 may have answered with a short or empty list.
    double min_listed_linked_percent = config::defaults::safety_min_listed_linked_percent;
    /// Key churn: both the new keys (active HR rows without a link) and the missing keys
    /// (links whose key left HR) exceed max(key_churn_min, key_churn_percent of managed users).
    double key_churn_percent = config::defaults::safety_key_churn_percent;
    std::size_t key_churn_min = config::defaults::safety_key_churn_min;
  };

  std::chrono::system_clock::time_point now{};  ///< the planner never reads a clock
  /// A remote object older than this cannot back a PUT or confirm a deactivation (target.max_snapshot_age).
  std::chrono::milliseconds max_snapshot_age = config::defaults::target_max_snapshot_age;
  /// target.rate_limit: how fast the writes go, to estimate the refetches a write phase needs
  /// (plan_cost::refetches).
  plan_rate rate{config::defaults::rate_limit_requests, config::defaults::rate_limit_per};
  std::vector<match_key> match{config::defaults::match.begin(), config::defaults::match.end()};
  /// Bit i set for each create-only attribute (mapping_rules::create_only_mask(); userName,
  /// read-only after create, is always treated as create-only).
  std::uint32_t create_only = read_only_after_create_mask;
  protect_list protect;   ///< `protect:` userName globs
  leaver_policy leavers;  ///< `leavers:`, as the config has it (see leaver_rule)
  /// `lifecycle:`: effective dates, evaluated at `now` + lifecycle_offset (disabled without the
  /// block).
  lifecycle_policy lifecycle;
  /// `--as-of` (tests and dry runs): how far the lifecycle evaluation runs from `now`. Nothing
  /// else moves: snapshot ages, the rate limiter and audit times keep the real clock.
  /// Kept to the clock's precision: a command then judges dates at INSTANT plus the time it has
  /// run, not up to a second more.
  std::chrono::system_clock::duration lifecycle_offset{0};

  /// The instant the lifecycle rules are evaluated at. Never throws.
  std::chrono::system_clock::time_point lifecycle_now() const noexcept { return now + lifecycle_offset; }
  safety_limits safety;
  /// target.visibility == all. When false (idp_only), a listing does not show every user, so
  /// "not listed" never means "not in 8x8" and every POST is looked up first.
  bool listing_shows_everyone = true;
  /// target.page_size: listing pages cost ceil(users / page_size).
  std::size_t page_size = config::defaults::target_page_size;
  /// plan_reads: how many users 8x8 holds (last listing's totalResults); 0: use the link count.
  std::size_t remote_user_estimate = 0;
  /// plan_reads: list everything this cycle (`--full`, or schedule.full_reconcile is due).
  bool full_listing_requested = false;
  /// When the HR export last changed (the later of its mtime and ctime), if known, and
  /// source.max_age: an export older than that holds the deactivations of users missing from it.
  std::optional<std::chrono::system_clock::time_point> source_changed_at;
  std::optional<std::chrono::milliseconds> source_max_age;
  /// Deactivations the running cycle already sent outside this plan (its leaver pass, or the
  /// leavers of an export read while it ran): counted with this plan's own against
  /// safety.max_deactivations and max_deactivation_percent, so doing them early never lets more
  /// through than one plan would.
  std::size_t deactivations_this_cycle = 0;
  /// target.site_schema: "auto" or the site extension URN to write under (site_schema.hpp).
  std::string site_schema{config::defaults::target_site_schema};
  /// One `maps:` entry: `key` in maps.`map` gives `value`.
  struct map_entry {
    std::string map;
    std::string key;
    std::string value;
  };
  /// Every `maps:` entry, to name the HR value behind a site 8x8 refuses.
  std::vector<map_entry> map_entries;
};

}  // namespace eightsync::core
