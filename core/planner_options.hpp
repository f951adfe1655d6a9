#pragma once
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/attribute.hpp"
#include "core/attribute_table.hpp"
#include "core/leaver_rule.hpp"
#include "core/match_key.hpp"
#include "core/protect_list.hpp"

namespace eightsync::core {

/// Everything the planner needs from the config and the moment, as plain values: the daemon
/// fills it from eightsync_config (core does not include config headers). The defaults are the
/// config's defaults (config/config_defaults.hpp), except the key-churn settings, which the
/// config does not have yet.
struct planner_options {
  /// The config's default `match` order.
  static constexpr std::array<match_key, 3> default_match{match_key::external_id, match_key::user_name,
                                                          match_key::email};

  /// `safety:` limits. A count over its limit holds the whole kind; at the limit is allowed.
  struct safety_limits {
    std::size_t max_deactivations = 10;
    double max_deactivation_percent = 5;  ///< of managed users (links + this cycle's adoptions)
    std::size_t max_creates = 100;
    std::size_t max_updates = 500;          ///< first cycle: adoptions count too
    double max_source_shrink_percent = 10;  ///< HR rows read vs the last good cycle
    /// A complete listing that shows fewer than this share of the linked users holds creates,
    /// adoptions and deactivations: 8x8 may have answered with a short or empty list.
    double min_listed_linked_percent = 50;
    /// Key churn: both the new keys (active HR rows without a link) and the missing keys
    /// (links whose key left HR) exceed max(key_churn_min, key_churn_percent of managed users).
    double key_churn_percent = 20;
    std::size_t key_churn_min = 10;
  };

  std::chrono::system_clock::time_point now{};  ///< the planner never reads a clock
  /// A remote object older than this cannot back a PUT or confirm a deactivation (target.max_snapshot_age).
  std::chrono::milliseconds max_snapshot_age{std::chrono::minutes{15}};
  std::vector<match_key> match{default_match.begin(), default_match.end()};
  /// Bit i set for each create-only attribute (mapping_rules::create_only_mask(); userName,
  /// read-only after create, is always treated as create-only).
  std::uint32_t create_only = read_only_after_create_mask;
  protect_list protect;   ///< `protect:` userName globs
  leaver_policy leavers;  ///< `leavers:`, as the config has it (see leaver_rule)
  safety_limits safety;
  /// target.visibility == all. When false (idp_only), a listing does not show every user, so
  /// "not listed" never means "not in 8x8" and every POST is looked up first.
  bool listing_shows_everyone = true;
  std::size_t page_size = 100;  ///< target.page_size: listing pages cost ceil(users / page_size)
  /// plan_reads: how many users 8x8 holds (last listing's totalResults); 0: use the link count.
  std::size_t remote_user_estimate = 0;
  /// plan_reads: list everything this cycle (`--full`, or schedule.full_reconcile is due).
  bool full_listing_requested = false;
};

}  // namespace eightsync::core
