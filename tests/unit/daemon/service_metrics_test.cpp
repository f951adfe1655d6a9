#include "daemon/service_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/audit_rows.hpp"

namespace eightsync::daemon {
namespace {

using namespace std::chrono_literals;

const core::clock::time_point started = core::clock::time_point{} + 1'700'000'000s;

// The sample line for `series` (name plus labels), or "" when it is absent.
std::string line_of(const std::string& text, const std::string& series) {
  std::size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      const auto end = text.find('\n', pos);
      return text.substr(pos, end - pos);
    }
    pos += series.size();
  }
  return "";
}

TEST(service_metrics, fresh_service_exports_every_family_with_zeros) {
  const service_metrics m("1.2.3", started);
  const auto text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_build_info{version=\"1.2.3\"}"),
            "eightsync_build_info{version=\"1.2.3\"} 1");
  EXPECT_EQ(line_of(text, "eightsync_start_time_seconds"), "eightsync_start_time_seconds 1700000000");
  for (const char* o :
       {"ok", "partial", "held", "auth_failed", "write_forbidden", "source_rejected", "interrupted"})
    EXPECT_EQ(line_of(text, std::string("eightsync_cycles_total{outcome=\"") + o + "\"}"),
              std::string("eightsync_cycles_total{outcome=\"") + o + "\"} 0");
  EXPECT_EQ(line_of(text, "eightsync_last_success_timestamp_seconds"),
            "eightsync_last_success_timestamp_seconds 0");
  EXPECT_EQ(line_of(text, "eightsync_held_deactivations"), "eightsync_held_deactivations 0");
  EXPECT_EQ(line_of(text, "eightsync_open_manual_actions{kind=\"assign_license\"}"),
            "eightsync_open_manual_actions{kind=\"assign_license\"} 0");
  EXPECT_EQ(line_of(text, "eightsync_quarantined_rows"), "eightsync_quarantined_rows 0");
  EXPECT_EQ(line_of(text, "eightsync_scim_rate_limited_total"), "eightsync_scim_rate_limited_total 0");
  EXPECT_EQ(line_of(text, "eightsync_rate_limit_wait_seconds_total"),
            "eightsync_rate_limit_wait_seconds_total 0");
  // Every family has HELP and TYPE before its samples, and the text ends with a line feed.
  for (const char* family : {"eightsync_cycles_total counter", "eightsync_operations_total counter",
                             "eightsync_scim_requests_total counter", "eightsync_held_deactivations gauge",
                             "eightsync_open_manual_actions gauge", "eightsync_auth_backoff gauge"})
    EXPECT_NE(text.find(std::string("# TYPE ") + family + "\n"), std::string::npos) << family;
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
}

TEST(service_metrics, cycles_add_up_operations_requests_and_cost) {
  service_metrics m("1.0.0", started);
  core::audit_cycle_counts ops;
  ops.entries.push_back({core::audit_operation_kind::create, core::audit_operation_outcome::ok, 3});
  ops.entries.push_back({core::audit_operation_kind::update, core::audit_operation_outcome::failed, 1});
  core::request_tally t;
  t.by_method_status[{"GET", 200}] = 2;
  t.by_method_status[{"POST", 201}] = 3;
  t.by_method_status[{"PUT", 0}] = 1;
  t.by_method_status[{"PUT", 429}] = 1;
  t.cost.retried = 1;
  t.cost.responses_429 = 1;
  t.cost.rate_limit_wait = 1500ms;
  m.record_cycle(core::cycle_outcome::partial, ops, t);
  m.record_cycle(core::cycle_outcome::ok, ops, t);
  const auto text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_cycles_total{outcome=\"partial\"}"),
            "eightsync_cycles_total{outcome=\"partial\"} 1");
  EXPECT_EQ(line_of(text, "eightsync_cycles_total{outcome=\"ok\"}"),
            "eightsync_cycles_total{outcome=\"ok\"} 1");
  EXPECT_EQ(line_of(text, "eightsync_operations_total{kind=\"create\",outcome=\"ok\"}"),
            "eightsync_operations_total{kind=\"create\",outcome=\"ok\"} 6");
  EXPECT_EQ(line_of(text, "eightsync_operations_total{kind=\"update\",outcome=\"failed\"}"),
            "eightsync_operations_total{kind=\"update\",outcome=\"failed\"} 2");
  EXPECT_EQ(line_of(text, "eightsync_scim_requests_total{method=\"POST\",status=\"201\"}"),
            "eightsync_scim_requests_total{method=\"POST\",status=\"201\"} 6");
  EXPECT_EQ(line_of(text, "eightsync_scim_requests_total{method=\"PUT\",status=\"none\"}"),
            "eightsync_scim_requests_total{method=\"PUT\",status=\"none\"} 2");
  EXPECT_EQ(line_of(text, "eightsync_scim_retries_total"), "eightsync_scim_retries_total 2");
  EXPECT_EQ(line_of(text, "eightsync_scim_rate_limited_total"), "eightsync_scim_rate_limited_total 2");
  EXPECT_EQ(line_of(text, "eightsync_rate_limit_wait_seconds_total"),
            "eightsync_rate_limit_wait_seconds_total 3");
}

TEST(service_metrics, gauges_mirror_the_status_snapshot) {
  service_metrics m("1.0.0", started);
  operator_snapshot s;
  core::audit_cycle_row last;
  last.id = 7;
  last.started_at = started + 10s;
  last.ended_at = started + 12s;
  last.outcome = core::cycle_outcome::held;
  s.last = last;
  core::audit_cycle_row ok = last;
  ok.id = 6;
  ok.ended_at = started + 5s;
  ok.outcome = core::cycle_outcome::ok;
  s.last_ok = ok;
  core::audit_held_row h;
  h.kind = core::operation_kind::deactivate;
  s.waiting = {h, h};
  h.kind = core::operation_kind::create;
  s.waiting.push_back(h);
  s.held_cycle = 7;
  s.open_by_kind = {{"assign_license", 4}, {"resolve_conflict", 1}};
  s.open_total = 5;
  s.quarantined = 2;
  s.failing.resize(3);
  m.set_snapshot(s);
  m.set_auth_backoff(true);
  m.set_cycle_running(true);
  const auto text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_last_success_timestamp_seconds"),
            "eightsync_last_success_timestamp_seconds 1700000005");
  EXPECT_EQ(line_of(text, "eightsync_last_cycle_timestamp_seconds"),
            "eightsync_last_cycle_timestamp_seconds 1700000012");
  EXPECT_EQ(line_of(text, "eightsync_last_cycle_duration_seconds"),
            "eightsync_last_cycle_duration_seconds 2");
  EXPECT_EQ(line_of(text, "eightsync_last_cycle_outcome{outcome=\"held\"}"),
            "eightsync_last_cycle_outcome{outcome=\"held\"} 1");
  EXPECT_EQ(line_of(text, "eightsync_last_cycle_outcome{outcome=\"ok\"}"),
            "eightsync_last_cycle_outcome{outcome=\"ok\"} 0");
  EXPECT_EQ(line_of(text, "eightsync_held_deactivations"), "eightsync_held_deactivations 2");
  EXPECT_EQ(line_of(text, "eightsync_held_operations"), "eightsync_held_operations 3");
  EXPECT_EQ(line_of(text, "eightsync_open_manual_actions{kind=\"assign_license\"}"),
            "eightsync_open_manual_actions{kind=\"assign_license\"} 4");
  EXPECT_EQ(line_of(text, "eightsync_open_manual_actions{kind=\"resolve_conflict\"}"),
            "eightsync_open_manual_actions{kind=\"resolve_conflict\"} 1");
  EXPECT_EQ(line_of(text, "eightsync_open_manual_actions{kind=\"set_by_hand\"}"),
            "eightsync_open_manual_actions{kind=\"set_by_hand\"} 0");
  EXPECT_EQ(line_of(text, "eightsync_quarantined_rows"), "eightsync_quarantined_rows 2");
  EXPECT_EQ(line_of(text, "eightsync_failing_users"), "eightsync_failing_users 3");
  EXPECT_EQ(line_of(text, "eightsync_auth_backoff"), "eightsync_auth_backoff 1");
  EXPECT_EQ(line_of(text, "eightsync_cycle_running"), "eightsync_cycle_running 1");
}

TEST(service_metrics, an_export_older_than_max_age_is_stale) {
  service_metrics m("1.0.0", started);
  EXPECT_EQ(m.render().find("eightsync_source_stale"), std::string::npos) << "no export looked at yet";
  operator_snapshot s;
  s.source = export_age{std::chrono::hours(50), std::chrono::hours(48)};
  m.set_snapshot(s);
  auto text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_source_age_seconds"), "eightsync_source_age_seconds 180000");
  EXPECT_EQ(line_of(text, "eightsync_source_stale"), "eightsync_source_stale 1");
  s.source = export_age{std::chrono::hours(1), std::chrono::hours(48)};
  m.set_snapshot(s);
  EXPECT_EQ(line_of(m.render(), "eightsync_source_stale"), "eightsync_source_stale 0");
  s.source = export_age{std::chrono::hours(500), std::nullopt};
  m.set_snapshot(s);
  EXPECT_EQ(line_of(m.render(), "eightsync_source_stale"), "eightsync_source_stale 0")
      << "source.max_age off";
}

TEST(service_metrics, a_pause_shows_until_it_ends) {
  service_metrics m("1.0.0", started);
  auto text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_pause_until_timestamp_seconds"),
            "eightsync_pause_until_timestamp_seconds 0");
  EXPECT_EQ(line_of(text, "eightsync_long_wait"), "eightsync_long_wait 0");
  EXPECT_NE(text.find("# TYPE eightsync_pause_until_timestamp_seconds gauge\n"), std::string::npos);

  // A pause stored in the state database (read between cycles, as `eightsync status` reads it).
  operator_snapshot snap;
  snap.pause = operator_pause{started + 3600s, "retry_after", std::nullopt};
  m.set_snapshot(snap);
  text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_pause_until_timestamp_seconds"),
            "eightsync_pause_until_timestamp_seconds 1700003600");
  EXPECT_EQ(line_of(text, "eightsync_long_wait"), "eightsync_long_wait 0");

  // A request of the running cycle waits (later than the stored pause: the later one shows).
  m.set_long_wait(started + 7200s);
  text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_pause_until_timestamp_seconds"),
            "eightsync_pause_until_timestamp_seconds 1700007200");
  EXPECT_EQ(line_of(text, "eightsync_long_wait"), "eightsync_long_wait 1");
  m.set_long_wait(std::nullopt);
  m.set_snapshot({});
  text = m.render();
  EXPECT_EQ(line_of(text, "eightsync_pause_until_timestamp_seconds"),
            "eightsync_pause_until_timestamp_seconds 0");
  EXPECT_EQ(line_of(text, "eightsync_long_wait"), "eightsync_long_wait 0");
}

TEST(service_metrics, label_values_are_escaped) {
  const service_metrics m("1.0 \"beta\"\\x\nz", started);
  EXPECT_EQ(line_of(m.render(), "eightsync_build_info{version=\"1.0 \\\"beta\\\"\\\\x\\nz\"}"),
            "eightsync_build_info{version=\"1.0 \\\"beta\\\"\\\\x\\nz\"} 1");
}

}  // namespace
}  // namespace eightsync::daemon
