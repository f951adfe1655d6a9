#include "daemon/service_metrics.hpp"

#include <charconv>
#include <string_view>

#include "core/audit_rows.hpp"
#include "core/manual_action_kind.hpp"

namespace eightsync::daemon {
namespace {

// Prometheus label values escape backslash, double quote and line feed.
std::string label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest fixed-point text that reads back as `v` (1.5, 1700000000; not 1.7e+09).
std::string number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

double unix_seconds(core::clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

class exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `labels` is already rendered: `kind="x",outcome="y"` (empty: none).
  void sample(std::string_view name, const std::string& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(std::string_view name, const std::string& labels, std::uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + label_value(value) + "\"";
}

constexpr core::cycle_outcome all_outcomes[] = {core::cycle_outcome::ok,
                                                core::cycle_outcome::partial,
                                                core::cycle_outcome::held,
                                                core::cycle_outcome::auth_failed,
                                                core::cycle_outcome::write_forbidden,
                                                core::cycle_outcome::source_rejected,
                                                core::cycle_outcome::interrupted};

}  // namespace

service_metrics::service_metrics(std::string version, core::clock::time_point started)
    : version_(std::move(version)), started_(started) {
  for (const auto o : all_outcomes)
    cycles_[o] = 0;
}

void service_metrics::record_cycle(core::cycle_outcome outcome, const core::audit_cycle_counts& operations,
                                   const core::request_tally& requests) {
  ++cycles_[outcome];
  for (const auto& e : operations.entries) {
    const std::string kind(core::enum_name(e.kind));
    const std::string result(e.outcome ? core::enum_name(*e.outcome) : "unresolved");
    operations_[{kind, result}] += e.count;
  }
  requests_ += requests;
}

std::string service_metrics::render() const {
  exposition x;
  x.family("eightsync_build_info", "gauge", "Always 1; the version of the running eightsync.");
  x.sample("eightsync_build_info", label("version", version_), 1);
  x.family("eightsync_start_time_seconds", "gauge", "When the service started, in Unix seconds.");
  x.sample("eightsync_start_time_seconds", "", number(unix_seconds(started_)));

  x.family("eightsync_cycles_total", "counter",
           "Sync cycles finished since the service started, by outcome.");
  for (const auto& [o, n] : cycles_)
    x.sample("eightsync_cycles_total", label("outcome", core::enum_name(o)), n);

  x.family("eightsync_operations_total", "counter",
           "Operations on 8x8 users recorded in the audit database since the service started, by kind "
           "and outcome.");
  for (const auto& [k, n] : operations_)
    x.sample("eightsync_operations_total", label("kind", k.first) + "," + label("outcome", k.second), n);

  x.family("eightsync_scim_requests_total", "counter",
           "Requests sent to 8x8's SCIM API since the service started, by method and HTTP status "
           "(\"none\": no answer, e.g. a timeout or a reset).");
  for (const auto& [k, n] : requests_.by_method_status)
    x.sample(
        "eightsync_scim_requests_total",
        label("method", k.first) + "," + label("status", k.second == 0 ? "none" : std::to_string(k.second)),
        n);
  x.family("eightsync_scim_retries_total", "counter",
           "Requests sent again after a timeout, reset, 5xx or 429.");
  x.sample("eightsync_scim_retries_total", "", requests_.cost.retried);
  x.family("eightsync_scim_rate_limited_total", "counter", "429 Too Many Requests answers from 8x8.");
  x.sample("eightsync_scim_rate_limited_total", "", requests_.cost.responses_429);
  x.family("eightsync_rate_limit_wait_seconds_total", "counter",
           "Time spent waiting on the rate limiter (target.rate_limit and Retry-After pauses) before "
           "sending.");
  x.sample("eightsync_rate_limit_wait_seconds_total", "",
           number(std::chrono::duration<double>(requests_.cost.rate_limit_wait).count()));

  const auto& s = snapshot_;
  x.family("eightsync_last_success_timestamp_seconds", "gauge",
           "When the newest cycle that ended ok ended, in Unix seconds; 0: none in the audit database.");
  x.sample("eightsync_last_success_timestamp_seconds", "",
           number(s.last_ok && s.last_ok->ended_at ? unix_seconds(*s.last_ok->ended_at) : 0.0));
  x.family("eightsync_last_cycle_timestamp_seconds", "gauge",
           "When the newest cycle ended, in Unix seconds; 0: none yet, or it is still running.");
  x.sample("eightsync_last_cycle_timestamp_seconds", "",
           number(s.last && s.last->ended_at ? unix_seconds(*s.last->ended_at) : 0.0));
  x.family("eightsync_last_cycle_duration_seconds", "gauge", "How long the newest finished cycle took.");
  x.sample("eightsync_last_cycle_duration_seconds", "",
           number(s.last && s.last->ended_at
                      ? std::chrono::duration<double>(*s.last->ended_at - s.last->started_at).count()
                      : 0.0));
  x.family("eightsync_last_cycle_outcome", "gauge",
           "1 for the outcome of the newest finished cycle, 0 for the rest.");
  for (const auto o : all_outcomes)
    x.sample("eightsync_last_cycle_outcome", label("outcome", core::enum_name(o)),
             s.last && s.last->outcome == o ? 1 : 0);
  x.family("eightsync_held_deactivations", "gauge",
           "Deactivations a safety limit holds until an admin runs `eightsync approve CYCLE`.");
  x.sample("eightsync_held_deactivations", "", s.held_deactivations());
  x.family("eightsync_held_operations", "gauge", "Operations of every kind waiting for approval.");
  x.sample("eightsync_held_operations", "", s.waiting.size());
  x.family("eightsync_open_manual_actions", "gauge",
           "Follow-ups only an admin can do, by kind (`eightsync manual-actions`).");
  for (const auto k : core::enum_values<core::manual_action_kind>()) {
    const auto name = std::string(core::enum_name(k));
    const auto it = s.open_by_kind.find(name);
    x.sample("eightsync_open_manual_actions", label("kind", name),
             it == s.open_by_kind.end() ? 0 : it->second);
  }
  x.family("eightsync_quarantined_rows", "gauge",
           "HR rows the newest cycle set aside (`eightsync audit show`).");
  x.sample("eightsync_quarantined_rows", "", s.quarantined);
  if (s.source) {
    x.family("eightsync_source_age_seconds", "gauge",
             "How long ago the HR export last changed (the later of its mtime and ctime).");
    x.sample(
        "eightsync_source_age_seconds", "",
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(s.source->age).count()));
    x.family("eightsync_source_stale", "gauge",
             "1 when the HR export is older than source.max_age: it stopped arriving? Users missing from it "
             "are not deactivated.");
    x.sample("eightsync_source_stale", "", s.source->stale() ? 1U : 0U);
  }
  x.family("eightsync_failing_users", "gauge", "Users backing off across cycles after failures.");
  x.sample("eightsync_failing_users", "", s.failing.size());
  x.family("eightsync_cycle_running", "gauge", "1 while a cycle runs.");
  x.sample("eightsync_cycle_running", "", cycle_running_ ? 1 : 0);
  x.family("eightsync_auth_backoff", "gauge",
           "1 after 8x8 refused the token (401): cycles wait until the token is replaced.");
  x.sample("eightsync_auth_backoff", "", auth_backoff_ ? 1 : 0);
  std::optional<core::clock::time_point> pause_until = long_wait_until_;
  if (s.pause && (!pause_until || s.pause->until > *pause_until)) pause_until = s.pause->until;
  x.family("eightsync_pause_until_timestamp_seconds", "gauge",
           "No request goes to 8x8 before this time, in Unix seconds: a pause 8x8 asked for (Retry-After, "
           "at most target.retry.max_pause) or a wait for a send slot of more than a minute; 0: none.");
  x.sample("eightsync_pause_until_timestamp_seconds", "",
           number(pause_until ? unix_seconds(*pause_until) : 0.0));
  x.family("eightsync_long_wait", "gauge", "1 while a request waits more than a minute for 8x8.");
  x.sample("eightsync_long_wait", "", long_wait_until_ ? 1 : 0);
  return x.take();
}

}  // namespace eightsync::daemon
