#pragma once
#include <filesystem>
#include <memory>

#include <spdlog/logger.h>

#include "config/eightsync_config.hpp"
#include "connectors/scim_client_options.hpp"
#include "core/clock.hpp"
#include "core/cycle_engine.hpp"
#include "core/hr_source.hpp"
#include "core/plan.hpp"
#include "core/planner_options.hpp"
#include "core/rate_limiter.hpp"
#include "core/secret_token.hpp"
#include "core/source_settle.hpp"
#include "core/user_mapper.hpp"
#include "core/zone_database.hpp"

// The config, turned into what core and connectors take: they never include config headers, so
// this is the one place each config key meets the code that obeys it.
namespace eightsync::daemon {

/// The SCIM client's options from `cfg.target`: URL, CA file, proxy, timeout, page size, retry
/// policy, with `token`, `limiter` (required), `clk` and `logger`. Throws only std::bad_alloc.
connectors::scim_client_options client_options(const config::eightsync_config& cfg, core::secret_token token,
                                               std::shared_ptr<core::rate_limiter> limiter,
                                               std::shared_ptr<const core::clock> clk,
                                               std::shared_ptr<spdlog::logger> logger);

/// The planner's options from `cfg` at `now`: match order, create-only attributes, protect list,
/// leavers, safety limits, snapshot age, visibility and page size. `full` asks for a full listing
/// (`--full`). Throws only std::bad_alloc.
core::planner_options planner_options_from(const config::eightsync_config& cfg, core::clock::time_point now,
                                           bool full);

/// The HR source `cfg.source` describes (connectors::make_hr_source), read and mapped with
/// `cfg.mapping` (core::read_and_map): what `preview` shows and a cycle plans from. Throws only
/// on bugs and out-of-memory.
core::expected<core::hr_snapshot, core::source_error> read_and_map(const config::eightsync_config& cfg);

/// read_and_map, with a warning in mapping_result::date_warnings for each date more than
/// core::far_date_warning_after from `warn_at` (what `preview` shows). Throws as read_and_map.
core::expected<core::hr_snapshot, core::source_error> read_and_map(
    const config::eightsync_config& cfg, std::optional<std::chrono::sys_seconds> warn_at);

/// `--as-of INSTANT`: from now on, lifecycle rules are evaluated this far from the clock (for
/// tests and dry runs; planner_options_from copies it). Never throws.
void set_lifecycle_offset(std::chrono::system_clock::duration offset) noexcept;

/// The process's tz database: every export's zones are looked up here, and the service reloads
/// it on SIGHUP (after tzdata was upgraded). Never throws.
core::zone_database& time_zones() noexcept;

/// How rows' effective dates are read for `cfg` (its `lifecycle:` block must be set), with
/// time_zones(). Throws only std::bad_alloc.
core::lifecycle_reading lifecycle_reading_from(const config::eightsync_config& cfg);

/// What core::cycle_engine takes from `cfg`: the planner's options (its clock sets `now`), the
/// audit retention and the export's path. Throws only std::bad_alloc.
core::cycle_settings cycle_settings_from(const config::eightsync_config& cfg);

/// What a cycle receives of a read export (core::hr_input). Throws only std::bad_alloc.
core::hr_input hr_input_of(core::hr_snapshot&& hr);

/// The engine's core::newer_export_reader for the local export `file` of `cfg.source`: a newer
/// export once the file looks other than `seen` (how it looked when the cycle read it, or the
/// last newer one; updated on each hand-over), has stayed unchanged for source.settle by `clk`,
/// and with source.ready_file is marked ready; read and mapped as the cycle's own (an error
/// names the file). It looks and never waits. `cfg` and `clk` must outlive it. Never throws
/// except std::bad_alloc.
core::newer_export_reader follow_export(const config::eightsync_config& cfg, std::filesystem::path file,
                                        std::shared_ptr<core::export_look> seen, const core::clock& clk);

/// The rate limiter for a command's requests to 8x8: the budget persisted in the state database
/// when that file exists, shared with the service and every other eightsync process on it
/// (invariant 8); one in memory before the first cycle created the database. Throws
/// std::invalid_argument as the limiters do (a zero rate: the config forbids it).
std::shared_ptr<core::rate_limiter> make_rate_limiter(const config::eightsync_config& cfg,
                                                      const core::clock& clk,
                                                      std::shared_ptr<spdlog::logger> logger);

/// target.rate_limit as the rate a plan's cost is stated in. Never throws.
core::plan_rate plan_rate_from(const config::eightsync_config& cfg) noexcept;

}  // namespace eightsync::daemon
