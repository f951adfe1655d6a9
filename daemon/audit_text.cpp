#include "daemon/audit_text.hpp"

#include <chrono>
#include <cstdio>

#include <boost/json/array.hpp>

#include "core/attribute.hpp"
#include "core/cycle_labels.hpp"
#include "core/plan.hpp"
#include "core/state_time.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::daemon {
namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// Values from HR and 8x8 (and sentences quoting them) are escaped for the terminal.
std::string esc(std::string_view v) {
  return core::escaped(v);
}

std::string quoted_or_none(const std::string& v) {
  return v.empty() ? "(none)" : "\"" + esc(v) + "\"";
}

std::string outcome_name(const std::optional<core::audit_outcome>& o) {
  return o ? std::string(core::enum_name(o->outcome)) : "in flight (unresolved)";
}

}  // namespace

std::string counts_phrase(const core::audit_cycle_counts& counts) {
  std::string s;
  for (const auto& e : counts.entries) {
    if (!s.empty()) s += ", ";
    s += std::string(core::enum_name(e.kind)) + " " +
         (e.outcome ? std::string(core::enum_name(*e.outcome)) : "unresolved") + " " +
         std::to_string(e.count);
  }
  return s.empty() ? "no operations" : s;
}

std::string cost_phrase(const core::request_cost& c) {
  std::string s;
  const auto add = [&s](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (c.retried > 0) add(std::to_string(c.retried) + (c.retried == 1 ? " retry" : " retries"));
  if (c.responses_429 > 0) add(std::to_string(c.responses_429) + " answered 429");
  // Pacing below a tenth of a second is the limiter doing its job, not news.
  if (c.rate_limit_wait >= std::chrono::milliseconds(100))
    add(seconds_text(c.rate_limit_wait) + " waiting on the rate limit");
  return s;
}

std::string cycle_line(const core::audit_cycle_row& c, const core::audit_cycle_counts& counts) {
  std::string s = "cycle " + std::to_string(c.id) + "  " +
                  (c.outcome ? std::string(core::enum_name(*c.outcome)) : "running") + "  " +
                  std::string(core::enum_name(c.kind)) + "  " + std::string(core::enum_name(c.trigger)) +
                  "  " + core::format_utc_time(c.started_at);
  if (c.ended_at)
    s += "  " +
         seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(*c.ended_at - c.started_at));
  s += "  " + std::to_string(counts.total()) + " ops  " + std::to_string(c.requests_sent) + "/" +
       std::to_string(c.requests_planned) + " requests sent/planned";
  if (const auto cost = cost_phrase(c.cost); !cost.empty()) s += " (" + cost + ")";
  return s;
}

std::string operation_text(const core::audit_operation_row& op, std::string_view cycle_sha256) {
  const auto& in = op.intent;
  std::string s = "#" + std::to_string(op.id) + "  " + std::string(core::enum_name(in.kind)) + "  " +
                  outcome_name(op.outcome) + "  HR key " + esc(in.hr_key) + "  " + esc(in.user_name);
  if (!in.scim_id.empty()) s += " (id " + esc(in.scim_id) + ")";
  s += "\n";
  if (!in.method.empty()) {
    s += "    " + in.method + " " + esc(in.path);
    if (op.outcome) {
      if (op.outcome->status) s += " -> " + std::to_string(*op.outcome->status);
      s += ", " + std::to_string(op.outcome->attempts) +
           (op.outcome->attempts == 1 ? " attempt" : " attempts");
      if (op.outcome->latency) s += ", " + std::to_string(op.outcome->latency->count()) + " ms";
      if (op.outcome->resolved_by == core::audit_resolution::lookup) s += ", settled by a lookup";
    }
    s += "\n";
  }
  if (!in.reason.empty()) s += "    why: " + esc(in.reason) + "\n";
  for (const auto& d : in.diffs)
    s += "    " + std::string(core::attribute_name(d.attr)) + ": " + quoted_or_none(d.before) + " -> " +
         quoted_or_none(d.after) + "\n";
  if (op.outcome && !op.outcome->error_detail.empty())
    s += "    detail: " + esc(op.outcome->error_detail) + "\n";
  if (!in.source_sha256.empty() && in.source_sha256 != cycle_sha256) {
    s += std::string("    from ") + (cycle_sha256.empty() ? "the" : "a newer") + " HR export, sha256 " +
         esc(in.source_sha256.substr(0, 16)) + "…\n";
  }
  return s;
}

std::string held_text(const core::audit_held_row& h) {
  return std::string(core::enum_name(h.kind)) + "  HR key " + esc(h.hr_key) + "  " + esc(h.user_name) +
         (h.scim_id.empty() ? "" : " (id " + esc(h.scim_id) + ")") + "\n    held: " + esc(h.hold.text) + "\n";
}

boost::json::object cycle_json(const core::audit_cycle_row& c, const core::audit_cycle_counts& counts) {
  boost::json::object o{{"id", c.id},
                        {"started_at", core::format_utc_time(c.started_at)},
                        {"kind", core::enum_name(c.kind)},
                        {"triggered_by", core::enum_name(c.trigger)},
                        {"source_path", c.source_path},
                        {"source_sha256", c.source_sha256},
                        {"requests_planned", c.requests_planned},
                        {"requests_sent", c.requests_sent},
                        {"requests_retried", c.cost.retried},
                        {"responses_429", c.cost.responses_429},
                        {"rate_limit_wait_ms", c.cost.rate_limit_wait.count()},
                        {"error", c.error}};
  o["ended_at"] =
      c.ended_at ? boost::json::value(core::format_utc_time(*c.ended_at)) : boost::json::value(nullptr);
  o["outcome"] = c.outcome ? boost::json::value(core::enum_name(*c.outcome)) : boost::json::value(nullptr);
  if (c.rows_read) o["rows_read"] = *c.rows_read;
  if (c.rows_in_scope) o["rows_in_scope"] = *c.rows_in_scope;
  if (c.rows_quarantined) o["rows_quarantined"] = *c.rows_quarantined;
  boost::json::array arr;
  for (const auto& e : counts.entries)
    arr.push_back({{"kind", core::enum_name(e.kind)},
                   {"outcome", e.outcome ? boost::json::value(core::enum_name(*e.outcome))
                                         : boost::json::value(nullptr)},
                   {"count", e.count}});
  o["counts"] = std::move(arr);
  return o;
}

boost::json::object operation_json(const core::audit_operation_row& op) {
  const auto& in = op.intent;
  boost::json::array diffs;
  for (const auto& d : in.diffs)
    diffs.push_back({{"attribute", core::attribute_name(d.attr)}, {"before", d.before}, {"after", d.after}});
  boost::json::object o{{"id", op.id},
                        {"cycle_id", op.cycle_id},
                        {"kind", core::enum_name(in.kind)},
                        {"hr_key", in.hr_key},
                        {"scim_id", in.scim_id},
                        {"user_name", in.user_name},
                        {"reason", in.reason},
                        {"diffs", std::move(diffs)},
                        {"method", in.method},
                        {"path", in.path},
                        {"source_sha256", in.source_sha256},
                        {"intent_at", core::format_utc_time(op.intent_at)}};
  if (op.outcome) {
    o["outcome"] = core::enum_name(op.outcome->outcome);
    o["status"] = op.outcome->status ? boost::json::value(*op.outcome->status) : boost::json::value(nullptr);
    o["attempts"] = op.outcome->attempts;
    o["latency_ms"] =
        op.outcome->latency ? boost::json::value(op.outcome->latency->count()) : boost::json::value(nullptr);
    o["error_detail"] = op.outcome->error_detail;
  } else {
    o["outcome"] = nullptr;
  }
  return o;
}

boost::json::object held_json(const core::audit_held_row& h) {
  return {{"kind", core::enum_name(h.kind)},
          {"hr_key", h.hr_key},
          {"scim_id", h.scim_id},
          {"user_name", h.user_name},
          {"hold", core::enum_name(h.hold.reason)},
          {"hold_text", h.hold.text},
          {"reason", h.reason}};
}

}  // namespace eightsync::daemon
