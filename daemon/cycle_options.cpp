#include "daemon/cycle_options.hpp"

#include <filesystem>
#include <system_error>
#include <utility>

#include "connectors/hr_sources.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/sliding_window_rate_limiter.hpp"
#include "core/source_settle.hpp"

#include "config/config_enums.hpp"

namespace eightsync::daemon {

connectors::scim_client_options client_options(const config::eightsync_config& cfg, core::secret_token token,
                                               std::shared_ptr<core::rate_limiter> limiter,
                                               std::shared_ptr<const core::clock> clk,
                                               std::shared_ptr<spdlog::logger> logger) {
  connectors::scim_client_options o;
  o.base_url = cfg.target.url;
  o.token = std::move(token);
  if (cfg.target.ca_file) o.ca_file = cfg.target.ca_file->string();
  o.proxy = cfg.target.proxy;
  o.timeout = cfg.target.timeout;
  o.page_size = cfg.target.page_size;
  o.rate_limiter = std::move(limiter);
  o.retry.attempts = cfg.target.retry.attempts;
  o.retry.base_delay = cfg.target.retry.base_delay;
  o.retry.max_delay = cfg.target.retry.max_delay;
  o.retry.max_pause = cfg.target.retry.max_pause;
  o.pacing_window =
      std::chrono::ceil<std::chrono::milliseconds>(core::pacing_window(cfg.target.rate_limit.per));
  o.clock = std::move(clk);
  o.logger = std::move(logger);
  o.user_agent = "eightsync/" EIGHTSYNC_VERSION;
  return o;
}

namespace {
// --as-of: one value for the whole process, like the tz database.
std::chrono::system_clock::duration lifecycle_offset{0};
}  // namespace

void set_lifecycle_offset(std::chrono::system_clock::duration offset) noexcept {
  lifecycle_offset = offset;
}

core::planner_options planner_options_from(const config::eightsync_config& cfg, core::clock::time_point now,
                                           bool full) {
  core::planner_options o;
  o.now = now;
  o.lifecycle_offset = lifecycle_offset;
  o.max_snapshot_age = cfg.target.max_snapshot_age;
  o.rate = plan_rate_from(cfg);
  o.source_max_age = cfg.source.max_age;
  o.match = cfg.match;
  o.create_only = cfg.mapping.create_only_mask();
  o.protect = core::protect_list(cfg.protect);
  o.leavers = cfg.leavers;
  if (cfg.lifecycle) {
    o.lifecycle.enabled = true;
    o.lifecycle.provision_before_start = cfg.lifecycle->provision_before_start;
    o.lifecycle.provision_state = cfg.lifecycle->provision_state;
  }
  o.safety.max_deactivations = cfg.safety.max_deactivations;
  o.safety.max_deactivation_percent = cfg.safety.max_deactivation_percent;
  o.safety.max_creates = cfg.safety.max_creates;
  o.safety.max_updates = cfg.safety.max_updates;
  o.safety.max_adoptions = cfg.safety.max_adoptions;
  o.safety.max_reactivations = cfg.safety.max_reactivations;
  o.safety.max_source_shrink_percent = cfg.safety.max_source_shrink_percent;
  o.safety.min_listed_linked_percent = cfg.safety.min_listed_linked_percent;
  o.listing_shows_everyone = cfg.target.visibility == config::visibility_mode::all;
  o.site_schema = cfg.target.site_schema;
  for (const auto& m : cfg.mapping.maps()) {
    for (auto& [key, value] : m.entries())
      o.map_entries.push_back({m.name(), std::move(key), std::move(value)});
  }
  o.page_size = cfg.target.page_size;
  o.full_listing_requested = full;
  return o;
}

core::zone_database& time_zones() noexcept {
  static core::zone_database zones;
  return zones;
}

core::lifecycle_reading lifecycle_reading_from(const config::eightsync_config& cfg) {
  const auto& l = *cfg.lifecycle;
  core::lifecycle_reading r;
  r.dates = l.read_options();
  r.times = l.times();
  r.default_time_zone = l.default_time_zone;
  r.rehire_gap = std::chrono::ceil<std::chrono::seconds>(l.rehire_gap);
  r.zones = &time_zones();
  return r;
}

core::expected<core::hr_snapshot, core::source_error> read_and_map(const config::eightsync_config& cfg) {
  return read_and_map(cfg, std::nullopt);
}

core::expected<core::hr_snapshot, core::source_error> read_and_map(
    const config::eightsync_config& cfg, std::optional<std::chrono::sys_seconds> warn_at) {
  const auto source = connectors::make_hr_source(cfg.source);
  std::optional<core::lifecycle_reading> lifecycle;
  if (cfg.lifecycle) {
    lifecycle = lifecycle_reading_from(cfg);
    lifecycle->warn_at = warn_at;
  }
  auto snap = core::read_and_map(*source, cfg.mapping, cfg.source.key, lifecycle ? &*lifecycle : nullptr);
  // Looked at once the read is done: a later change means newer data than what was read.
  if (const auto file = source->watched_file(); snap && file) {
    if (const auto look = core::look_at(*file); look.exists) snap->source.changed_at = look.changed;
  }
  return snap;
}

core::hr_input hr_input_of(core::hr_snapshot&& hr) {
  return core::hr_input{std::move(hr.mapped), std::move(hr.source.sha256), hr.source.rows_read,
                        hr.source.changed_at};
}

core::newer_export_reader follow_export(const config::eightsync_config& cfg, std::filesystem::path file,
                                        std::shared_ptr<core::export_look> seen, const core::clock& clk) {
  using answer = std::optional<core::expected<core::hr_input, std::string>>;
  // A look, not a wait: the engine asks between requests.
  return [&cfg, file = std::move(file), seen = std::move(seen), &clk]() -> answer {
    const auto look = core::look_at(file);
    if (!look.exists || look == *seen) return std::nullopt;
    if (core::settle_wait(look, clk.now(), cfg.source.settle) > core::clock::duration::zero())
      return std::nullopt;
    if (cfg.source.ready_file && !core::export_ready(look, core::look_at(*cfg.source.ready_file)))
      return std::nullopt;
    *seen = look;
    auto hr = read_and_map(cfg);
    if (!hr)
      return core::expected<core::hr_input, std::string>{core::unexpected<std::string>{hr.error().message}};
    return core::expected<core::hr_input, std::string>{hr_input_of(std::move(*hr))};
  };
}

core::cycle_settings cycle_settings_from(const config::eightsync_config& cfg) {
  core::cycle_settings s;
  s.planner = planner_options_from(cfg, core::clock::time_point{}, false);
  s.audit_retention = cfg.audit.retention;
  s.failing_action_after = cfg.failing.manual_action_after;
  s.listing_max_duration = cfg.target.listing_max_duration;
  s.source_path = cfg.source.path.string();
  return s;
}

std::shared_ptr<core::rate_limiter> make_rate_limiter(const config::eightsync_config& cfg,
                                                      const core::clock& clk,
                                                      std::shared_ptr<spdlog::logger> logger) {
  std::error_code ec;
  if (std::filesystem::exists(cfg.state.path, ec)) {
    core::persistent_rate_limiter::options o;
    o.max_pause = cfg.target.retry.max_pause;
    o.logger = std::move(logger);
    return std::make_shared<core::persistent_rate_limiter>(cfg.state.path, cfg.target.rate_limit.requests,
                                                           cfg.target.rate_limit.per, clk, o);
  }
  core::sliding_window_rate_limiter::options o;
  o.max_pause = cfg.target.retry.max_pause;
  return std::make_shared<core::sliding_window_rate_limiter>(cfg.target.rate_limit.requests,
                                                             cfg.target.rate_limit.per, clk, o);
}

core::plan_rate plan_rate_from(const config::eightsync_config& cfg) noexcept {
  return core::plan_rate{cfg.target.rate_limit.requests, cfg.target.rate_limit.per};
}

}  // namespace eightsync::daemon
