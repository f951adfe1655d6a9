#pragma once
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_defaults.hpp"
#include "config/config_enums.hpp"
#include "core/effective_date.hpp"
#include "core/leaver_rule.hpp"
#include "core/mapping_rules.hpp"
#include "core/match_key.hpp"
#include "core/source_options.hpp"

// eightsync.yaml as typed values (config::load_config reads it; config_defaults.hpp holds every
// default). One struct per top-level section:
// - target_config, with its rate_limit_config and retry_config: the 8x8 account and how
//   eightsync talks to it;
// - lifecycle_config: effective dates (start and end dates, zones);
// - safety_config: the limits that hold a cycle for approval;
// - schedule_config, state_config, audit_config, log_config, metrics_config: how the service
//   runs, where it keeps its state and what it reports;
// - eightsync_config: the whole file, with the source and the mapping.

namespace eightsync::config {

/// `target.rate_limit`: at most `requests` requests to 8x8 in any window of `per`.
struct rate_limit_config {
  std::size_t requests = defaults::rate_limit_requests;
  std::chrono::milliseconds per = defaults::rate_limit_per;
};

/// `target.retry`: how often a retryable request is tried (`attempts` counts the first try)
/// and the exponential backoff between tries, from `base_delay` doubling up to `max_delay`;
/// `max_pause` is the longest pause a Retry-After (or a stored pause) may impose.
struct retry_config {
  std::size_t attempts = defaults::retry_attempts;
  std::chrono::milliseconds base_delay = defaults::retry_base_delay;
  std::chrono::milliseconds max_delay = defaults::retry_max_delay;
  std::chrono::milliseconds max_pause = defaults::retry_max_pause;
};

/// `target:`: the 8x8 SCIM endpoint and how to talk to it. The token itself never lives in the
/// config: it is read from `token_file` or the environment variable `token_env` when needed.
struct target_config {
  std::string url;  ///< base URL, https (http only for loopback), without a trailing '/'
  /// Where the token is read from. Set from $CREDENTIALS_DIRECTORY/eightsync-token when neither
  /// key is given and CREDENTIALS_DIRECTORY is set; both empty means no token source yet.
  std::optional<std::filesystem::path> token_file;
  std::optional<std::string> token_env;          ///< the name of an environment variable holding the token
  std::optional<std::filesystem::path> ca_file;  ///< extra CA bundle; absent: the system store
  std::optional<std::string> proxy;              ///< http(s)://HOST:PORT of an HTTPS proxy
  visibility_mode visibility = defaults::target_visibility;
  /// "auto" (detect which of 8x8's two site extension URNs the account uses), or that URN.
  std::string site_schema{defaults::target_site_schema};
  std::size_t page_size = defaults::target_page_size;
  std::chrono::milliseconds timeout = defaults::target_timeout;
  std::chrono::milliseconds max_snapshot_age = defaults::target_max_snapshot_age;
  /// A full listing running longer than this stops, incomplete; absent: no limit (the count
  /// limit still applies: core::listing_user_cap).
  std::optional<std::chrono::milliseconds> listing_max_duration;
  rate_limit_config rate_limit;
  retry_config retry;

  /// Whether a token source is configured; when not, `plan` and `sync` must report it and
  /// `check-config` should print a note. Never throws.
  bool has_token_source() const noexcept { return token_file.has_value() || token_env.has_value(); }
};

/// `lifecycle:`: what HR's start and end dates mean. Its templates (start_date, end_date,
/// time_zone) and its pre_hire condition are compiled into the mapping (core::mapping_rules),
/// whose columns the export's header must have; the rest is here.
struct lifecycle_config {
  /// lifecycle.date_formats: tried in order; never both MM/DD/YYYY and DD/MM/YYYY.
  std::vector<core::date_format> date_formats{defaults::lifecycle_date_formats.begin(),
                                              defaults::lifecycle_date_formats.end()};
  std::vector<std::string> null_dates;  ///< lifecycle.null_dates: values that mean "no date"
  /// lifecycle.default_time_zone: a zone of the tz database, checked at load.
  std::string default_time_zone{defaults::lifecycle_default_time_zone};
  std::chrono::minutes start_time = defaults::lifecycle_start_time;  ///< local time of day
  std::optional<std::chrono::minutes> end_time;  ///< absent: the next local midnight after the end date
  std::chrono::milliseconds provision_before_start = defaults::lifecycle_provision_before_start;
  core::provision_state provision_state = defaults::lifecycle_provision_state;
  /// An end and a new start at most this far apart keep access.
  std::chrono::milliseconds rehire_gap = defaults::lifecycle_rehire_gap;

  /// The date reading options (formats and null dates) for core::read_date. Throws only std::bad_alloc.
  core::date_read_options read_options() const { return core::date_read_options{date_formats, null_dates}; }
  /// start_time and end_time for core::access_start and access_end. Never throws.
  core::day_times times() const noexcept { return core::day_times{start_time, end_time}; }
};

/// `safety:`: limits above which a cycle's operations are held for an operator's approval.
struct safety_config {
  std::size_t max_deactivations = defaults::safety_max_deactivations;           ///< per cycle
  double max_deactivation_percent = defaults::safety_max_deactivation_percent;  ///< of managed users, 0..100
  std::size_t max_creates = defaults::safety_max_creates;                       ///< per cycle
  std::size_t max_updates = defaults::safety_max_updates;                       ///< per cycle
  std::size_t max_adoptions = defaults::safety_max_adoptions;                   ///< per cycle
  std::size_t max_reactivations = defaults::safety_max_reactivations;           ///< per cycle
  double max_source_shrink_percent =
      defaults::safety_max_source_shrink_percent;  ///< vs the last good export, 0..100
  double min_listed_linked_percent =
      defaults::safety_min_listed_linked_percent;  ///< of linked users a complete listing must show, 0..100
};

/// `schedule:`: when the daemon runs a cycle.
struct schedule_config {
  std::chrono::milliseconds interval = defaults::schedule_interval;              ///< between cycles
  std::chrono::milliseconds full_reconcile = defaults::schedule_full_reconcile;  ///< between full listings
  bool on_source_change = defaults::schedule_on_source_change;  ///< also run when the export changes
};

/// `failing:`: users whose writes fail cycle after cycle.
struct failing_config {
  /// Failing cycles in a row after which a keeps_failing manual action names the user.
  std::uint32_t manual_action_after = defaults::failing_manual_action_after;
};

/// `state:`: where the SQLite state and audit database lives.
struct state_config {
  std::filesystem::path path{std::string(defaults::state_path)};
};

/// `audit:`: how long the audit tables of the state database keep a finished cycle (with its
/// operations, quarantined rows and held operations) before it is pruned. Open manual actions,
/// unresolved intents, pending approvals and the last cycle are never pruned.
struct audit_config {
  std::chrono::milliseconds retention = defaults::audit_retention;
};

/// `log:`: how much to log and in what shape.
struct log_config {
  log_level level = defaults::log_level_default;
  log_format format = defaults::log_format_default;
};

/// `metrics:`: the Prometheus endpoint.
struct metrics_config {
  std::optional<std::string> listen;  ///< HOST:PORT to serve /metrics on; absent: no endpoint
};

/// The whole config file, validated, with defaults applied (config/config_defaults.hpp) and
/// relative paths resolved against the config file's directory. Built by config_loader.
struct eightsync_config {
  std::filesystem::path file;  ///< the config file it was loaded from
  core::source_options source;
  target_config target;
  schedule_config schedule;
  std::vector<core::match_key> match{defaults::match.begin(), defaults::match.end()};
  core::mapping_rules mapping;       ///< `mapping`, `create_only`, `maps` and `scope`, compiled
  std::vector<std::string> protect;  ///< userName glob patterns (see core::protect_list)
  core::leaver_policy leavers{defaults::leavers_missing_from_source};  ///< `leavers:` (core::leaver_rule)
  std::optional<lifecycle_config> lifecycle;  ///< `lifecycle:`; absent: status alone decides
  safety_config safety;
  failing_config failing;
  state_config state;
  audit_config audit;
  log_config log;
  metrics_config metrics;

  /// Whether `user_name` matches a `protect` pattern (case-insensitive glob; core::protect_list
  /// is the faster choice for many lookups). Throws only std::bad_alloc.
  bool matches_protect(std::string_view user_name) const;
};

}  // namespace eightsync::config
