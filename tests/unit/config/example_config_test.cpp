// The shipped example config and HR export: the config loads, documents every key, states
// the defaults of the defaults table, and maps every row of examples/hr.csv.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config_defaults.hpp"
#include "config/config_loader.hpp"
#include "core/user_mapper.hpp"

namespace eightsync::config {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path source_dir = EIGHTSYNC_SOURCE_DIR;
const std::filesystem::path example = source_dir / "config" / "eightsync.example.yaml";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Splits one CSV record on one line ("" inside quotes is a quote). Enough for the fixtures;
// the real reader lives in connectors/.
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// Streams a CSV file into `sink` the way a reader does, quarantining wrong field counts and
// empty keys itself.
void feed_csv(const std::filesystem::path& file, const std::string& key_column, core::row_sink& sink) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  const auto header = split_csv_line(line);
  sink.on_header(header);
  const auto key_index =
      static_cast<std::size_t>(std::find(header.begin(), header.end(), key_column) - header.begin());
  std::size_t line_no = 1;
  std::size_t record = 0;
  while (std::getline(in, line)) {
    ++line_no;
    ++record;
    auto fields = split_csv_line(line);
    if (fields.size() != header.size()) {
      sink.on_quarantine({line_no, record, key_index < fields.size() ? fields[key_index] : "",
                          core::quarantine_reason::field_count, "wrong field count"});
    } else if (fields[key_index].empty()) {
      sink.on_quarantine({line_no, record, "", core::quarantine_reason::empty_key, "empty key"});
    } else {
      sink.on_row(core::source_row{line_no, record, std::move(fields)});
    }
  }
}

const core::desired_user* find_user(const core::mapping_result& r, std::string_view key) {
  for (const auto& u : r.users) {
    if (u.key == key) return &u;
  }
  return nullptr;
}

TEST(example_config, loads_with_the_documented_values) {
  const auto cfg = load_config_file(example);
  EXPECT_EQ(cfg.source.path, (example.parent_path() / "examples" / "hr.csv").lexically_normal());
  EXPECT_EQ(cfg.source.key, "employee_id");
  EXPECT_EQ(cfg.target.url, "http://127.0.0.1:8443/scim/v2");
  EXPECT_EQ(cfg.target.token_env, "EIGHTSYNC_TOKEN");
  EXPECT_FALSE(cfg.target.token_file);
  EXPECT_EQ(cfg.mapping.maps().size(), 3U);
  ASSERT_NE(cfg.mapping.active(), nullptr);
  EXPECT_EQ(cfg.mapping.active()->text(), "{status} in [Active, On Leave]");
  EXPECT_EQ(cfg.mapping.scope().size(), 2U);
  EXPECT_TRUE(cfg.mapping.is_create_only(core::attribute::site));
  EXPECT_FALSE(cfg.mapping.is_create_only(core::attribute::title));
  for (auto a : core::all_attributes) {
    EXPECT_EQ(cfg.mapping.owns(a), a != core::attribute::active) << core::attribute_name(a);
  }
  EXPECT_EQ(cfg.protect, (std::vector<std::string>{"admin*@example.com", "breakglass@*"}));
  EXPECT_TRUE(cfg.matches_protect("admin.ops@example.com"));
  EXPECT_TRUE(cfg.matches_protect("breakglass@example.com"));
}

TEST(example_config, states_the_defaults_of_the_defaults_table) {
  const auto cfg = load_config_file(example);
  EXPECT_EQ(cfg.source.type, defaults::source_type);
  EXPECT_EQ(cfg.source.delimiter, defaults::source_delimiter);
  EXPECT_EQ(cfg.source.encoding, defaults::source_encoding);
  EXPECT_EQ(cfg.source.min_rows, defaults::source_min_rows);
  EXPECT_EQ(cfg.source.key_normalize, defaults::source_key_normalize);
  EXPECT_EQ(cfg.source.max_record_bytes, defaults::source_max_record_bytes);
  EXPECT_EQ(cfg.source.settle, defaults::source_settle);
  EXPECT_EQ(core::source_options{}.settle, defaults::source_settle) << "core's default is the table's";
  EXPECT_EQ(core::source_options{}.max_record_bytes, defaults::source_max_record_bytes)
      << "core's own initializer agrees with the table";
  EXPECT_EQ(cfg.target.visibility, defaults::target_visibility);
  EXPECT_EQ(cfg.target.page_size, defaults::target_page_size);
  EXPECT_EQ(cfg.target.timeout, defaults::target_timeout);
  EXPECT_EQ(cfg.target.max_snapshot_age, defaults::target_max_snapshot_age);
  EXPECT_EQ(cfg.target.rate_limit.requests, defaults::rate_limit_requests);
  EXPECT_EQ(cfg.target.rate_limit.per, defaults::rate_limit_per);
  EXPECT_EQ(cfg.target.retry.attempts, defaults::retry_attempts);
  EXPECT_EQ(cfg.target.retry.base_delay, defaults::retry_base_delay);
  EXPECT_EQ(cfg.target.retry.max_delay, defaults::retry_max_delay);
  EXPECT_EQ(cfg.target.retry.max_pause, defaults::retry_max_pause);
  EXPECT_EQ(cfg.schedule.interval, defaults::schedule_interval);
  EXPECT_EQ(cfg.schedule.full_reconcile, defaults::schedule_full_reconcile);
  EXPECT_EQ(cfg.schedule.on_source_change, defaults::schedule_on_source_change);
  EXPECT_TRUE(std::equal(cfg.match.begin(), cfg.match.end(), defaults::match.begin(), defaults::match.end()));
  EXPECT_EQ(cfg.leavers.missing_from_source, defaults::leavers_missing_from_source);
  EXPECT_EQ(core::leaver_policy{}.missing_from_source, defaults::leavers_missing_from_source)
      << "core's own initializer agrees with the table";
  EXPECT_EQ(cfg.safety.max_deactivations, defaults::safety_max_deactivations);
  EXPECT_EQ(cfg.safety.max_deactivation_percent, defaults::safety_max_deactivation_percent);
  EXPECT_EQ(cfg.safety.max_creates, defaults::safety_max_creates);
  EXPECT_EQ(cfg.safety.max_updates, defaults::safety_max_updates);
  EXPECT_EQ(cfg.safety.max_adoptions, defaults::safety_max_adoptions);
  EXPECT_EQ(cfg.safety.max_source_shrink_percent, defaults::safety_max_source_shrink_percent);
  EXPECT_EQ(cfg.safety.min_listed_linked_percent, defaults::safety_min_listed_linked_percent);
  EXPECT_EQ(cfg.state.path, std::filesystem::path(std::string(defaults::state_path)));
  EXPECT_EQ(cfg.audit.retention, defaults::audit_retention);
  EXPECT_EQ(cfg.log.level, defaults::log_level_default);
  EXPECT_EQ(cfg.log.format, defaults::log_format_default);
  EXPECT_FALSE(cfg.metrics.listen);
  EXPECT_EQ(cfg.safety.max_reactivations, defaults::safety_max_reactivations);
  // The example acts on start dates, with the default provisioning window and state.
  ASSERT_TRUE(cfg.lifecycle);
  EXPECT_EQ(cfg.lifecycle->provision_before_start, defaults::lifecycle_provision_before_start);
  EXPECT_EQ(cfg.lifecycle->provision_state, defaults::lifecycle_provision_state);
  EXPECT_EQ(cfg.lifecycle->default_time_zone, "Europe/London");
  EXPECT_EQ(cfg.lifecycle->start_time, std::chrono::hours{8});
  EXPECT_FALSE(cfg.lifecycle->end_time);
}

TEST(example_config, shows_every_key) {
  const std::string text = slurp(example);
  for (const auto& path : known_config_keys()) {
    const auto leaf = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
    EXPECT_NE(text.find(leaf + ":"), std::string::npos) << path << " is not in the example config";
  }
}

TEST(example_config, maps_every_example_employee) {
  const auto cfg = load_config_file(example);
  core::user_mapper mapper(cfg.mapping, cfg.source.key);
  feed_csv(cfg.source.path, cfg.source.key, mapper);
  ASSERT_FALSE(mapper.header_error()) << *mapper.header_error();
  const auto r = mapper.finish();

  EXPECT_EQ(r.rows_read, 31U);
  EXPECT_EQ(r.out_of_scope, 1U);  // the contractor
  EXPECT_EQ(r.in_scope, 30U);
  EXPECT_TRUE(r.quarantined.empty()) << r.quarantined.front().detail;
  ASSERT_EQ(r.users.size(), 30U);
  EXPECT_NE(find_user(r, "00131"), nullptr);  // the upcoming hire
  EXPECT_EQ(r.users.front().key, "00101");    // leading zeros kept, sorted by key
  EXPECT_EQ(find_user(r, "00121"), nullptr);

  const auto* jose = find_user(r, "00104");
  ASSERT_NE(jose, nullptr);
  EXPECT_EQ(jose->get(core::attribute::user_name), "jose.garcia@example.com");
  EXPECT_EQ(jose->get(core::attribute::given_name), "José");
  EXPECT_EQ(jose->get(core::attribute::family_name), "García");
  EXPECT_EQ(jose->get(core::attribute::title), "Account Executive, Americas");
  EXPECT_EQ(jose->get(core::attribute::site), "Austin");
  EXPECT_EQ(jose->get(core::attribute::timezone), "America/Chicago");
  EXPECT_EQ(jose->get(core::attribute::locale), "en-US");
  EXPECT_EQ(jose->get(core::attribute::external_id), "00104");

  const auto* kate = find_user(r, "00114");
  ASSERT_NE(kate, nullptr);
  EXPECT_EQ(kate->get(core::attribute::given_name), "Kate");

  const auto* lukasz = find_user(r, "00105");
  ASSERT_NE(lukasz, nullptr);
  EXPECT_EQ(lukasz->get(core::attribute::given_name), "Łukasz");
  EXPECT_EQ(lukasz->get(core::attribute::site), "London HQ");
  EXPECT_EQ(lukasz->get(core::attribute::timezone), "Europe/London");
  EXPECT_EQ(lukasz->get(core::attribute::locale), "en-GB");

  const auto* leaver = find_user(r, "00115");
  ASSERT_NE(leaver, nullptr);
  EXPECT_FALSE(leaver->active);
  const auto* on_leave = find_user(r, "00116");
  ASSERT_NE(on_leave, nullptr);
  EXPECT_TRUE(on_leave->active);
  const auto* no_department = find_user(r, "00125");
  ASSERT_NE(no_department, nullptr);
  EXPECT_EQ(no_department->get(core::attribute::department), "Unassigned");
  EXPECT_EQ(find_user(r, "00106")->get(core::attribute::mobile_phone), "");
}

TEST(example_config, bad_rows_fixture_quarantines_one_row_per_problem) {
  const auto cfg =
      load_config_file(std::filesystem::path(EIGHTSYNC_FIXTURES_DIR) / "config" / "bad_rows.yaml");
  core::user_mapper mapper(cfg.mapping, cfg.source.key);
  feed_csv(cfg.source.path, cfg.source.key, mapper);
  ASSERT_FALSE(mapper.header_error());
  const auto r = mapper.finish();
  ASSERT_EQ(r.users.size(), 3U);
  EXPECT_EQ(r.users[0].key, "00201");
  EXPECT_EQ(r.users[1].key, "00204");
  EXPECT_EQ(r.users[2].key, "00209");
  std::vector<std::pair<std::size_t, core::quarantine_reason>> got;
  for (const auto& q : r.quarantined)
    got.emplace_back(q.line, q.reason);
  EXPECT_EQ(got, (std::vector<std::pair<std::size_t, core::quarantine_reason>>{
                     {3, core::quarantine_reason::empty_key},
                     {4, core::quarantine_reason::field_count},
                     {6, core::quarantine_reason::duplicate_key},
                     {7, core::quarantine_reason::duplicate_key},
                     {8, core::quarantine_reason::invalid_email},
                     {9, core::quarantine_reason::map_missing}}));
  EXPECT_EQ(r.rows_read, 9U);
}

}  // namespace
}  // namespace eightsync::config
