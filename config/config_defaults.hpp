#pragma once
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_enums.hpp"
#include "core/effective_date.hpp"
#include "core/leaver_rule.hpp"
#include "core/match_key.hpp"
#include "core/source_options.hpp"

/// THE table of config defaults: the one place a default lives. The config structs, and the
/// option structs of core/ and connectors/ that mirror them (planner_options, retry_policy,
/// scim_client_options), initialize their members from it, the loader keeps those values for keys the file
/// leaves out, and config/eightsync.example.yaml documents each one (a unit test checks they agree). Keys
/// without an entry here are either required (source.path, source.key, target.url, the four required mapping
/// attributes) or off when absent (target.ca_file, target.proxy, metrics.listen, scope, protect, create_only,
/// maps).
namespace eightsync::config::defaults {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

// source:
inline constexpr core::source_type source_type = core::source_type::csv;
inline constexpr char source_delimiter = ',';
inline constexpr core::source_encoding source_encoding = core::source_encoding::utf8;
inline constexpr std::size_t source_min_rows = 1;
inline constexpr core::key_normalization source_key_normalize = core::key_normalization::none;
/// source.max_record_bytes: 1 MiB, far above any real HR row, far below what hurts memory.
inline constexpr std::size_t source_max_record_bytes = std::size_t{1} << 20;
/// source.settle: how long the export must stay unchanged before it is read. Long enough for an
/// HR system that writes in bursts; short next to the cycle it delays.
inline constexpr milliseconds source_settle = 3s;

// target:
/// target.token_file, when neither token_file nor token_env is set and $CREDENTIALS_DIRECTORY
/// is (systemd's LoadCredential=eightsync-token:…): $CREDENTIALS_DIRECTORY/eightsync-token.
inline constexpr std::string_view token_credential_name = "eightsync-token";
inline constexpr visibility_mode target_visibility = visibility_mode::all;
/// target.site_schema: detect which of 8x8's two site URNs the account uses.
inline constexpr std::string_view target_site_schema = "auto";
inline constexpr std::size_t target_page_size = 100;
inline constexpr milliseconds target_timeout = 30s;
inline constexpr milliseconds target_max_snapshot_age = 15min;
inline constexpr std::size_t rate_limit_requests = 10;
inline constexpr milliseconds rate_limit_per = 60s;
/// The pacing guard (not a config key; core/pacing.hpp applies it): requests go out evenly
/// spaced, one every (per + guard) / requests, and no window of per + guard holds more than
/// `requests`. The guard is per / rate_limit_guard_divisor (1%), at most rate_limit_guard_max:
/// 600 ms at 8x8's 60 s, so 10 a minute go one every 6.06 s and use 99% of the rate. Why 1%:
/// 8x8 counts arrivals by its own clock, and a request arrives a little after its slot (a timer
/// wakes late, a connection opens, the network varies); the guard must exceed how much one
/// request can be late relative to the one `requests` before it, and a server clock that runs
/// fast by parts per million. Both stay far below 1% of a window of seconds or more, while the
/// cost (1% of the rate) stays within the 2% eightsync allows itself. Why the cap: the delays do
/// not grow with the window, so a window of 100 s or more needs no more than 1 s.
inline constexpr milliseconds::rep rate_limit_guard_divisor = 100;
inline constexpr milliseconds rate_limit_guard_max = 1s;
inline constexpr std::size_t retry_attempts = 5;
inline constexpr milliseconds retry_base_delay = 1s;
inline constexpr milliseconds retry_max_delay = 60s;
inline constexpr milliseconds retry_max_pause = 1h;

// schedule:
inline constexpr milliseconds schedule_interval = 1h;
inline constexpr milliseconds schedule_full_reconcile = 24h;
inline constexpr bool schedule_on_source_change = false;

// match:
inline constexpr std::array<core::match_key, 3> match{core::match_key::external_id,
                                                      core::match_key::user_name, core::match_key::email};

// leavers:
inline constexpr core::leaver_action leavers_missing_from_source = core::leaver_action::deactivate;

// lifecycle: (the block is optional; absent, HR's status alone decides, as before it existed)
inline constexpr std::array<core::date_format, 1> lifecycle_date_formats{core::date_format::iso_date};
/// lifecycle.default_time_zone: the zone of a person whose row names none.
inline constexpr std::string_view lifecycle_default_time_zone = "UTC";
/// lifecycle.start_time: access starts at local midnight of the start date.
inline constexpr std::chrono::minutes lifecycle_start_time{0};
/// lifecycle.provision_before_start: the account exists a week before day one.
inline constexpr milliseconds lifecycle_provision_before_start = std::chrono::days{7};
inline constexpr core::provision_state lifecycle_provision_state = core::provision_state::inactive;
inline constexpr milliseconds lifecycle_rehire_gap = 0ms;

// safety:
inline constexpr std::size_t safety_max_deactivations = 10;
inline constexpr double safety_max_deactivation_percent = 5;
inline constexpr std::size_t safety_max_creates = 100;
inline constexpr std::size_t safety_max_updates = 500;
inline constexpr std::size_t safety_max_adoptions = 50;
/// safety.max_reactivations: activations at a start date and rehires, per cycle.
inline constexpr std::size_t safety_max_reactivations = 10;
inline constexpr double safety_max_source_shrink_percent = 10;
inline constexpr double safety_min_listed_linked_percent = 50;
/// Key churn (not config keys yet: the planner's alone): many new and many missing keys at once
/// hold the cycle when both exceed max(key_churn_min, key_churn_percent of managed users).
inline constexpr double safety_key_churn_percent = 20;
inline constexpr std::size_t safety_key_churn_min = 10;

// failing:
/// failing.manual_action_after: failing cycles in a row before a keeps_failing manual action.
inline constexpr std::uint32_t failing_manual_action_after = 5;

// state:
inline constexpr std::string_view state_path = "/var/lib/eightsync/state.db";

// audit:
inline constexpr milliseconds audit_retention = std::chrono::days{400};

// log:
inline constexpr log_level log_level_default = log_level::info;
inline constexpr log_format log_format_default = log_format::text;

}  // namespace eightsync::config::defaults
