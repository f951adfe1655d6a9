#include "connectors/scim_client.hpp"

#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "connectors/http_connection.hpp"
#include "connectors/http_transport.hpp"
#include "connectors/pacing_sleeper.hpp"
#include "connectors/scim_attribute_check.hpp"
#include "connectors/timer_sleeper.hpp"
#include "core/audit_redaction.hpp"
#include "core/bounded_text.hpp"
#include "core/clock.hpp"
#include "core/pacing.hpp"
#include "core/retry_after.hpp"
#include "core/scim_user_codec.hpp"
#include "core/state_time.hpp"
#include "core/user_listing.hpp"

namespace eightsync::connectors {

namespace net = boost::asio;
namespace json = boost::json;
using core::scim_outcome;
using core::scim_result;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view patch_op_schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

milliseconds to_ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<milliseconds>(d);
}

// Fills scim_type and detail from a SCIM error body; a body that is not one is described, never
// copied (an HTML error page from a gateway tells the operator nothing useful).
void read_error_body(const std::string& body, scim_result& r) {
  boost::system::error_code ec;
  const auto v = json::parse(body, ec);
  const auto* o = ec ? nullptr : v.if_object();
  if (o) {
    // A hostile or broken server may repeat the token, or send megabytes: what it says enters
    // messages, logs and the audit only redacted and bounded (invariant 9).
    if (const auto* d = o->if_contains("detail"); d && d->is_string())
      r.detail = core::bound_text(core::redact_credentials(d->as_string()));
    if (const auto* t = o->if_contains("scimType"); t && t->is_string())
      r.scim_type = core::bound_text(core::redact_credentials(t->as_string()));
  }
  if (r.detail.empty()) {
    r.detail =
        "HTTP " + std::to_string(r.status) +
        (body.empty() ? std::string(" without a body")
                      : " with a " + std::to_string(body.size()) + "-byte body that is not a SCIM error");
  }
}

std::int64_t whole_seconds(core::clock::duration d) {
  return std::chrono::ceil<std::chrono::seconds>(d).count();
}

// A call the client did not send: no attempt, nothing applied, the reason in the detail.
scim_result not_sent(std::string detail) {
  scim_result r;
  r.outcome = scim_outcome::rate_limited;
  r.attempts = 0;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

/// One SCIM call as execute() runs it.
struct scim_client::call {
  std::string_view op;  // stable name for logs: list, find, get, create, replace, set_active
  std::string method;
  std::string target;
  std::string body;
  bool expect_object = false;  // a 2xx must carry a JSON object
  bool expect_id = false;      // … with a string id
  // Parse into one monotonic arena per answer: a list page's users are moved out of the page
  // and keep the arena alive; no per-node malloc/free (a 100,000-user listing makes millions).
  bool arena = false;
};

scim_client::scim_client(net::any_io_executor executor, scim_client_options options)
    : scim_client(std::move(executor), std::move(options), nullptr) {}

scim_client::scim_client(net::any_io_executor executor, scim_client_options options,
                         std::unique_ptr<http_transport> transport)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      base_(scim_base_url::parse(options_.base_url)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()),
      connection_(std::move(transport)),
      rng_(std::random_device{}()) {
  if (!options_.rate_limiter) throw std::invalid_argument("scim client: a rate limiter is required");
  if (options_.page_size == 0) throw std::invalid_argument("scim client: page_size must be at least 1");
  if (options_.retry.attempts == 0)
    throw std::invalid_argument("scim client: retry attempts must be at least 1");
  if (options_.timeout <= milliseconds::zero())
    throw std::invalid_argument("scim client: timeout must be positive");
  if (!options_.clock) {
    options_.clock =
        std::shared_ptr<const core::clock>(&core::wall_clock::instance(), [](const core::clock*) {});
  }
  if (!options_.sleeper) options_.sleeper = std::make_shared<timer_sleeper>(executor_);
  if (connection_) return;  // a given transport carries its own connection settings
  http_connection_options h;
  h.host = base_.host;
  h.port = base_.port;
  h.tls = base_.tls;
  h.ca_file = options_.ca_file;
  h.proxy = proxy_endpoint::select(base_.host, options_.proxy, options_.proxy_from_environment);
  h.timeout = options_.timeout;
  h.token = options_.token;
  h.body_limit = options_.body_limit;
  h.user_agent = options_.user_agent;
  connection_ = std::make_unique<http_connection>(executor_, std::move(h), log_);
}

scim_client::~scim_client() = default;

std::size_t scim_client::connections_opened() const noexcept {
  return connection_->connections_opened();
}

std::string_view scim_client::wait_reason(core::clock::time_point slot) const {
  const auto st = options_.rate_limiter->export_state();
  return core::held_by_pause(st.paused_until, slot, options_.pacing_window) ? "retry_after" : "rate_limit";
}

// The wait a call would face before its next request, checked before a slot is reserved: one
// beyond max_wait is refused, and reported once.
std::optional<long_wait> scim_client::refused(const call& c) {
  if (!options_.max_wait) return std::nullopt;
  const auto now = options_.clock->now();
  const auto next = options_.rate_limiter->next_slot();
  const auto wait = next - now;
  if (wait <= *options_.max_wait || wait <= options_.pacing_window) return std::nullopt;
  long_wait w{next, wait, wait_reason(next)};
  if (!refused_) {
    refused_ = w;
    log_->warn("scim.wait_refused op={} method={} target={} wait_s={} until={} reason={} max_wait_s={}", c.op,
               c.method, c.target, whole_seconds(wait), core::format_utc_time(next), w.reason,
               whole_seconds(*options_.max_wait));
    if (options_.on_wait_refused) options_.on_wait_refused(w);
  }
  return w;
}

net::awaitable<bool> scim_client::wait_for(const call& c, core::clock::time_point slot) {
  const auto wait = slot - options_.clock->now();
  if (wait <= core::clock::duration::zero()) co_return !options_.sleeper->interrupted();
  // A long wait is one a person should hear of: 8x8's pause, or slots another process holds.
  // The rate limit's own pacing (up to its window) is expected, and only traced.
  const bool long_one = wait > long_wait_threshold && wait > options_.pacing_window;
  if (long_one) {
    const long_wait w{slot, wait, wait_reason(slot)};
    log_->warn(
        "scim.long_wait op={} method={} target={} wait_s={} until={} reason={}: "
        "nothing is sent to 8x8 before then (`eightsync status` shows it)",
        c.op, c.method, c.target, whole_seconds(wait), core::format_utc_time(slot), w.reason);
    if (options_.on_long_wait) options_.on_long_wait(w);
  } else if (wait > long_wait_threshold) {
    log_->info("scim.pacing_wait op={} wait_s={} until={}", c.op, whole_seconds(wait),
               core::format_utc_time(slot));
  } else {
    log_->trace("scim.wait ms={}", std::chrono::duration_cast<milliseconds>(wait).count());
  }
  const bool reached = co_await options_.sleeper->sleep_until(*options_.clock, slot);
  if (long_one) {
    log_->info("scim.long_wait_end op={} method={} target={} interrupted={}", c.op, c.method, c.target,
               !reached);
    if (options_.on_long_wait) options_.on_long_wait(std::nullopt);
  }
  co_return reached;
}

net::awaitable<scim_result> scim_client::execute(const call& c) {
  const auto started = std::chrono::steady_clock::now();
  const auto& policy = options_.retry;
  std::size_t paused = 0;  // pauses (429, or 503 with Retry-After) in a row
  scim_result r;
  for (std::size_t attempt = 1;; ++attempt) {
    // Nothing new starts once eightsync is stopping, nor after a wait this command may not
    // make. A retry that cannot go reports the previous attempt's answer.
    if (auto unsent = unsendable(c)) {
      if (attempt == 1) r = std::move(*unsent);
      break;
    }
    if (!co_await wait_for_slot(c)) {
      if (attempt == 1) r = not_sent("not sent: eightsync is stopping");
      break;
    }
    auto ex = co_await connection_->send(c.method, c.target, c.body);
    count_sent(c, ex, attempt);
    const auto pause = r.retry_after;  // a pause met on an earlier attempt stays reported
    r = scim_result{};
    r.retry_after = pause;
    r.attempts = attempt;
    r.latency = to_ms(ex.latency);
    r.body_bytes = ex.body.size();
    const next_try next = ex.stage != http_stage::done ? read_no_answer(c, ex, attempt, r)
                                                       : read_answer(c, ex, attempt, paused, r);

    if (next == next_try::none || !policy.may_try_again(attempt)) break;
    const auto delay = next == next_try::after_backoff ? policy.delay_for(attempt, rng_) : milliseconds{0};
    log_->info("scim.retry op={} method={} target={} attempt={} outcome={} status={} delay_ms={}", c.op,
               c.method, c.target, attempt, enum_name(r.outcome), r.status, delay.count());
    if (delay > milliseconds::zero() && !co_await wait_for(c, options_.clock->now() + delay)) break;
  }
  r.elapsed = to_ms(std::chrono::steady_clock::now() - started);
  co_return r;
}

std::optional<scim_result> scim_client::unsendable(const call& c) {
  if (options_.sleeper->interrupted()) return not_sent("not sent: eightsync is stopping");
  const auto w = refused(c);
  if (!w) return std::nullopt;
  auto r = not_sent("not sent: the next request to 8x8 may go only at " + core::format_utc_time(w->until) +
                    ", in " + std::to_string(whole_seconds(w->wait)) + " s, longer than this command waits");
  if (w->reason == "retry_after") r.retry_after = w->until;
  return r;
}

net::awaitable<void> scim_client::wait_for_turn() {
  const auto slot = options_.rate_limiter->next_slot();
  // A turn past a Retry-After pause or past what this command may wait is the request's own to
  // meet (and report): looking for a newer export need not sit through it first.
  if (slot - options_.clock->now() > options_.pacing_window) co_return;
  const auto wait_from = options_.clock->now();
  if (slot <= wait_from) co_return;
  co_await options_.sleeper->sleep_until(*options_.clock, slot);
  // Waiting for the pace, as the request's own wait would have (that one is now nothing).
  if (const auto waited = std::min(options_.clock->now(), slot) - wait_from;
      waited > core::clock::duration::zero())
    tally_.cost.rate_limit_wait += std::chrono::ceil<milliseconds>(waited);
}

net::awaitable<bool> scim_client::wait_for_slot(const call& c) {
  const auto slot = options_.rate_limiter->acquire();
  const auto wait_from = options_.clock->now();
  const bool reached = co_await wait_for(c, slot);
  // The time waited, not the time planned: a stop cuts a pause short.
  if (const auto waited = std::min(options_.clock->now(), slot) - wait_from;
      waited > core::clock::duration::zero())
    tally_.cost.rate_limit_wait += std::chrono::ceil<milliseconds>(waited);
  co_return reached;
}

void scim_client::count_sent(const call& c, const http_exchange& ex, std::size_t attempt) {
  ++tally_.sent;
  if (attempt > 1) ++tally_.cost.retried;
  const unsigned answered = ex.stage == http_stage::done || ex.stage == http_stage::read_body ? ex.status : 0;
  ++tally_.by_method_status[{c.method, answered}];
  if (answered == 429) ++tally_.cost.responses_429;
}

scim_client::next_try scim_client::read_no_answer(const call& c, const http_exchange& ex, std::size_t attempt,
                                                  scim_result& r) {
  r.status = ex.stage == http_stage::read_body ? ex.status : 0;
  log_->debug("scim.request op={} method={} target={} attempt={} status={} latency_ms={} error=\"{}\"", c.op,
              c.method, c.target, attempt, r.status, r.latency.count(), ex.error_text);
  if (c.method == "POST" && !ex.never_left()) {
    // Invariant 1: it may have been applied. Only a lookup can tell; resending could duplicate.
    r.outcome = scim_outcome::outcome_unknown;
    r.detail = "the request may have been applied: " + ex.error_text;
    log_->warn("scim.outcome_unknown op={} method={} target={} reason=\"{}\"", c.op, c.method, c.target,
               ex.error_text);
    return next_try::none;
  }
  if (ex.stage == http_stage::read_body) {
    r.outcome = scim_outcome::protocol;
    r.detail = "truncated answer: " + ex.error_text;
  } else {
    r.outcome = scim_outcome::transport;
    r.detail = ex.error_text;
  }
  // A refused certificate stays refused: trying again only knocks on a suspect server.
  return options_.retry.retry_transport_errors && !ex.certificate_rejected ? next_try::after_backoff
                                                                           : next_try::none;
}

scim_client::next_try scim_client::read_answer(const call& c, const http_exchange& ex, std::size_t attempt,
                                               std::size_t& paused, scim_result& r) {
  const unsigned s = ex.status;
  r.status = s;
  log_->debug("scim.request op={} method={} target={} attempt={} status={} latency_ms={} bytes={}", c.op,
              c.method, c.target, attempt, s, r.latency.count(), ex.body.size());
  const auto& policy = options_.retry;
  if (policy.pauses(s, !ex.retry_after.empty())) return read_pause(c, ex, ++paused, r);
  const scim_outcome meaning = policy.classify(s);
  if (meaning == scim_outcome::ok) {
    read_success(c, ex, r);
    return next_try::none;
  }
  read_error_body(ex.body, r);
  if (meaning == scim_outcome::server) {
    if (c.method == "POST") {
      // A gateway may answer 5xx after forwarding the POST: it may have been applied.
      r.outcome = scim_outcome::outcome_unknown;
      log_->warn("scim.outcome_unknown op={} method={} target={} reason=\"status {}\"", c.op, c.method,
                 c.target, s);
      return next_try::none;
    }
    r.outcome = scim_outcome::server;
    return policy.is_retryable_status(s) ? next_try::after_backoff : next_try::none;
  }
  r.outcome = meaning;
  if (meaning == scim_outcome::auth_failed) {
    log_->error(
        "scim.auth_failed op={} method={} target={} detail=\"the token was refused (revoked, or SCIM "
        "switched off)\"",
        c.op, c.method, c.target);
  } else if (meaning == scim_outcome::write_forbidden) {
    log_->warn("scim.write_forbidden op={} method={} target={} detail=\"{}\"", c.op, c.method, c.target,
               r.detail);
  }
  return next_try::none;
}

void scim_client::read_success(const call& c, const http_exchange& ex, scim_result& r) {
  if (!ex.body.empty()) {
    boost::system::error_code ec;
    auto v = c.arena ? json::parse(ex.body, ec, json::make_shared_resource<json::monotonic_resource>())
                     : json::parse(ex.body, ec);
    if (ec) {
      r.outcome = scim_outcome::protocol;
      r.detail = "the answer is not valid JSON: " + ec.message();
    } else if (auto* o = v.if_object()) {
      r.resource = std::move(*o);
    } else {
      r.outcome = scim_outcome::protocol;
      r.detail = "the answer is not a JSON object";
    }
  }
  if (r.detail.empty()) {
    const json::value* id = r.resource ? r.resource->if_contains("id") : nullptr;
    if (c.expect_object && !r.resource) {
      r.outcome = scim_outcome::protocol;
      r.detail = "the answer has no body";
    } else if (c.expect_id && !(id && id->is_string() && !id->as_string().empty())) {
      r.outcome = scim_outcome::protocol;
      r.detail = "the answer has no id";
    } else {
      r.outcome = scim_outcome::ok;
    }
  }
  if (r.outcome == scim_outcome::protocol) {
    log_->warn("scim.protocol op={} method={} target={} detail=\"{}\"", c.op, c.method, c.target, r.detail);
  }
}

scim_client::next_try scim_client::read_pause(const call& c, const http_exchange& ex, std::size_t paused,
                                              scim_result& r) {
  const auto& policy = options_.retry;
  const unsigned s = ex.status;
  const bool is_post = c.method == "POST";
  read_error_body(ex.body, r);
  const auto now = options_.clock->now();
  auto deadline = core::parse_retry_after(ex.retry_after, now);
  // No (usable) Retry-After: back off exponentially, without jitter (never zero).
  if (!deadline) deadline = now + std::max(policy.backoff_cap(paused), milliseconds{1000});
  if (*deadline - now > policy.max_pause) {
    // One absurd header must not silence eightsync for days: a longer pause is cut.
    log_->warn(
        "scim.retry_after_capped op={} method={} target={} status={} retry_after_s={} max_pause_s={}: "
        "8x8 asked for a longer pause than target.retry.max_pause",
        c.op, c.method, c.target, s, whole_seconds(*deadline - now), whole_seconds(policy.max_pause));
    deadline = now + policy.max_pause;
  }
  options_.rate_limiter->on_retry_after(*deadline);
  r.retry_after = *deadline;
  const auto wait = std::chrono::duration_cast<milliseconds>(*deadline - now);
  log_->warn("scim.rate_limited op={} method={} target={} status={} retry_after_ms={} header={}", c.op,
             c.method, c.target, s, wait.count(), ex.retry_after.empty() ? "absent" : "present");
  const bool refusal = policy.classify(s) == scim_outcome::rate_limited;
  if (refusal) {
    r.outcome = scim_outcome::rate_limited;
  } else {
    r.outcome = is_post ? scim_outcome::outcome_unknown : scim_outcome::server;
  }
  // A 429 is a refusal made before 8x8 processed the request, so even a POST is sent again
  // once Retry-After has passed: it cannot duplicate. A 503 on a POST may come from a
  // gateway after it forwarded the request: that POST stays outcome_unknown, never resent.
  // Calls wait inside the call only up to max_delay; the limiter holds the pause anyway.
  return (refusal || !is_post) && wait <= policy.max_delay ? next_try::at_once : next_try::none;
}

net::awaitable<core::scim_listing> scim_client::list_all() {
  co_return co_await core::list_all_users(*this, options_.page_size, *log_);
}

net::awaitable<core::scim_listing> scim_client::list_all(core::scim_page_sink on_page) {
  co_return co_await core::list_all_users(*this, options_.page_size, std::move(on_page), *log_);
}

net::awaitable<core::scim_result> scim_client::list_page(std::size_t start_index, std::size_t count) {
  const one_call_at_a_time guard(busy_, "scim_client");
  call c{"list", "GET", base_.list_target(start_index, count), {}, true, false, true};
  co_return co_await execute(c);
}

net::awaitable<scim_result> scim_client::find_by_user_name(std::string user_name) {
  const one_call_at_a_time guard(busy_, "scim_client");
  call c{"find", "GET", base_.filter_target(scim_eq_filter("userName", user_name)), {}, true, false};
  auto r = co_await execute(c);
  if (!r.ok()) co_return r;
  auto page = std::move(*r.resource);
  r.resource.reset();
  const auto total = core::scim_user_codec::total_results(page);
  auto* resources = page.if_contains("Resources");
  if (!total || (resources && !resources->is_array())) {
    r.outcome = scim_outcome::protocol;
    r.detail = "the answer is not a SCIM ListResponse (totalResults, Resources)";
    co_return r;
  }
  const std::size_t n = resources ? resources->as_array().size() : 0;
  if (*total == 0 && n == 0) {
    r.outcome = scim_outcome::not_found;
    r.detail = "no user with this userName";
    co_return r;
  }
  if (*total > 1 || n != 1) {
    r.outcome = scim_outcome::protocol;
    r.detail = "the userName filter matched " + std::to_string(*total) + " users";
    co_return r;
  }
  auto* user = resources->as_array()[0].if_object();
  const auto* id = user ? user->if_contains("id") : nullptr;
  if (!id || !id->is_string() || id->as_string().empty()) {
    r.outcome = scim_outcome::protocol;
    r.detail = "the matched user has no id";
    co_return r;
  }
  r.resource = std::move(*user);
  co_return r;
}

net::awaitable<scim_result> scim_client::get(std::string id) {
  const one_call_at_a_time guard(busy_, "scim_client");
  call c{"get", "GET", base_.user_target(id), {}, true, true};
  co_return co_await execute(c);
}

net::awaitable<scim_result> scim_client::create(json::object user) {
  const one_call_at_a_time guard(busy_, "scim_client");
  call c{"create", "POST", base_.users_target(), json::serialize(user), true, true};
  co_return co_await execute(c);
}

net::awaitable<core::scim_replace_result> scim_client::replace(std::string id, json::object user) {
  const one_call_at_a_time guard(busy_, "scim_client");
  call c{"replace", "PUT", base_.user_target(id), json::serialize(user), false, false};
  core::scim_replace_result out;
  out.result = co_await execute(c);
  if (out.result.ok() && out.result.resource) {
    out.not_applied = attributes_not_applied(user, *out.result.resource);
    for (const auto& path : out.not_applied) {
      log_->warn("scim.replace.not_applied target={} attribute={}", c.target, path);
    }
  }
  co_return out;
}

net::awaitable<scim_result> scim_client::set_active(std::string id, bool active) {
  const one_call_at_a_time guard(busy_, "scim_client");
  const json::object body{
      {"schemas", json::array{patch_op_schema}},
      {"Operations",
       json::array{json::object{{"op", "replace"}, {"value", json::object{{"active", active}}}}}}};
  call c{"set_active", "PATCH", base_.user_target(id), json::serialize(body), false, false};
  co_return co_await execute(c);
}

net::awaitable<void> scim_client::shutdown() {
  co_await connection_->shutdown();
}

}  // namespace eightsync::connectors
