#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "core/attribute.hpp"

namespace eightsync::config {
namespace {

using namespace std::chrono_literals;
using testing::error_of;
using testing::errors_of;
using testing::load;
using testing::minimal;

// ---- values and defaults -----------------------------------------------------------------

TEST(config_loader, defaults_apply_to_everything_left_out) {
  const auto cfg = load(minimal());
  EXPECT_EQ(cfg.file, "/etc/eightsync/eightsync.yaml");
  EXPECT_EQ(cfg.source.type, core::source_type::csv);
  EXPECT_EQ(cfg.source.path, "/etc/eightsync/hr.csv");
  EXPECT_EQ(cfg.source.key, "employee_id");
  EXPECT_EQ(cfg.source.delimiter, ',');
  EXPECT_EQ(cfg.source.encoding, core::source_encoding::utf8);
  EXPECT_EQ(cfg.source.min_rows, 1U);
  EXPECT_EQ(cfg.source.key_normalize, core::key_normalization::none);
  EXPECT_EQ(cfg.source.max_record_bytes, 1048576U);
  EXPECT_EQ(cfg.target.url, "https://platform-cloud.8x8.com/udi/customers/C1/scim/v2");
  EXPECT_FALSE(cfg.target.token_file);
  EXPECT_FALSE(cfg.target.token_env);
  EXPECT_FALSE(cfg.target.has_token_source());
  EXPECT_FALSE(cfg.target.ca_file);
  EXPECT_FALSE(cfg.target.proxy);
  EXPECT_EQ(cfg.target.visibility, visibility_mode::all);
  EXPECT_EQ(cfg.target.page_size, 100U);
  EXPECT_EQ(cfg.target.timeout, 30s);
  EXPECT_EQ(cfg.target.max_snapshot_age, 15min);
  EXPECT_EQ(cfg.target.rate_limit.requests, 10U);
  EXPECT_EQ(cfg.target.rate_limit.per, 60s);
  EXPECT_EQ(cfg.target.retry.attempts, 5U);
  EXPECT_EQ(cfg.target.retry.base_delay, 1s);
  EXPECT_EQ(cfg.target.retry.max_delay, 60s);
  EXPECT_EQ(cfg.target.retry.max_pause, 1h);
  EXPECT_EQ(cfg.schedule.interval, 1h);
  EXPECT_EQ(cfg.schedule.full_reconcile, 24h);
  EXPECT_FALSE(cfg.schedule.on_source_change);
  EXPECT_EQ(cfg.match, (std::vector<core::match_key>{core::match_key::external_id, core::match_key::user_name,
                                                     core::match_key::email}));
  EXPECT_TRUE(cfg.protect.empty());
  EXPECT_EQ(cfg.leavers.missing_from_source, core::leaver_action::deactivate);
  EXPECT_EQ(cfg.safety.max_deactivations, 10U);
  EXPECT_EQ(cfg.safety.max_deactivation_percent, 5.0);
  EXPECT_EQ(cfg.safety.max_creates, 100U);
  EXPECT_EQ(cfg.safety.max_updates, 500U);
  EXPECT_EQ(cfg.safety.max_adoptions, 50U);
  EXPECT_EQ(cfg.safety.max_source_shrink_percent, 10.0);
  EXPECT_EQ(cfg.state.path, "/var/lib/eightsync/state.db");
  EXPECT_EQ(cfg.audit.retention, std::chrono::days{400});
  EXPECT_EQ(cfg.log.level, log_level::info);
  EXPECT_EQ(cfg.log.format, log_format::text);
  EXPECT_FALSE(cfg.metrics.listen);
  EXPECT_EQ(cfg.mapping.active(), nullptr);
  EXPECT_TRUE(cfg.mapping.scope().empty());
  EXPECT_TRUE(cfg.mapping.maps().empty());
  EXPECT_EQ(cfg.mapping.create_only_mask(), 1U);  // userName only
}

TEST(config_loader, every_key_set) {
  const auto cfg = load(R"(source:
  type: json
  path: /srv/hr/export.json
  key: " emp_no "
  delimiter: ";"
  encoding: cp1252
  min_rows: 0
  key_normalize: zero_pad
  key_width: 6
target:
  url: https://platform-cloud.8x8.com/udi/customers/C1/scim/v2/
  token_file: secrets/token
  ca_file: /etc/ssl/corp.pem
  proxy: http://proxy.example.com:3128
  visibility: idp_only
  page_size: 1000
  timeout: 1m30s
  max_snapshot_age: 500ms
  rate_limit: {requests: 20, per: 2m}
  retry: {attempts: 1, base_delay: 2s, max_delay: 2s, max_pause: 10m}
schedule:
  interval: 15m
  full_reconcile: 7d
  on_source_change: true
match: [email, externalId]
mapping:
  userName: "{mail}"
  name.givenName: "{first}"
  name.familyName: "{last}"
  email: "{mail}"
  site: "{office|map:sites}"
  active: "{status} != Terminated"
create_only: [site]
maps:
  sites: {London: London HQ, _default: Austin}
scope: ["{type} == Employee"]
protect: ["breakglass@*"]
leavers: {missing_from_source: ignore}
safety:
  max_deactivations: 0
  max_deactivation_percent: 2.5
  max_creates: 1
  max_updates: 2
  max_adoptions: 7
  max_source_shrink_percent: 100
state: {path: state/eightsync.db}
audit: {retention: 30d}
log: {level: debug, format: json}
metrics: {listen: "[::1]:9464"}
)");
  EXPECT_EQ(cfg.source.type, core::source_type::json);
  EXPECT_EQ(cfg.source.path, "/srv/hr/export.json");
  EXPECT_EQ(cfg.source.key, "emp_no");
  EXPECT_EQ(cfg.source.delimiter, ';');
  EXPECT_EQ(cfg.source.encoding, core::source_encoding::cp1252);
  EXPECT_EQ(cfg.source.min_rows, 0U);
  EXPECT_EQ(cfg.source.key_normalize, core::key_normalization::zero_pad);
  EXPECT_EQ(cfg.source.key_width, 6U);
  EXPECT_EQ(cfg.target.url, "https://platform-cloud.8x8.com/udi/customers/C1/scim/v2");
  EXPECT_EQ(cfg.target.token_file, std::filesystem::path("/etc/eightsync/secrets/token"));
  EXPECT_EQ(cfg.target.ca_file, std::filesystem::path("/etc/ssl/corp.pem"));
  EXPECT_EQ(cfg.target.proxy, "http://proxy.example.com:3128");
  EXPECT_EQ(cfg.target.visibility, visibility_mode::idp_only);
  EXPECT_EQ(cfg.target.page_size, 1000U);
  EXPECT_EQ(cfg.target.timeout, 90s);
  EXPECT_EQ(cfg.target.max_snapshot_age, 500ms);
  EXPECT_EQ(cfg.target.rate_limit.requests, 20U);
  EXPECT_EQ(cfg.target.rate_limit.per, 2min);
  EXPECT_EQ(cfg.target.retry.attempts, 1U);
  EXPECT_EQ(cfg.target.retry.base_delay, 2s);
  EXPECT_EQ(cfg.target.retry.max_delay, 2s);
  EXPECT_EQ(cfg.target.retry.max_pause, 10min);
  EXPECT_EQ(cfg.schedule.interval, 15min);
  EXPECT_EQ(cfg.schedule.full_reconcile, 168h);
  EXPECT_TRUE(cfg.schedule.on_source_change);
  EXPECT_EQ(cfg.match, (std::vector<core::match_key>{core::match_key::email, core::match_key::external_id}));
  EXPECT_TRUE(cfg.mapping.owns(core::attribute::site));
  EXPECT_TRUE(cfg.mapping.is_create_only(core::attribute::site));
  ASSERT_NE(cfg.mapping.active(), nullptr);
  EXPECT_EQ(cfg.mapping.active()->text(), "{status} != Terminated");
  ASSERT_EQ(cfg.mapping.scope().size(), 1U);
  ASSERT_EQ(cfg.mapping.maps().size(), 1U);
  EXPECT_TRUE(cfg.mapping.maps()[0].has_default());
  EXPECT_EQ(cfg.protect, std::vector<std::string>{"breakglass@*"});
  EXPECT_TRUE(cfg.matches_protect("BreakGlass@example.com"));
  EXPECT_FALSE(cfg.matches_protect("jane@example.com"));
  EXPECT_EQ(cfg.leavers.missing_from_source, core::leaver_action::ignore);
  EXPECT_EQ(cfg.safety.max_deactivations, 0U);
  EXPECT_EQ(cfg.safety.max_deactivation_percent, 2.5);
  EXPECT_EQ(cfg.safety.max_creates, 1U);
  EXPECT_EQ(cfg.safety.max_updates, 2U);
  EXPECT_EQ(cfg.safety.max_adoptions, 7U);
  EXPECT_EQ(cfg.safety.max_source_shrink_percent, 100.0);
  EXPECT_EQ(cfg.state.path, "/etc/eightsync/state/eightsync.db");
  EXPECT_EQ(cfg.audit.retention, std::chrono::days{30});
  EXPECT_EQ(cfg.log.level, log_level::debug);
  EXPECT_EQ(cfg.log.format, log_format::json);
  EXPECT_EQ(cfg.metrics.listen, "[::1]:9464");
}

TEST(config_loader, relative_paths_resolve_against_the_config_directory) {
  auto cfg = load_config_text(minimal("state: {path: ../var/state.db}\n"),
                              "/opt/eightsync/conf/eightsync.yaml", testing::fake_env({}));
  EXPECT_EQ(cfg.source.path, "/opt/eightsync/conf/hr.csv");
  EXPECT_EQ(cfg.state.path, "/opt/eightsync/var/state.db");
  auto here = load_config_text(minimal(), "eightsync.yaml", testing::fake_env({}));
  EXPECT_EQ(here.source.path, "hr.csv");
}

TEST(config_loader, token_defaults_to_the_systemd_credential) {
  auto cfg = load(minimal(), {{"CREDENTIALS_DIRECTORY", "/run/credentials/eightsync.service"}});
  EXPECT_EQ(cfg.target.token_file,
            std::filesystem::path("/run/credentials/eightsync.service/eightsync-token"));
  EXPECT_FALSE(cfg.target.token_env);
  EXPECT_TRUE(cfg.target.has_token_source());
}

TEST(config_loader, token_env_names_a_variable_and_wins_over_the_credential_default) {
  auto cfg = load(R"(source: {path: hr.csv, key: id}
target:
  url: http://127.0.0.1:8443/scim/v2
  token_env: EIGHTSYNC_TOKEN
mapping: {userName: "{e}", name.givenName: "{f}", name.familyName: "{l}", email: "{e}"}
)",
                  {{"CREDENTIALS_DIRECTORY", "/run/credentials/x"}});
  EXPECT_EQ(cfg.target.token_env, "EIGHTSYNC_TOKEN");
  EXPECT_FALSE(cfg.target.token_file);
}

TEST(config_loader, environment_variables_expand_in_values) {
  auto cfg = load(R"(source:
  path: ${HR_DIR}/hr.csv
  key: employee_id
target:
  url: https://${EIGHTX8_HOST}/udi/customers/${CUSTOMER}/scim/v2
mapping:
  userName: "{email}"
  name.givenName: "{first}"
  name.familyName: "{last}"
  email: "{email}@${DOMAIN}"
  title: "cost $5, literal $${NOT_A_VAR}"
)",
                  {{"HR_DIR", "/srv/hr"},
                   {"EIGHTX8_HOST", "platform-cloud.8x8.com"},
                   {"CUSTOMER", "0012"},
                   {"DOMAIN", "example.com"}});
  EXPECT_EQ(cfg.source.path, "/srv/hr/hr.csv");
  EXPECT_EQ(cfg.target.url, "https://platform-cloud.8x8.com/udi/customers/0012/scim/v2");
  EXPECT_EQ(cfg.mapping.template_for(core::attribute::email)->text(), "{email}@example.com");
  EXPECT_EQ(cfg.mapping.template_for(core::attribute::title)->text(), "cost $5, literal ${NOT_A_VAR}");
}

TEST(config_loader, rate_limit_shorthand) {
  auto per = load(minimal().replace(minimal().find("mapping:"), 0, "  rate_limit: 30 per 1m\n"));
  EXPECT_EQ(per.target.rate_limit.requests, 30U);
  EXPECT_EQ(per.target.rate_limit.per, 1min);
  auto cfg = load(minimal().replace(minimal().find("mapping:"), 0, "  rate_limit: 5/10s\n"));
  EXPECT_EQ(cfg.target.rate_limit.requests, 5U);
  EXPECT_EQ(cfg.target.rate_limit.per, 10s);
}

TEST(config_loader, empty_sections_and_keys_mean_defaults) {
  auto cfg = load(minimal("schedule:\nmetrics:\n  listen:\nscope:\nprotect: []\n"));
  EXPECT_EQ(cfg.schedule.interval, 1h);
  EXPECT_FALSE(cfg.metrics.listen);
}

// failing.manual_action_after: 5 by default, 1 to 1000; anything else names the key and the range.
TEST(config_loader, failing_manual_action_after_is_a_count_from_1_to_1000) {
  EXPECT_EQ(load(minimal()).failing.manual_action_after, 5U);
  EXPECT_EQ(load(minimal("failing:\n  manual_action_after: 12\n")).failing.manual_action_after, 12U);
  for (const char* bad : {"0", "1001", "five", "-1"}) {
    const std::string e = error_of(minimal(std::string("failing:\n  manual_action_after: ") + bad + "\n"));
    EXPECT_NE(e.find("failing.manual_action_after: expected a whole number from 1 to 1000, found \"" +
                     std::string(bad) + "\""),
              std::string::npos)
        << e;
  }
}

// target.site_schema: auto (the default), or one of 8x8's two site extension URNs, exactly.
TEST(config_loader, site_schema_is_auto_or_one_of_the_two_urns) {
  EXPECT_EQ(load(minimal()).target.site_schema, "auto");
  const std::string urn2 = "urn:8x8:scim:schemas:extension:8x8user:2.0:User";
  EXPECT_EQ(load(minimal().replace(minimal().find("mapping:"), 0, "  site_schema: " + urn2 + "\n"))
                .target.site_schema,
            urn2);
  const std::string e =
      error_of(minimal().replace(minimal().find("mapping:"), 0, "  site_schema: urn:8x8:scim:2.0:user\n"));
  EXPECT_NE(
      e.find("target.site_schema: expected auto, urn:ietf:params:scim:schemas:extension:8x8:1.1:User or " +
             urn2 + ", found \"urn:8x8:scim:2.0:user\""),
      std::string::npos)
      << e;
}

TEST(config_loader, known_keys) {
  const auto keys = known_config_keys();
  EXPECT_EQ(keys.size(), 65U);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "safety.max_adoptions"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "audit.retention"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "target.retry.max_pause"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "source.max_record_bytes"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "source.settle"), keys.end());
  EXPECT_EQ(keys.front(), "source.type");
  EXPECT_NE(std::find(keys.begin(), keys.end(), "target.rate_limit.per"), keys.end());
  EXPECT_EQ(keys.back(), "metrics.listen");
}

// ---- one test per error kind, exact messages -----------------------------------------------

TEST(config_errors, unknown_key_with_did_you_mean) {
  EXPECT_EQ(error_of(R"(source:
  path: hr.csv
  key: id
  delimter: ";"
target: {url: https://x.example.com/scim/v2}
mapping: {userName: "{e}", name.givenName: "{f}", name.familyName: "{l}", email: "{e}"}
)"),
            "cfg.yaml:4:3: source.delimter: expected a key of source (type, path, key, delimiter, encoding, "
            "min_rows, "
            "key_normalize, key_width, max_record_bytes, settle, ready_file or max_age), found unknown key "
            "\"delimter\"; did you mean "
            "\"delimiter\"?");
}

TEST(config_errors, unknown_top_level_key) {
  EXPECT_EQ(
      error_of(minimal("sceduled: {}\n")),
      "cfg.yaml:11:1: sceduled: expected a top-level section (source, target, schedule, match, mapping, "
      "create_only, maps, scope, protect, leavers, lifecycle, safety, failing, state, audit, log or "
      "metrics), "
      "found "
      "unknown key "
      "\"sceduled\"; did you mean \"schedule\"?");
}

TEST(config_errors, a_token_in_the_config_is_refused_with_a_hint) {
  EXPECT_EQ(
      error_of(minimal().replace(minimal().find("mapping:"), 0, "  token: s3cr3t\n")),
      "cfg.yaml:6:3: target.token: expected a key of target (url, token_file, token_env, ca_file, proxy, "
      "visibility, site_schema, page_size, timeout, max_snapshot_age, rate_limit, retry or "
      "listing_max_duration), found "
      "unknown key \"token\"; "
      "the "
      "token never goes in the config: use token_file or token_env");
}

TEST(config_errors, wrong_type) {
  EXPECT_EQ(error_of(minimal("schedule:\n  on_source_change: yes\n")),
            "cfg.yaml:12:21: schedule.on_source_change: expected true or false, found \"yes\"");
  EXPECT_EQ(error_of(minimal("log: [info]\n")),
            "cfg.yaml:11:6: log: expected a mapping of level or format, found a list");
  EXPECT_EQ(error_of(minimal("safety:\n  max_creates: lots\n")),
            "cfg.yaml:12:16: safety.max_creates: expected a whole number of at least 0, found \"lots\"");
  EXPECT_EQ(error_of(minimal("protect: breakglass@*\n")),
            "cfg.yaml:11:10: protect: expected a list of userName patterns such as [\"breakglass@*\"], found "
            "\"breakglass@*\"");
}

TEST(config_errors, bad_duration) {
  EXPECT_EQ(
      error_of(minimal("schedule: {interval: 30}\n")),
      "cfg.yaml:11:22: schedule.interval: expected a duration such as 30s, 15m or 24h, found \"30\"; add a "
      "unit, e.g. \"30s\"");
  EXPECT_EQ(
      error_of(minimal("schedule: {interval: 5 minutes}\n")),
      "cfg.yaml:11:22: schedule.interval: expected a duration such as 30s, 15m or 24h, found \"5 minutes\"");
  EXPECT_EQ(error_of(minimal("schedule: {full_reconcile: 0s}\n")),
            "cfg.yaml:11:28: schedule.full_reconcile: expected a duration greater than 0s, found \"0s\"");
}

TEST(config_errors, bad_audit_retention) {
  EXPECT_EQ(
      error_of(minimal("audit: {retention: 400}\n")),
      "cfg.yaml:11:20: audit.retention: expected a duration such as 30s, 15m or 24h, found \"400\"; add a "
      "unit, e.g. \"400s\"");
  EXPECT_EQ(error_of(minimal("audit: {retention: 0d}\n")),
            "cfg.yaml:11:20: audit.retention: expected a duration greater than 0s, found \"0d\"");
  EXPECT_EQ(error_of(minimal("audit: {retension: 30d}\n")),
            "cfg.yaml:11:9: audit.retension: expected a key of audit (retention), found unknown key "
            "\"retension\"; did "
            "you mean \"retention\"?");
}

TEST(config_errors, bad_rate_limit) {
  auto with = [](std::string_view line) {
    std::string y = minimal();
    return y.replace(y.find("mapping:"), 0, std::string(line) + "\n");
  };
  EXPECT_EQ(
      error_of(with("  rate_limit: ten a minute")),
      "cfg.yaml:6:15: target.rate_limit: expected a rate such as \"10 per 60s\" or {requests: 10, per: 60s}, "
      "found \"ten a minute\"");
  EXPECT_EQ(
      error_of(with("  rate_limit: {requests: 0, per: 1m}")),
      "cfg.yaml:6:26: target.rate_limit.requests: expected a whole number from 1 to 1000000, found \"0\"");
  EXPECT_EQ(
      error_of(with("  rate_limit: {requests: 10, per: forever}")),
      "cfg.yaml:6:35: target.rate_limit.per: expected a duration such as 30s, 15m or 24h, found \"forever\"");
}

TEST(config_errors, missing_required_keys) {
  EXPECT_EQ(
      errors_of(R"(source:
  type: csv
target: {}
mapping: {userName: "{e}", name.givenName: "{f}", name.familyName: "{l}", email: "{e}"}
)"),
      (std::vector<std::string>{
          "cfg.yaml:2:3: source.path: expected the HR export's file path, found nothing (this key is "
          "required)",
          "cfg.yaml:2:3: source.key: expected the HR column that holds each person's unique key, found "
          "nothing "
          "(this key is required)",
          "cfg.yaml:3:9: target.url: expected an https:// URL such as "
          "https://platform-cloud.8x8.com/udi/customers/CUSTOMER_ID/scim/v2, found nothing (this key is "
          "required)"}));
}

TEST(config_errors, missing_required_mappings_say_why) {
  EXPECT_EQ(error_of(R"(source: {path: hr.csv, key: id}
target: {url: https://x.example.com/scim/v2}
mapping:
  userName: "{email}"
  email: "{email}"
)"),
            "cfg.yaml:4:3: mapping: expected templates for userName, name.givenName, name.familyName and "
            "email (8x8 "
            "needs all four to create a user), found none for name.givenName and name.familyName");
  EXPECT_EQ(
      error_of("source: {path: hr.csv, key: id}\ntarget: {url: https://x.example.com/scim/v2}\n"),
      "cfg.yaml:1:1: mapping: expected templates for userName, name.givenName, name.familyName and email "
      "(8x8 "
      "needs all four to create a user), found none for userName, name.givenName, name.familyName and email");
}

TEST(config_errors, unset_environment_variable) {
  EXPECT_EQ(
      error_of(R"(source:
  path: ${HR_DIR}/hr.csv
  key: id
target: {url: https://x.example.com/scim/v2}
mapping: {userName: "{e}", name.givenName: "{f}", name.familyName: "{l}", email: "{e}"}
)"),
      "cfg.yaml:2:9: source.path: expected environment variable HR_DIR to be set (the value uses ${HR_DIR}), "
      "found it unset");
  EXPECT_EQ(
      error_of(minimal("state: {path: \"/x/${BAD-NAME}\"}\n")),
      "cfg.yaml:11:19: state.path: expected an environment variable name such as ${HR_EXPORT_DIR}, found "
      "\"${BAD-NAME}\"");
  EXPECT_EQ(error_of(minimal("state:\n  path: /x/${OPEN\n")),
            "cfg.yaml:12:12: state.path: expected } to close ${, found the end of the value");
}

TEST(config_errors, set_but_empty_variable_is_not_an_error) {
  auto cfg = load(minimal("state: {path: \"/x${EMPTY}/state.db\"}\n"), {{"EMPTY", ""}});
  EXPECT_EQ(cfg.state.path, "/x/state.db");
}

TEST(config_errors, yaml_syntax_error) {
  EXPECT_EQ(error_of("source:\n  path: [hr.csv\n  key: id\n"),
            "cfg.yaml:3:6: expected valid YAML, found a syntax error: end of sequence flow not found");
  EXPECT_EQ(
      error_of("log:\n  level: info\n\tformat: text\n"),
      "cfg.yaml:3:1: expected valid YAML, found a syntax error: illegal tab when looking for indentation");
  EXPECT_EQ(error_of(minimal("scope:\n  - {type} == Employee\n")),
            "cfg.yaml:12:12: expected valid YAML, found a syntax error: end of sequence not found; put "
            "templates and "
            "conditions in quotes");
}

TEST(config_errors, empty_or_non_mapping_document) {
  EXPECT_EQ(error_of("# nothing here\n"),
            "cfg.yaml:1:1: expected a mapping with the sections source, target and mapping, found an empty "
            "document");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "cfg.yaml:1:1: expected a mapping with the sections source, target and mapping, found a list");
}

TEST(config_errors, unwritable_attribute_says_why) {
  EXPECT_EQ(error_of(minimal("  id: \"{employee_id}\"\n")),
            "cfg.yaml:11:3: mapping.id: expected an attribute SCIM can write, found \"id\": 8x8 generates "
            "the id; it "
            "is read-only");
  EXPECT_EQ(
      error_of(minimal("  workPhone: \"{phone}\"\n")),
      "cfg.yaml:11:3: mapping.workPhone: expected an attribute SCIM can write, found \"workPhone\": the work "
      "phone number cannot be set through SCIM; assign it in Admin Console");
  EXPECT_EQ(error_of(minimal("  costCenter: \"{cc}\"\n")),
            "cfg.yaml:11:3: mapping.costCenter: expected an attribute SCIM can write, found \"costCenter\": "
            "the cost "
            "center cannot be set through SCIM; set it in Admin Console");
}

TEST(config_errors, unknown_attribute) {
  EXPECT_EQ(
      error_of(minimal("  titel: \"{title}\"\n")),
      "cfg.yaml:11:3: mapping.titel: expected an 8x8 attribute (userName, name.givenName, name.familyName, "
      "email, externalId, title, locale, timezone, department, site, mobilePhone or active), found "
      "\"titel\"; "
      "did you mean \"title\"?");
  EXPECT_EQ(error_of(minimal("  nickname: \"{nick}\"\n")),
            "cfg.yaml:11:3: mapping.nickname: expected an 8x8 attribute (userName, name.givenName, "
            "name.familyName, "
            "email, externalId, title, locale, timezone, department, site, mobilePhone or active), found "
            "\"nickname\"");
}

TEST(config_errors, unknown_filter_with_position) {
  EXPECT_EQ(
      error_of(minimal("  title: \"{title|trim|lowr}\"\n")),
      "cfg.yaml:11:23: mapping.title: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT or "
      "map:NAME), found \"lowr\"; did you mean \"lower\"?");
  // Plain and single-quoted scalars point right too.
  EXPECT_EQ(
      error_of(minimal("  title: x{title|nope}\n")),
      "cfg.yaml:11:18: mapping.title: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT or "
      "map:NAME), found \"nope\"");
  EXPECT_EQ(error_of(minimal("  title: 'it''s {title|nope}'\n")).substr(0, 16), "cfg.yaml:11:24: ");
}

TEST(config_errors, unquoted_template_gets_a_hint) {
  EXPECT_EQ(
      error_of(minimal("  title: {title}\n")),
      "cfg.yaml:11:10: mapping.title: expected a template such as \"{first_name}\", found a mapping; put "
      "templates and conditions in quotes");
}

TEST(config_errors, unknown_map) {
  EXPECT_EQ(error_of(minimal("  site: \"{office|map:sites}\"\nmaps:\n  office_site: {London: LON}\n")),
            "cfg.yaml:11:22: mapping.site: expected a map defined under maps (office_site), found \"sites\"");
}

TEST(config_errors, bad_operator) {
  EXPECT_EQ(error_of(minimal("  active: \"{status} = Active\"\n")),
            "cfg.yaml:11:21: mapping.active: expected an operator (==, !=, in or not in), found \"=\"");
  EXPECT_EQ(error_of(minimal("scope:\n  - \"{type} == Employee\"\n  - \"{office} is London\"\n")),
            "cfg.yaml:13:15: scope[1]: expected an operator (==, !=, in or not in), found \"is\"");
}

TEST(config_errors, create_only_must_name_a_mapped_attribute) {
  EXPECT_EQ(error_of(minimal("create_only: [site]\n")),
            "cfg.yaml:11:15: create_only[0]: expected an attribute mapped under mapping, found \"site\", "
            "which is not "
            "mapped");
  EXPECT_EQ(
      error_of(minimal("create_only: [active]\n")),
      "cfg.yaml:11:15: create_only[0]: expected an attribute other than active (active follows HR on every "
      "cycle), found \"active\"");
  EXPECT_EQ(
      error_of(minimal("create_only: [id]\n")),
      "cfg.yaml:11:15: create_only[0]: expected an attribute SCIM can write, found \"id\": 8x8 generates the "
      "id; it is read-only");
}

TEST(config_errors, bad_enum_value) {
  EXPECT_EQ(error_of(minimal().replace(minimal().find("target:"), 0, "  encoding: utf8\n")),
            "cfg.yaml:4:13: source.encoding: expected utf-8, cp1252 or latin1, found \"utf8\"; did you mean "
            "\"utf-8\"?");
  EXPECT_EQ(error_of(minimal("log: {level: verbose}\n")),
            "cfg.yaml:11:14: log.level: expected trace, debug, info, warn, error, critical or off, found "
            "\"verbose\"");
  EXPECT_EQ(error_of(minimal("leavers: {missing_from_source: delete}\n")),
            "cfg.yaml:11:32: leavers.missing_from_source: expected deactivate or ignore, found \"delete\"");
}

TEST(config_errors, out_of_range_numbers) {
  auto with_target = [](std::string_view line) {
    std::string y = minimal();
    return y.replace(y.find("mapping:"), 0, std::string(line) + "\n");
  };
  EXPECT_EQ(error_of(with_target("  page_size: 5000")),
            "cfg.yaml:6:14: target.page_size: expected a whole number from 1 to 1000, found \"5000\"");
  EXPECT_EQ(error_of(with_target("  page_size: -1")),
            "cfg.yaml:6:14: target.page_size: expected a whole number from 1 to 1000, found \"-1\"");
  EXPECT_EQ(
      error_of(minimal("safety: {max_deactivation_percent: 150}\n")),
      "cfg.yaml:11:36: safety.max_deactivation_percent: expected a number from 0 to 100, found \"150\"");
  EXPECT_EQ(
      error_of(minimal("safety: {max_source_shrink_percent: 5%}\n")),
      "cfg.yaml:11:37: safety.max_source_shrink_percent: expected a number from 0 to 100, found \"5%\"");
  EXPECT_EQ(error_of(with_target("  retry: {attempts: 0}")),
            "cfg.yaml:6:21: target.retry.attempts: expected a whole number from 1 to 100, found \"0\"");
}

TEST(config_errors, http_url_to_a_non_loopback_host) {
  auto with_url = [](std::string_view url) {
    std::string y = minimal();
    const auto at = y.find("https://platform");
    return y.replace(at, y.find('\n', at) - at, std::string(url));
  };
  EXPECT_EQ(
      error_of(with_url("http://scim.example.com/scim/v2")),
      "cfg.yaml:5:8: target.url: expected an https:// URL (http:// is allowed only for 127.0.0.1, localhost "
      "and [::1]), found \"http://scim.example.com/scim/v2\"");
  EXPECT_EQ(load(with_url("http://127.0.0.1:8443/scim/v2")).target.url, "http://127.0.0.1:8443/scim/v2");
  EXPECT_EQ(load(with_url("http://localhost/scim/v2")).target.url, "http://localhost/scim/v2");
  EXPECT_EQ(load(with_url("http://[::1]:8443/scim/v2")).target.url, "http://[::1]:8443/scim/v2");
  EXPECT_EQ(
      error_of(with_url("ftp://x.example.com/")),
      "cfg.yaml:5:8: target.url: expected an https:// URL such as "
      "https://platform-cloud.8x8.com/udi/customers/CUSTOMER_ID/scim/v2, found \"ftp://x.example.com/\"");
  // Never echo what may be a password.
  EXPECT_EQ(error_of(with_url("https://admin:hunter2@x.example.com/scim/v2")),
            "cfg.yaml:5:8: target.url: expected an https:// URL such as "
            "https://platform-cloud.8x8.com/udi/customers/CUSTOMER_ID/scim/v2, found a user name or password "
            "in the "
            "URL");
  EXPECT_EQ(error_of(with_url("https://x.example.com:99999/scim/v2")).substr(0, 30),
            "cfg.yaml:5:8: target.url: expe");
}

TEST(config_errors, token_sources) {
  auto with_target = [](std::string_view lines) {
    std::string y = minimal();
    return y.replace(y.find("mapping:"), 0, std::string(lines));
  };
  EXPECT_EQ(error_of(with_target("  token_file: /etc/eightsync/token\n  token_env: EIGHTSYNC_TOKEN\n")),
            "cfg.yaml:7:14: target.token_env: expected either token_file or token_env, found both");
  EXPECT_EQ(
      error_of(with_target("  token_env: $TOKEN\n")),
      "cfg.yaml:6:14: target.token_env: expected an environment variable name such as EIGHTSYNC_TOKEN, found "
      "\"$TOKEN\"");
}

TEST(config_errors, several_errors_are_reported_together_in_file_order) {
  EXPECT_EQ(
      errors_of(R"(source:
  path: hr.csv
  encoding: ascii
target:
  url: http://scim.example.com
  page_size: 0
  timeout: 30
mapping:
  userName: "{email|lowr}"
  name.givenName: "{first}"
  name.familyName: "{last}"
  email: "{email}"
  id: "{employee_id}"
safety:
  max_deactivation_percent: 101
)"),
      (std::vector<std::string>{
          "cfg.yaml:2:3: source.key: expected the HR column that holds each person's unique key, found "
          "nothing "
          "(this key is required)",
          "cfg.yaml:3:13: source.encoding: expected utf-8, cp1252 or latin1, found \"ascii\"",
          "cfg.yaml:5:8: target.url: expected an https:// URL (http:// is allowed only for 127.0.0.1, "
          "localhost and [::1]), found \"http://scim.example.com\"",
          "cfg.yaml:6:14: target.page_size: expected a whole number from 1 to 1000, found \"0\"",
          "cfg.yaml:7:12: target.timeout: expected a duration such as 30s, 15m or 24h, found \"30\"; add a "
          "unit, e.g. \"30s\"",
          "cfg.yaml:9:21: mapping.userName: expected a filter (lower, upper, trim, or:COLUMN, default:TEXT "
          "or "
          "map:NAME), found \"lowr\"; did you mean \"lower\"?",
          "cfg.yaml:13:3: mapping.id: expected an attribute SCIM can write, found \"id\": 8x8 generates the "
          "id; it is read-only",
          "cfg.yaml:15:29: safety.max_deactivation_percent: expected a number from 0 to 100, found \"101\"",
      }));
}

TEST(config_errors, config_error_what_joins_every_message) {
  try {
    load_config_text("source: 1\n", "c.yaml", testing::fake_env({}));
    FAIL();
  } catch (const config_error& e) {
    ASSERT_GE(e.errors().size(), 2U);
    EXPECT_EQ(std::string(e.what()).substr(0, e.errors()[0].size() + 1), e.errors()[0] + "\n");
  }
}

TEST(config_errors, duplicate_keys) {
  EXPECT_EQ(error_of(minimal("log: {level: info}\nlog: {level: debug}\n")),
            "cfg.yaml:12:1: log: expected each key once, found \"log\" again (first on line 11)");
  EXPECT_EQ(
      error_of(minimal("  email: \"{mail}\"\n")),
      "cfg.yaml:11:3: mapping.email: expected each attribute once, found \"email\" again (first on line 10)");
}

TEST(config_errors, match_list) {
  EXPECT_EQ(error_of(minimal("match: [externalId, mail]\n")),
            "cfg.yaml:11:21: match[1]: expected externalId, userName or email, found \"mail\"; did you mean "
            "\"email\"?");
  EXPECT_EQ(error_of(minimal("match: [userName, userName]\n")),
            "cfg.yaml:11:19: match[1]: expected each match key once, found \"userName\" again");
  EXPECT_EQ(error_of(minimal("match: []\n")),
            "cfg.yaml:11:8: match: expected a list of externalId, userName and email, in the order to try "
            "them, found "
            "an empty list");
}

TEST(config_errors, key_width_goes_with_zero_pad) {
  auto with_source = [](std::string_view lines) {
    std::string y = minimal();
    return y.replace(y.find("target:"), 0, std::string(lines));
  };
  EXPECT_EQ(
      error_of(with_source("  key_normalize: zero_pad\n")),
      "cfg.yaml:2:3: source.key_width: expected a width from 1 to 64 (key_normalize: zero_pad pads to it), "
      "found nothing");
  EXPECT_EQ(error_of(with_source("  key_width: 5\n")),
            "cfg.yaml:4:14: source.key_width: expected key_width only with key_normalize: zero_pad, found "
            "key_normalize: none");
  EXPECT_EQ(error_of(with_source("  key_normalize: zero_pad\n  key_width: 65\n")),
            "cfg.yaml:5:14: source.key_width: expected a whole number from 1 to 64, found \"65\"");
}

TEST(config_errors, retry_delays) {
  std::string y = minimal();
  y.replace(y.find("mapping:"), 0, "  retry: {base_delay: 2m}\n");
  EXPECT_EQ(
      error_of(y),
      "cfg.yaml:6:10: target.retry.max_delay: expected a duration of at least base_delay (2m), found \"1m\"");
}

TEST(config_errors, retry_max_pause_is_one_second_to_a_week) {
  const auto with_pause = [](std::string_view d) {
    std::string y = minimal();
    y.replace(y.find("mapping:"), 0, "  retry: {max_pause: " + std::string(d) + "}\n");
    return y;
  };
  EXPECT_EQ(error_of(with_pause("500ms")),
            "cfg.yaml:6:22: target.retry.max_pause: expected a duration from 1s to 7d, found \"500ms\"");
  EXPECT_EQ(error_of(with_pause("8d")),
            "cfg.yaml:6:22: target.retry.max_pause: expected a duration from 1s to 7d, found \"8d\"");
  EXPECT_EQ(
      error_of(with_pause("soon")),
      "cfg.yaml:6:22: target.retry.max_pause: expected a duration such as 30s, 15m or 24h, found \"soon\"");
  EXPECT_EQ(testing::load(with_pause("7d")).target.retry.max_pause, std::chrono::days{7});
}

TEST(config_errors, delimiter_is_one_character) {
  std::string y = minimal();
  y.replace(y.find("target:"), 0, "  delimiter: \";;\"\n");
  EXPECT_EQ(
      error_of(y),
      "cfg.yaml:4:14: source.delimiter: expected one character such as \",\" or \";\" (\"\\t\" for a tab), "
      "found \";;\"");
  std::string tab = minimal();
  tab.replace(tab.find("target:"), 0, "  delimiter: \"\\t\"\n");
  EXPECT_EQ(load(tab).source.delimiter, '\t');
}

TEST(config_errors, listen_and_proxy_addresses) {
  EXPECT_EQ(error_of(minimal("metrics: {listen: 9464}\n")),
            "cfg.yaml:11:19: metrics.listen: expected HOST:PORT such as 127.0.0.1:9464, found \"9464\"");
  // Loopback only: /metrics has no authentication.
  EXPECT_EQ(
      error_of(minimal("metrics: {listen: \"0.0.0.0:9464\"}\n")),
      "cfg.yaml:11:19: metrics.listen: \"0.0.0.0:9464\" is not a loopback address: the metrics endpoint "
      "has no authentication, so eightsync serves it on 127.0.0.1, [::1] or localhost only (scrape it "
      "from this machine, or through a proxy that adds authentication)");
  EXPECT_NE(error_of(minimal("metrics: {listen: \"192.168.1.5:9464\"}\n")).find("is not a loopback address"),
            std::string::npos);
  EXPECT_NE(error_of(minimal("metrics: {listen: \"[::]:9464\"}\n")).find("is not a loopback address"),
            std::string::npos);
  EXPECT_NE(error_of(minimal("metrics: {listen: \"127.0.0.1:65536\"}\n")).find("expected HOST:PORT"),
            std::string::npos);
  for (const char* ok : {"127.0.0.1:9464", "127.1.2.3:9464", "localhost:9464", "[::1]:9464", "127.0.0.1:0"})
    EXPECT_EQ(load(minimal(std::string("metrics: {listen: \"") + ok + "\"}\n")).metrics.listen, ok) << ok;
  std::string y = minimal();
  y.replace(y.find("mapping:"), 0, "  proxy: proxy.example.com:3128\n");
  EXPECT_EQ(error_of(y),
            "cfg.yaml:6:10: target.proxy: expected a proxy URL such as http://proxy.example.com:3128, found "
            "\"proxy.example.com:3128\"");
}

TEST(config_errors, map_tables) {
  EXPECT_EQ(error_of(minimal("maps:\n  sites:\n    London: A\n    \" london\": B\n")),
            "cfg.yaml:14:5: maps.sites. london: expected each key once (compared case-insensitively after "
            "trimming), found \" london\", which repeats \"London\"");
  EXPECT_EQ(error_of(minimal("maps:\n  sites:\n    London:\n")),
            "cfg.yaml:13:5: maps.sites.London: expected a text value (\"\" for empty), found nothing");
  EXPECT_EQ(
      error_of(minimal("maps:\n  office sites: {a: b}\n")),
      "cfg.yaml:12:3: maps.office sites: expected a map name of letters, digits, _ and -, found \"office "
      "sites\"");
  EXPECT_EQ(error_of(minimal("maps:\n  sites: [a, b]\n")),
            "cfg.yaml:12:10: maps.sites: expected a table of HR values to 8x8 values, such as {London: "
            "Europe/London}, found a list");
}

TEST(config_errors, scope_items_are_conditions) {
  EXPECT_EQ(error_of(minimal("scope:\n  - {type}\n")),
            "cfg.yaml:12:5: scope[0]: expected a condition such as \"{office} in [London, Austin]\", found a "
            "mapping; "
            "put templates and conditions in quotes");
  EXPECT_EQ(error_of(minimal("scope: [\"{type} in Employee\"]\n")),
            "cfg.yaml:11:20: scope[0]: expected a list like [a, b] after in, found \"Employee\"");
}

TEST(config_loader, load_config_file_reads_a_file_and_reports_an_unreadable_one) {
  const std::filesystem::path fixture =
      std::filesystem::path(EIGHTSYNC_FIXTURES_DIR) / "config" / "bad_rows.yaml";
  const auto cfg = load_config_file(fixture);
  EXPECT_EQ(cfg.file, fixture);
  EXPECT_EQ(cfg.source.path, (fixture.parent_path() / "hr_with_bad_rows.csv").lexically_normal());

  try {
    load_config_file("/nonexistent/eightsync.yaml");
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(e.errors(),
              std::vector<std::string>{
                  "/nonexistent/eightsync.yaml: expected a readable config file, found No such file or "
                  "directory"});
  }
}

}  // namespace
}  // namespace eightsync::config
