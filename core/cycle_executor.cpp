#include "core/cycle_executor.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/attribute.hpp"
#include "core/attribute_table.hpp"
#include "core/audit_rows.hpp"
#include "core/scim_user_codec.hpp"
#include "core/text.hpp"

namespace eightsync::core {

namespace json = boost::json;

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (Asio's awaitable_frame has
// a matching operator new and delete; GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

audit_intent intent_of(const plan_entry& e) {
  audit_intent i;
  i.kind = audit_operation_kind_of(e.kind);
  i.hr_key = e.hr_key;
  i.scim_id = e.scim_id;
  i.user_name = e.user_name;
  i.external_id = std::string(scim_user_codec::read(e.body, attribute::external_id));
  i.reason = e.reason;
  i.diffs = e.diffs;
  switch (e.kind) {
    case operation_kind::create:
      i.method = "POST";
      i.path = "/Users";
      break;
    case operation_kind::update:
      i.method = "PUT";
      i.path = "/Users/" + e.scim_id;
      break;
    case operation_kind::deactivate:
    case operation_kind::reactivate:
      i.method = "PATCH";
      i.path = "/Users/" + e.scim_id;
      break;
    case operation_kind::adopt:
      break;
  }
  if (operation_sends_request(e.kind)) i.body_json = json::serialize(e.body);
  i.follow_ups = e.follow_ups;
  return i;
}

audit_outcome outcome_of(const scim_result& r, audit_operation_outcome o,
                         audit_resolution by = audit_resolution::response) {
  audit_outcome out;
  out.outcome = o;
  out.resolved_by = by;
  if (r.status != 0) out.status = static_cast<int>(r.status);
  out.attempts = static_cast<std::uint32_t>(r.attempts);
  out.latency = r.latency;
  if (!r.ok()) {
    out.error_detail = std::string(enum_name(r.outcome));
    if (!r.detail.empty()) out.error_detail += ": " + r.detail;
  }
  return out;
}

// Whether 8x8's object `obj` shows the write `in` intended: `active` for a PATCH, every changed
// attribute for a create or a PUT.
bool shows_applied(const audit_intent& in, const json::object& obj) {
  if (in.kind == audit_operation_kind::deactivate || in.kind == audit_operation_kind::reactivate)
    return scim_user_codec::read_active(obj).value_or(true) == (in.kind == audit_operation_kind::reactivate);
  for (const auto& d : in.diffs) {
    if (d.attr == attribute::active) continue;
    if (!scim_user_codec::same(d.attr, d.after, scim_user_codec::read(obj, d.attr))) return false;
  }
  return true;
}

// Whether a PUT or PATCH that did not succeed may still have been applied: the answer was lost
// or cut short, or a 5xx may come from a gateway after 8x8 applied it. A 4xx was a refusal.
bool may_have_applied(const scim_result& r) noexcept {
  return r.outcome == scim_outcome::transport || r.outcome == scim_outcome::protocol ||
         r.outcome == scim_outcome::server;
}

audit_outcome local_outcome(audit_operation_outcome o, std::string detail = {}) {
  audit_outcome out;
  out.outcome = o;
  out.resolved_by = audit_resolution::local;
  out.error_detail = std::move(detail);
  return out;
}

// Why the 8x8 user `r`, found by the userName a create met a 409 on, may not become `e`'s: the
// planner's adoption rules (invariant 4) applied to the lookup's answer. Empty: adopt it.
std::string adoption_refusal(const plan_entry& e, const json::object& r, const state_store& store,
                             const protect_list& protect) {
  const std::string id(scim_user_codec::read_id(r));
  const std::string_view user_name = planner_trim(scim_user_codec::read(r, attribute::user_name));
  const std::string_view ext = trim(scim_user_codec::read(r, attribute::external_id));
  // The planner never plans a create for a protected userName, but 8x8's user may carry another
  // spelling of it, and the rule must hold whoever planned the create.
  if ((!user_name.empty() && protect.matches(user_name)) || protect.matches(planner_trim(e.user_name)))
    return "8x8 user " + id + " has this userName but is on the protect list";
  if (!scim_user_codec::read_active(r).value_or(true))
    return "8x8 user " + id + " has this userName but is deactivated";
  if (const auto other = store.find_link_by_scim_id(id); other && other->hr_key != e.hr_key)
    return "8x8 user " + id + " has this userName but is linked to HR key " + other->hr_key;
  // The externalId this row claims is the mapped one (else the HR key), as the planner compares.
  if (!ext.empty() && ext != trim(e.claimed_external_id))
    return "8x8 user " + id + " has this userName but carries externalId \"" + std::string(ext) + "\"";
  return {};
}

// Whether `text` is a whole number, as an account that types externalId as an integer wants.
bool numeric(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `e` sends an externalId eightsync chose that is not a whole number: a create's, or an
// update changing it (an update that leaves it sends 8x8's own value back, which it took).
bool writes_non_numeric_external_id(const plan_entry& e) {
  if (e.kind == operation_kind::create) {
    const std::string_view id = scim_user_codec::read(e.body, attribute::external_id);
    return !id.empty() && !numeric(id);
  }
  if (e.kind != operation_kind::update) return false;
  return std::any_of(e.diffs.begin(), e.diffs.end(), [](const plan_diff& d) {
    return d.attr == attribute::external_id && !d.after.empty() && !numeric(d.after);
  });
}

// `e` without the externalId eightsync chose: a create sends none; an update sends 8x8's value
// back as it was, and drops the change from its diffs.
plan_entry without_external_id(const plan_entry& e) {
  plan_entry out = e;
  if (e.kind == operation_kind::create) {
    scim_user_codec::write(out.body, attribute::external_id, "");
    return out;
  }
  const auto it = std::find_if(out.diffs.begin(), out.diffs.end(),
                               [](const plan_diff& d) { return d.attr == attribute::external_id; });
  if (it == out.diffs.end()) return out;
  scim_user_codec::write(out.body, attribute::external_id, it->before);
  out.diffs.erase(it);
  return out;
}

// Whether 8x8's object `user` (a create's answer, or a lookup's) shows the user active. An absent
// `active` counts as active, SCIM's default, and the safe side too: a needless PATCH to false does
// no harm, while a wrong guess of "inactive" would leave an account active before its start date.
bool shown_active(const json::object& user) noexcept {
  return scim_user_codec::read_active(user).value_or(true);
}

// The PATCH active=false that corrects `e`'s user `scim_id`, created active though `e` asked
// for inactive: a `deactivate` without the leaver's follow-ups (nobody loses a licence or a
// number they were meant to have), its reason marked as a correction.
plan_entry active_correction(const plan_entry& e, const std::string& scim_id) {
  plan_entry fix;
  fix.kind = operation_kind::deactivate;
  fix.hr_key = e.hr_key;
  fix.scim_id = scim_id;
  fix.user_name = e.user_name;
  fix.how = e.how;
  fix.desired_active = false;
  fix.body = scim_user_codec::active_patch(false);
  fix.reason = std::string(active_correction_reason) + " 8x8 created " + e.user_name +
               " active though eightsync asked for inactive (before the start date): corrected by PATCH "
               "active=false at once.";
  return fix;
}

}  // namespace

cycle_executor::cycle_executor(scim_port& port, state_store& store, audit_log& audit, std::int64_t cycle,
                               const protect_list& protect, const clock& clk,
                               std::shared_ptr<spdlog::logger> log,
                               std::uint32_t failing_action_after) noexcept
    : port_(port),
      store_(store),
      audit_(audit),
      cycle_(cycle),
      protect_(protect),
      clock_(clk),
      log_(std::move(log)),
      failing_action_after_(failing_action_after) {}

void cycle_executor::record_link(const plan_entry& e, const std::string& scim_id,
                                 const json::object* resource, std::optional<bool> active) {
  user_link l;
  if (auto old = store_.find_link(e.hr_key)) {
    l = std::move(*old);
    if (e.kind == operation_kind::create || e.kind == operation_kind::adopt) l.how = e.how;
  } else if (auto d = store_.find_decision(e.hr_key);
             d && d->kind == decision_kind::link && d->scim_id == scim_id) {
    // The first write to a user an operator linked (`eightsync link KEY ID`) makes the link real.
    l.how = managed_by::linked;
  } else {
    l.how = e.how;
  }
  l.hr_key = e.hr_key;
  l.scim_id = scim_id;
  if (resource != nullptr) {
    l.user_name = std::string(scim_user_codec::read(*resource, attribute::user_name));
    l.remote_json = json::serialize(*resource);
    l.fetched_at = clock_.now();
  } else if (l.user_name.empty()) {
    l.user_name = e.user_name;
  }
  if (e.desired_hash) l.applied_hash = e.desired_hash;
  // What 8x8 showed when known (a create's answer may not be what was asked), else what was sent.
  l.applied_active = active.value_or(e.desired_active);
  store_.upsert_link(l);
}

void cycle_executor::raise_follow_ups(const std::vector<manual_action>& follow_ups,
                                      const std::string& scim_id, execution_summary& summary) {
  for (auto a : follow_ups) {
    if (a.scim_id.empty()) a.scim_id = scim_id;
    if (audit_.raise_manual_action(cycle_, a)) ++summary.manual_actions_raised;
  }
}

void cycle_executor::skip(const plan_entry& e, const std::string& why, execution_summary& summary) {
  audit_.record_completed(cycle_, intent_for(e), local_outcome(audit_operation_outcome::skipped, why));
  ++summary.skipped;
  failed_keys_.insert(e.hr_key);
}

void cycle_executor::skip_unsent(const plan_entry& e, std::int64_t op, const scim_result& r,
                                 execution_summary& summary) {
  audit_.record_outcome(op, local_outcome(audit_operation_outcome::skipped,
                                          r.detail.empty() ? std::string("not sent") : r.detail));
  ++summary.skipped;
  failed_keys_.insert(e.hr_key);
  log_->info("op.{}.not_sent hr_key={} user={}: {}", enum_name(e.kind), e.hr_key, e.user_name, r.detail);
}

void cycle_executor::stop_for_token(const std::string& while_doing, execution_summary& summary) {
  summary.auth_failed = true;
  summary.error = "8x8 refused the token (401) while " + while_doing +
                  "; nothing more was sent. Put a new token in place (SCIM was switched off and on, or the "
                  "token was revoked).";
}

void cycle_executor::record_failure(const plan_entry& e, std::int64_t op, const scim_result& r,
                                    execution_summary& summary) {
  if (r.attempts == 0) {
    // The port sent nothing (eightsync is stopping, or this command may not wait as long as the
    // next request would): no fault of the user's, so no backoff; the next cycle plans it again.
    skip_unsent(e, op, r, summary);
    return;
  }
  audit_.record_outcome(op, outcome_of(r, audit_operation_outcome::failed));
  count_failure(e, r, summary);
}

void cycle_executor::count_failure(const plan_entry& e, const scim_result& r, execution_summary& summary) {
  ++summary.failed;
  failed_keys_.insert(e.hr_key);
  const std::string detail = scim_failure_text(r);
  if (r.outcome == scim_outcome::auth_failed) {
    stop_for_token("writing " + e.user_name, summary);
    log_->error("op.{}.auth_failed hr_key={} user={}", enum_name(e.kind), e.hr_key, e.user_name);
    return;
  }
  if (r.outcome == scim_outcome::write_forbidden) {
    forbidden_users_.emplace(e.hr_key, detail);
    if (forbidden_users_.size() >= 2 && !summary.write_forbidden) {
      summary.write_forbidden = true;
      summary.error = "8x8 answered 403 to writes for " + std::to_string(forbidden_users_.size()) +
                      " different users: another client is primary (or SCIM is read-only); the rest of "
                      "the cycle only read.";
      log_->error("cycle.write_forbidden users={}", forbidden_users_.size());
    }
    // Whose fault it is is known only at the end of the cycle: a single 403 is that user's (it
    // backs off), 403s for several users are the account's (read-only), and backing those users
    // off would delay them after 8x8 is writable again. The end of execute() decides.
    log_->warn("op.{}.failed hr_key={} user={} {}", enum_name(e.kind), e.hr_key, e.user_name, detail);
    return;
  }
  const std::uint32_t failures = audit_.record_user_failure(e.hr_key, cycle_, detail);
  if (failing_before_.count(e.hr_key) != 0) ++summary.still_failing;
  raise_keeps_failing(e, failures, detail, summary);
  log_->warn("op.{}.failed hr_key={} user={} {}", enum_name(e.kind), e.hr_key, e.user_name, detail);
}

// A user whose writes fail cycle after cycle: after failing.manual_action_after of them, a person
// should look (a bad HR value, a licence, a deleted 8x8 user). One action per user, with the
// error as it was when raised; eightsync goes on trying with backoff.
void cycle_executor::raise_keeps_failing(const plan_entry& e, std::uint32_t failures,
                                         const std::string& error, execution_summary& summary) {
  if (failures < failing_action_after_) return;
  manual_action a;
  a.kind = manual_action_kind::keeps_failing;
  a.hr_key = e.hr_key;
  a.scim_id = e.scim_id;
  a.user_name = e.user_name;
  a.text = e.user_name + " (HR key " + e.hr_key + ") failed in " + std::to_string(failures) +
           " cycles in a row; the last error: " + error +
           ". eightsync keeps trying, with backoff (`eightsync status` lists it). Fix the cause in HR, the "
           "mapping or Admin Console, then resolve this action.";
  a.dedupe_key = "keeps_failing:" + e.hr_key;
  if (audit_.raise_manual_action(cycle_, a)) ++summary.manual_actions_raised;
}

boost::asio::awaitable<void> cycle_executor::adopt_after_conflict(const plan_entry& e, std::int64_t op,
                                                                  const scim_result& post,
                                                                  execution_summary& summary) {
  // 409: the userName exists. Look it up and apply the planner's adoption rules to it.
  auto found = co_await port_.find_by_user_name(e.user_name);
  std::string why;
  if (found.ok() && found.resource) {
    const auto& r = *found.resource;
    why = adoption_refusal(e, r, store_, protect_);
    if (why.empty()) {
      const std::string id(scim_user_codec::read_id(r));
      const bool ext_empty = is_blank(scim_user_codec::read(r, attribute::external_id));
      store_.in_transaction([&] {
        auto out = outcome_of(post, audit_operation_outcome::conflict);
        out.scim_id = id;
        out.error_detail = "409: the userName exists; adopted 8x8 user " + id +
                           " (active, unlinked, externalId " + (ext_empty ? "empty" : "equal") + ")";
        audit_.record_outcome(op, out);
        plan_entry adopted = e;
        adopted.kind = operation_kind::adopt;
        adopted.how = managed_by::matched;
        adopted.desired_hash.reset();  // attributes still differ: the next cycle updates them
        // Someone else's account, active (or it would not be adopted): never corrected here, even
        // before the start date. Its link says what 8x8 has, and the next plan decides.
        record_link(adopted, id, &r, shown_active(r));
        audit_.record_completed(cycle_, intent_for(adopted), local_outcome(audit_operation_outcome::ok));
      });
      ++summary.ok;
      log_->info("op.create.adopted hr_key={} user={} id={}", e.hr_key, e.user_name, id);
      co_return;
    }
  } else if (found.outcome == scim_outcome::not_found) {
    taken_elsewhere(e, op, post, summary);
    co_return;
  } else {
    why = "the lookup after the 409 gave " + std::string(enum_name(found.outcome));
  }
  auto out = outcome_of(post, audit_operation_outcome::conflict);
  out.error_detail = "409: " + why;
  audit_.record_outcome(op, out);
  manual_action a;
  a.kind = manual_action_kind::resolve_conflict;
  a.hr_key = e.hr_key;
  a.user_name = e.user_name;
  a.text = "Creating " + e.user_name + " for HR key " + e.hr_key + " met an existing user (409): " + why +
           ". Run `eightsync link " + e.hr_key + " ID` or `eightsync link " + e.hr_key + " --create-new`.";
  a.dedupe_key = "resolve_conflict:" + e.hr_key + ":409";
  if (audit_.raise_manual_action(cycle_, a)) ++summary.manual_actions_raised;
  ++summary.conflicts;
  failed_keys_.insert(e.hr_key);
}

// 409, and yet this account has nobody with the userName: userName is unique across all of 8x8,
// so another account has it. Nothing here can be adopted, and sending the POST again changes
// nothing: a manual action, and the planner holds the create back until the userName changes or
// the action is resolved. Not a user failure, so the user does not back off either.
void cycle_executor::taken_elsewhere(const plan_entry& e, std::int64_t op, const scim_result& post,
                                     execution_summary& summary) {
  auto out = outcome_of(post, audit_operation_outcome::conflict);
  out.error_detail =
      "409: userName " + e.user_name + " is taken in another 8x8 account (no user here has it)";
  manual_action a;
  a.kind = manual_action_kind::user_name_taken_elsewhere;
  a.hr_key = e.hr_key;
  a.user_name = e.user_name;
  a.text = "userName " + e.user_name + " (HR key " + e.hr_key +
           ") is taken in another 8x8 account: 8x8 answered 409, but no user in this account has it "
           "(userName is unique across all of 8x8). Change this person's userName mapping or value in HR. "
           "eightsync creates them once the userName changes, or tries this one again when this action "
           "is resolved.";
  a.dedupe_key = taken_elsewhere_dedupe_key(e.hr_key, e.user_name);
  store_.in_transaction([&] {
    audit_.record_outcome(op, out);
    if (audit_.raise_manual_action(cycle_, a)) ++summary.manual_actions_raised;
  });
  ++summary.conflicts;
  failed_keys_.insert(e.hr_key);
  log_->warn("op.create.taken_elsewhere hr_key={} user={}: 409, and no user in this account has it", e.hr_key,
             e.user_name);
}

boost::asio::awaitable<void> cycle_executor::create(const plan_entry& e, std::int64_t op,
                                                    execution_summary& summary) {
  auto r = co_await port_.create(e.body);
  if (r.ok() && r.resource) {
    const std::string id(scim_user_codec::read_id(*r.resource));
    const bool active = shown_active(*r.resource);
    store_.in_transaction([&] {
      auto out = outcome_of(r, audit_operation_outcome::ok);
      out.scim_id = id;
      audit_.record_outcome(op, out);
      record_link(e, id, &*r.resource, active);
      audit_.record_user_success(e.hr_key);
      raise_follow_ups(e.follow_ups, id, summary);
      remember_site(e);
    });
    ++summary.ok;
    log_->info("op.create.ok hr_key={} user={} id={} active={}", e.hr_key, e.user_name, id, active);
    if (!e.desired_active && active) co_await correct_active(e, id, summary);
    co_return;
  }
  if (r.outcome == scim_outcome::conflict) {
    co_await adopt_after_conflict(e, op, r, summary);
    co_return;
  }
  if (r.outcome == scim_outcome::outcome_unknown) {
    co_await settle_lost_create(e, op, r, summary);
    co_return;
  }
  // A non-numeric externalId is tried first: the write without it tells whether that was all,
  // and if it is refused too, the unseen site is what is left to blame.
  if (co_await retry_without_external_id(e, op, r, summary)) co_return;
  if (refused_for_site(e, op, r, summary)) co_return;
  record_failure(e, op, r, summary);
}

// A 400 to a write setting a site 8x8 was never seen to accept: 8x8 refuses a site that does
// not exactly match one in Admin Console, and its error text is undocumented, so the unseen
// site is what eightsync blames. One unknown_site action per site, naming how many wait; the
// user does not back off (nothing of theirs is wrong), and the cycle's other writes with that
// site are not sent. Returns whether it handled the 400.
bool cycle_executor::refused_for_site(const plan_entry& e, std::int64_t op, const scim_result& r,
                                      execution_summary& summary) {
  if (r.outcome != scim_outcome::invalid || e.unseen_site.empty()) return false;
  auto out = outcome_of(r, audit_operation_outcome::failed);
  // 8x8's own words are kept for the admin, though eightsync does not go by them.
  out.error_detail =
      "400 for site \"" + e.unseen_site +
      "\", which 8x8 was never seen to accept: waits for the unknown_site manual action (8x8 said: " +
      scim_failure_text(r) + ")";
  const std::string key = unknown_site_dedupe_key(e.unseen_site);
  store_.in_transaction([&] {
    audit_.record_outcome(op, out);
    if (plan_ == nullptr) return;
    for (const auto& a : plan_->site_actions) {
      if (a.dedupe_key == key && audit_.raise_manual_action(cycle_, a)) ++summary.manual_actions_raised;
    }
  });
  refused_sites_.insert(e.unseen_site);
  ++summary.waiting_for_site;
  failed_keys_.insert(e.hr_key);
  log_->warn("op.{}.site_refused hr_key={} user={} site=\"{}\": 400 for a site 8x8 was never seen to accept",
             enum_name(e.kind), e.hr_key, e.user_name, e.unseen_site);
  return true;
}

// A write 8x8 accepted with a site it was not seen with before: the site exists.
void cycle_executor::remember_site(const plan_entry& e) {
  if (e.unseen_site.empty()) return;
  const std::array<std::string, 1> sites{e.unseen_site};
  store_.record_known_sites(sites);
}

// A 400 to a write whose only unusual part is a non-numeric externalId: an older 8x8 article
// types externalId as an integer, and an account may still refuse anything else. Sent once more
// without it (8x8's error text is undocumented, so the retry is the test); when that succeeds,
// the rest of the cycle sends no externalId and the cycle reports one error instead of a
// failure per user. Returns whether it handled the 400 (the retry's outcome is recorded).
boost::asio::awaitable<bool> cycle_executor::retry_without_external_id(const plan_entry& e, std::int64_t op,
                                                                       const scim_result& r,
                                                                       execution_summary& summary) {
  if (r.outcome != scim_outcome::invalid || external_id_refused_ || !writes_non_numeric_external_id(e))
    co_return false;
  auto out = outcome_of(r, audit_operation_outcome::failed);
  out.error_detail = "400 with a non-numeric externalId: sent again without it";
  audit_.record_outcome(op, out);
  log_->warn("op.{}.external_id_refused hr_key={} user={}: 400; sending it again without externalId",
             enum_name(e.kind), e.hr_key, e.user_name);
  const std::size_t done_before = summary.ok + summary.not_applied;
  external_id_refused_ = true;
  co_await run_one(without_external_id(e), summary);
  if (summary.ok + summary.not_applied > done_before) {
    summary.external_id_refused = true;
    log_->error(
        "cycle.external_id_refused: 8x8 refuses non-numeric externalIds; none is sent for the rest "
        "of the cycle");
  } else {
    // Refused without it too: the externalId was not what 8x8 objected to.
    external_id_refused_ = false;
  }
  co_return true;
}

// The POST may have created the user: look, never resend (invariant 1).
boost::asio::awaitable<void> cycle_executor::settle_lost_create(const plan_entry& e, std::int64_t op,
                                                                const scim_result& post,
                                                                execution_summary& summary) {
  auto found = co_await port_.find_by_user_name(e.user_name);
  if (found.ok() && found.resource) {
    const std::string id(scim_user_codec::read_id(*found.resource));
    const bool active = shown_active(*found.resource);
    store_.in_transaction([&] {
      auto out = outcome_of(post, audit_operation_outcome::resolved_applied, audit_resolution::lookup);
      out.scim_id = id;
      audit_.record_outcome(op, out);
      record_link(e, id, &*found.resource, active);
      raise_follow_ups(e.follow_ups, id, summary);
    });
    ++summary.ok;
    log_->info("op.create.resolved hr_key={} user={} id={} applied=true active={}", e.hr_key, e.user_name, id,
               active);
    if (!e.desired_active && active) co_await correct_active(e, id, summary);
    co_return;
  }
  ++summary.failed;
  failed_keys_.insert(e.hr_key);
  if (found.outcome == scim_outcome::not_found) {
    audit_.record_outcome(
        op, outcome_of(post, audit_operation_outcome::resolved_not_applied, audit_resolution::lookup));
    audit_.record_user_failure(e.hr_key, cycle_, "the create's answer was lost and the user was not created");
    log_->warn("op.create.resolved hr_key={} user={} applied=false", e.hr_key, e.user_name);
    co_return;
  }
  // Still unknown: the intent stays open and the next start settles it.
  log_->warn("op.create.unknown hr_key={} user={}: left for the next start to look up", e.hr_key,
             e.user_name);
  if (found.outcome == scim_outcome::auth_failed) {
    // Stop the cycle, but leave the intent open: the POST may have been applied, and only a
    // lookup (at the next start, with a working token) can say. Recording it `failed` would
    // hide a user 8x8 may hold.
    stop_for_token("looking up " + e.user_name + " after its create got no answer", summary);
    log_->error("op.create.auth_failed hr_key={} user={}", e.hr_key, e.user_name);
  }
}

// 8x8 created `e`'s user `scim_id` active though the create asked for inactive (the person's
// start date has not come): PATCH it false at once, or they would have access before they start.
// Its own intent and outcome, like any write; a correction, not a leaver (invariant 3). A PATCH
// whose answer is lost is settled by a GET, as any PATCH is. When it fails, the link keeps what
// 8x8 has (active, recorded with the create) and the next plan sees the account active.
boost::asio::awaitable<void> cycle_executor::correct_active(const plan_entry& e, const std::string& scim_id,
                                                            execution_summary& summary) {
  const plan_entry fix = active_correction(e, scim_id);
  log_->warn(
      "op.create.active_ignored hr_key={} user={} id={}: 8x8 created the account active though eightsync "
      "asked for inactive (before the start date); sending PATCH active=false",
      e.hr_key, e.user_name, scim_id);
  const std::int64_t op = audit_.record_intent(cycle_, intent_for(fix));
  auto r = co_await port_.set_active(scim_id, false);
  const std::size_t ok_before = summary.ok;
  if (r.ok()) {
    record_applied(fix, op, outcome_of(r, audit_operation_outcome::ok), r.resource ? &*r.resource : nullptr,
                   summary);
    ++summary.ok;
  } else {
    co_await record_unsuccessful_write(fix, op, r, summary);
  }
  if (summary.ok > ok_before) {
    ++summary.active_corrected;
    log_->info("op.create.corrected hr_key={} user={} id={}: active=false before the start date", e.hr_key,
               e.user_name, scim_id);
    co_return;
  }
  log_->error(
      "op.create.correction_failed hr_key={} user={} id={}: {} is active in 8x8 before the start date; "
      "PATCH active=false gave {}. The link records it active, so the next plan sees it.",
      e.hr_key, e.user_name, scim_id, e.user_name, scim_failure_text(r));
}

boost::asio::awaitable<void> cycle_executor::replace(const plan_entry& e, std::int64_t op,
                                                     execution_summary& summary) {
  auto rr = co_await port_.replace(e.scim_id, e.body);
  if (!rr.result.ok()) {
    if (co_await retry_without_external_id(e, op, rr.result, summary)) co_return;
    if (refused_for_site(e, op, rr.result, summary)) co_return;
    co_await record_unsuccessful_write(e, op, rr.result, summary);
    co_return;
  }
  auto out = outcome_of(
      rr.result, rr.not_applied.empty() ? audit_operation_outcome::ok : audit_operation_outcome::not_applied);
  if (!rr.not_applied.empty()) {
    out.error_detail = "8x8 did not apply:";
    for (const auto& a : rr.not_applied)
      out.error_detail += " " + a;
  }
  // The attributes 8x8 left as they were become manual actions with the outcome, in one
  // transaction: none is lost to a crash or a full disk between the two.
  store_.in_transaction([&] {
    record_applied(e, op, out, rr.result.resource ? &*rr.result.resource : nullptr, summary);
    raise_not_applied(e, rr.not_applied, summary);
    if (rr.not_applied.empty()) remember_site(e);
  });
  if (rr.not_applied.empty()) {
    ++summary.ok;
  } else {
    ++summary.not_applied;
  }
  log_->info("op.update.{} hr_key={} user={} id={}", rr.not_applied.empty() ? "ok" : "not_applied", e.hr_key,
             e.user_name, e.scim_id);
}

void cycle_executor::enable_recheck(const mapping_result& desired, const planner_options& options,
                                    const planner_state& state) noexcept {
  recheck_desired_ = &desired;
  recheck_options_ = &options;
  recheck_state_ = &state;
}

void cycle_executor::set_source_sha256(std::string sha256) noexcept {
  source_sha256_ = std::move(sha256);
}

void cycle_executor::set_between(std::function<boost::asio::awaitable<void>()> between,
                                 const std::set<std::string>* superseded) noexcept {
  between_ = std::move(between);
  superseded_ = superseded;
}

bool cycle_executor::superseded(const plan_entry& e, execution_summary& summary) {
  if (superseded_ == nullptr || superseded_->count(e.hr_key) == 0) return false;
  // Not recorded, like an interrupted cycle's unsent operations: the next cycle, which starts as
  // soon as this one ends, plans this person from the newer export.
  log_->info("op.{}.dropped hr_key={} user={}: a newer HR export changed this person's row",
             enum_name(e.kind), e.hr_key, e.user_name);
  ++summary.superseded;
  return true;
}

audit_intent cycle_executor::intent_for(const plan_entry& e) const {
  audit_intent i = intent_of(e);
  i.source_sha256 = source_sha256_;
  return i;
}

// Whether `e` is a PUT built on a copy of the user that would be older than max_snapshot_age
// when it leaves (the rate limiter's wait included): sending it could put back what an admin
// changed in 8x8 since the copy was taken.
bool cycle_executor::is_stale(const plan_entry& e) const noexcept {
  return recheck_options_ != nullptr && e.kind == operation_kind::update && e.fetched_at &&
         too_old_to_send(*e.fetched_at, clock_.now(), recheck_options_->max_snapshot_age,
                         recheck_options_->rate);
}

// HR's row for `hr_key` in the export the plan was made from (mapping_result keeps its users
// sorted by key), or nullptr.
const desired_user* cycle_executor::desired_for(const std::string& hr_key) const noexcept {
  const auto& users = recheck_desired_->users;
  const auto it = std::lower_bound(users.begin(), users.end(), hr_key,
                                   [](const desired_user& d, const std::string& k) { return d.key < k; });
  return it != users.end() && it->key == hr_key ? &*it : nullptr;
}

// What the planner needs to decide `e`'s user again, as state.db holds it now (this cycle's
// earlier writes included): the user's link, any other link to the same 8x8 user, the sites
// known so far, and the plan's open actions and site schema.
planner_state cycle_executor::recheck_state(const plan_entry& e) const {
  planner_state st;
  if (auto own = store_.find_link(e.hr_key)) st.links.push_back(std::move(*own));
  if (auto other = store_.find_link_by_scim_id(e.scim_id); other && other->hr_key != e.hr_key)
    st.links.push_back(std::move(*other));
  st.open_actions = recheck_state_->open_actions;
  st.site_schema = recheck_state_->site_schema;
  st.known_sites = store_.known_sites();
  return st;
}

// A PUT whose copy is stale at its turn: GET the user, decide again (recheck_update), and audit
// the GET with the planned attributes and the decision. Returns the PUT to send, or nothing when
// the new decision sends nothing (recorded here).
boost::asio::awaitable<std::optional<plan_entry>> cycle_executor::recheck(const plan_entry& e,
                                                                          execution_summary& summary) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  ++summary.refetched;
  audit_intent look;
  look.kind = audit_operation_kind::lookup;
  look.hr_key = e.hr_key;
  look.scim_id = e.scim_id;
  look.user_name = e.user_name;
  look.diffs = e.diffs;  // what was planned; the PUT's own row shows what was sent
  look.method = "GET";
  look.path = "/Users/" + e.scim_id;
  look.source_sha256 = source_sha256_;
  look.reason = "Fetched again before its PUT: the copy the plan used is " +
                std::to_string(duration_cast<seconds>(clock_.now() - *e.fetched_at).count()) +
                " s old; target.max_snapshot_age is " +
                std::to_string(duration_cast<seconds>(recheck_options_->max_snapshot_age).count()) +
                " s, less one target.rate_limit window (the longest the PUT may wait to leave).";
  const desired_user* d = desired_for(e.hr_key);
  auto got = co_await port_.get(e.scim_id);
  std::optional<remote_user> fresh;
  std::string problem;
  if (!got.ok() || !got.resource) {
    problem = scim_failure_text(got);
  } else if (d == nullptr) {
    problem = "HR key " + e.hr_key + " is not in the export this plan was made from";
  } else if (auto parsed = remote_user::from_object(*got.resource, clock_.now()); !parsed) {
    problem = "8x8's answer is not a usable user: " + parsed.error();
  } else {
    fresh = std::move(*parsed);
  }
  if (!fresh) {
    // Without a fresh copy the PUT cannot be shown safe: it is not sent; the next cycle plans it.
    auto failed = outcome_of(got, audit_operation_outcome::failed);
    if (failed.error_detail.empty()) failed.error_detail = problem;
    audit_.record_completed(cycle_, look, failed);
    if (got.outcome == scim_outcome::auth_failed)
      stop_for_token("reading " + e.user_name + " before its PUT", summary);
    skip(e,
         "not sent: reading the user again before the PUT (its copy was older than max_snapshot_age) gave " +
             problem,
         summary);
    log_->warn("op.update.refetch_failed hr_key={} user={} id={}: {}", e.hr_key, e.user_name, e.scim_id,
               problem);
    co_return std::nullopt;
  }
  planner_options options = *recheck_options_;
  options.now = clock_.now();
  update_recheck decided = recheck_update(e, *d, *fresh, recheck_state(e), std::move(options));
  look.reason += " Decided again: " + std::string(enum_name(decided.verdict)) + " (" + decided.reason + ").";
  std::optional<plan_entry> out;
  store_.in_transaction([&] {
    audit_.record_completed(cycle_, look, outcome_of(got, audit_operation_outcome::ok));
    out = apply_recheck(e, *got.resource, std::move(decided), summary);
  });
  co_return out;
}

// Records what deciding `e` again on `fresh` concluded: the fresh copy in the link, the manual
// actions, the link refresh when 8x8 already shows HR's values. Returns the PUT to send, if any.
std::optional<plan_entry> cycle_executor::apply_recheck(const plan_entry& e, const json::object& fresh,
                                                        update_recheck decided, execution_summary& summary) {
  store_.record_remote(e.hr_key, json::serialize(fresh), clock_.now());
  for (const auto& a : decided.manual_actions)
    if (audit_.raise_manual_action(cycle_, a)) ++summary.manual_actions_raised;
  log_->info("op.update.refetched hr_key={} user={} id={} verdict={}: {}", e.hr_key, e.user_name, e.scim_id,
             enum_name(decided.verdict), decided.reason);
  switch (decided.verdict) {
    case recheck_verdict::send:
    case recheck_verdict::narrowed:
      decided.entry.reason += " Decided again on a copy fetched just before the PUT: " + decided.reason + ".";
      return std::move(decided.entry);
    case recheck_verdict::unchanged:
      if (auto l = store_.find_link(e.hr_key); l && decided.refresh) {
        l->user_name = decided.refresh->user_name;
        l->applied_hash = decided.refresh->applied_hash;
        l->applied_active = decided.refresh->applied_active;
        store_.upsert_link(*l);
      }
      return std::nullopt;
    case recheck_verdict::left_alone:
    case recheck_verdict::deferred:
      ++summary.deferred;
      return std::nullopt;
  }
  return std::nullopt;
}

// Each attribute 8x8 accepted but did not apply becomes a manual action: sending the PUT again
// would only be ignored again. A write-once attribute (site) is a change for Admin Console.
void cycle_executor::raise_not_applied(const plan_entry& e, const std::vector<std::string>& paths,
                                       execution_summary& summary) {
  for (const auto& a : paths) {
    manual_action m;
    m.kind = is_write_once(attribute_at_scim_path(a)) ? manual_action_kind::change_site
                                                      : manual_action_kind::set_by_hand;
    m.hr_key = e.hr_key;
    m.scim_id = e.scim_id;
    m.user_name = e.user_name;
    m.text = "8x8 accepted the update of " + e.user_name + " but did not apply " + a +
             ": set it by hand in Admin Console.";
    m.dedupe_key = "not_applied:" + e.hr_key + ":" + e.scim_id + ":" + a;
    if (audit_.raise_manual_action(cycle_, m)) ++summary.manual_actions_raised;
  }
}

// deactivate / reactivate: PATCH active only.
boost::asio::awaitable<void> cycle_executor::set_active(const plan_entry& e, std::int64_t op,
                                                        execution_summary& summary) {
  auto r = co_await port_.set_active(e.scim_id, e.kind == operation_kind::reactivate);
  if (!r.ok()) {
    co_await record_unsuccessful_write(e, op, r, summary);
    co_return;
  }
  record_applied(e, op, outcome_of(r, audit_operation_outcome::ok), r.resource ? &*r.resource : nullptr,
                 summary);
  ++summary.ok;
  log_->info("op.{}.ok hr_key={} user={} id={}", enum_name(e.kind), e.hr_key, e.user_name, e.scim_id);
}

boost::asio::awaitable<void> cycle_executor::run_one(const plan_entry& e, execution_summary& summary) {
  if (is_stale(e)) {
    auto decided = co_await recheck(e, summary);
    if (!decided) co_return;
    // The refetch was a request too: a newer export's leavers go before the PUT, and the PUT is
    // dropped when that export changed this person's row.
    if (between_) {
      co_await between_();
      if (superseded(e, summary)) co_return;
    }
    // Decided on a copy fetched just now: never fetched again, however long its PUT then waits.
    decided->fetched_at.reset();
    co_await run_one(*decided, summary);
    co_return;
  }
  if (e.kind == operation_kind::adopt) {
    store_.in_transaction([&] {
      audit_.record_completed(cycle_, intent_for(e), local_outcome(audit_operation_outcome::ok));
      record_link(e, e.scim_id, nullptr);
    });
    ++summary.ok;
    log_->info("op.adopt.ok hr_key={} user={} id={}", e.hr_key, e.user_name, e.scim_id);
    co_return;
  }
  if (external_id_refused_ && writes_non_numeric_external_id(e)) {
    const plan_entry sent = without_external_id(e);
    if (sent.kind == operation_kind::update && sent.diffs.empty()) {
      // Only the externalId would change: nothing to send. Not the user's failure.
      audit_.record_completed(
          cycle_, intent_for(e),
          local_outcome(audit_operation_outcome::skipped,
                        "not sent: only externalId changes, and 8x8 refuses non-numeric externalIds"));
      ++summary.skipped;
      co_return;
    }
    co_await run_one(sent, summary);
    co_return;
  }
  const std::int64_t op = audit_.record_intent(cycle_, intent_for(e));
  switch (e.kind) {
    case operation_kind::create:
      co_await create(e, op, summary);
      break;
    case operation_kind::update:
      co_await replace(e, op, summary);
      break;
    case operation_kind::deactivate:
    case operation_kind::reactivate:
      co_await set_active(e, op, summary);
      break;
    case operation_kind::adopt:
      break;
  }
}

// A PATCH or a PUT 8x8 applied, by its answer or as a GET showed, in one transaction: the
// outcome, the link (for a PUT the asked hash and 8x8's object, so the next cycle sees no change
// to send and an attribute 8x8 refuses is not sent again and again; for a PATCH `active` and the
// object when known), the end of any backoff; then a PATCH's follow-ups. The caller counts it.
void cycle_executor::record_applied(const plan_entry& e, std::int64_t op, const audit_outcome& out,
                                    const json::object* resource, execution_summary& summary) {
  store_.in_transaction([&] {
    audit_.record_outcome(op, out);
    if (e.kind == operation_kind::update) {
      record_link(e, e.scim_id, resource);
    } else {
      store_.record_applied_active(e.hr_key, e.kind == operation_kind::reactivate);
      if (resource != nullptr) store_.record_remote(e.hr_key, json::serialize(*resource), clock_.now());
    }
    audit_.record_user_success(e.hr_key);
    raise_follow_ups(e.follow_ups, e.scim_id, summary);
  });
}

// A PUT or PATCH that did not succeed: settled by a GET when 8x8 may have applied it anyway,
// otherwise recorded as failed.
boost::asio::awaitable<void> cycle_executor::record_unsuccessful_write(const plan_entry& e, std::int64_t op,
                                                                       const scim_result& r,
                                                                       execution_summary& summary) {
  if (may_have_applied(r)) {
    co_await settle_uncertain_write(e, op, r, summary);
  } else {
    record_failure(e, op, r, summary);
  }
}

// A PUT or PATCH whose fate the answer does not tell (lost, cut short, 5xx): one GET of the user
// settles it, as an interrupted intent is settled at start. Applied: recorded resolved_applied
// and treated as done. Not applied: resolved_not_applied, a failure that backs off. The GET
// failing too: recorded failed with both errors (the next cycle compares 8x8 with HR afresh and
// sends what is still missing); a 401 leaves the intent open for the next start.
boost::asio::awaitable<void> cycle_executor::settle_uncertain_write(const plan_entry& e, std::int64_t op,
                                                                    const scim_result& r,
                                                                    execution_summary& summary) {
  const std::string kind(enum_name(e.kind));
  log_->warn(
      "op.{}.uncertain hr_key={} user={} id={} outcome={}: reading the user to see whether 8x8 applied it",
      kind, e.hr_key, e.user_name, e.scim_id, enum_name(r.outcome));
  auto found = co_await port_.get(e.scim_id);
  const std::string first = scim_failure_text(r);
  if (found.outcome == scim_outcome::auth_failed) {
    ++summary.failed;
    failed_keys_.insert(e.hr_key);
    stop_for_token("reading " + e.user_name + " to settle its " + kind, summary);
    log_->error("op.{}.auth_failed hr_key={} user={}: the write stays open for the next start to settle",
                kind, e.hr_key, e.user_name);
    co_return;
  }
  if (found.ok() && found.resource) {
    const bool applied = shows_applied(intent_for(e), *found.resource);
    auto out = outcome_of(
        r,
        applied ? audit_operation_outcome::resolved_applied : audit_operation_outcome::resolved_not_applied,
        audit_resolution::lookup);
    out.error_detail =
        first + (applied ? "; a GET showed 8x8 applied it" : "; a GET showed 8x8 did not apply it");
    if (applied) {
      record_applied(e, op, out, &*found.resource, summary);
      ++summary.ok;
      log_->info("op.{}.resolved hr_key={} user={} id={} applied=true", kind, e.hr_key, e.user_name,
                 e.scim_id);
      co_return;
    }
    audit_.record_outcome(op, out);
    count_failure(e, r, summary);
    co_return;
  }
  auto out = outcome_of(r, audit_operation_outcome::failed);
  out.error_detail += "; reading the user to settle it gave " + std::string(enum_name(found.outcome)) +
                      (found.detail.empty() ? "" : ": " + found.detail);
  audit_.record_outcome(op, out);
  count_failure(e, r, summary);
}

boost::asio::awaitable<void> cycle_executor::execute(const plan& p, const std::set<std::string>& backoff,
                                                     execution_summary& summary,
                                                     const std::atomic<bool>* stop) {
  plan_ = &p;
  for (const auto& f : audit_.failing_users())
    failing_before_.insert(f.hr_key);
  for (const auto& e : p.operations) {
    // A newer export may be read here (set_between): its leavers go now, and this plan's
    // operations for people whose row it changed are dropped below.
    if (between_ && !summary.auth_failed) co_await between_();
    if (stop != nullptr && stop->load()) {
      // SIGTERM: the request in flight finished; nothing new starts. Unsent operations are
      // not recorded: the next cycle plans them afresh.
      summary.interrupted = true;
      break;
    }
    if (summary.auth_failed) {
      skip(e, "not sent: the cycle stopped when 8x8 refused the token (401)", summary);
      continue;
    }
    if (summary.write_forbidden && operation_sends_request(e.kind)) {
      skip(e, "not sent: the cycle turned read-only after 403s for several users", summary);
      continue;
    }
    if (backoff.count(e.hr_key) != 0) {
      skip(e, "not sent: this user failed in earlier cycles and is backing off (see `eightsync status`)",
           summary);
      ++summary.still_failing;
      continue;
    }
    if (!e.unseen_site.empty() && refused_sites_.count(e.unseen_site) != 0) {
      // 8x8 refused this site for someone else this cycle: one try per site, not per person.
      audit_.record_completed(
          cycle_, intent_for(e),
          local_outcome(audit_operation_outcome::skipped, "not sent: 8x8 refused site \"" + e.unseen_site +
                                                              "\" this cycle (unknown_site manual action)"));
      ++summary.waiting_for_site;
      failed_keys_.insert(e.hr_key);
      continue;
    }
    if (superseded(e, summary)) continue;
    if (e.after && failed_keys_.count(e.hr_key) != 0) {
      skip(e,
           std::string("not sent: this user's ") + std::string(enum_name(*e.after)) +
               " did not succeed this cycle",
           summary);
      continue;
    }
    co_await run_one(e, summary);
  }
  // A lone 403 was that user's failure: it backs off like any other.
  if (!summary.write_forbidden) {
    for (const auto& [key, detail] : forbidden_users_)
      audit_.record_user_failure(key, cycle_, detail);
  }
  record_link_refreshes(p);
  plan_ = nullptr;  // `p` is the caller's: no pointer into it outlives this call
}

// Links 8x8 already shows as HR wants: recorded without a request.
void cycle_executor::record_link_refreshes(const plan& p) {
  if (p.link_refreshes.empty()) return;
  store_.in_transaction([&] {
    for (const auto& r : p.link_refreshes) {
      // What this plan saw of a person a newer export changed may be older than their link.
      if (superseded_ != nullptr && superseded_->count(r.hr_key) != 0) continue;
      auto l = store_.find_link(r.hr_key);
      if (!l) continue;
      l->user_name = r.user_name;
      l->applied_hash = r.applied_hash;
      l->applied_active = r.applied_active;
      store_.upsert_link(*l);
    }
  });
}

// A PATCH an earlier run sent, which a lookup now shows applied: the link records its `active`,
// as the PATCH's answer would have. Without it, an account corrected to inactive before its start
// date would look deactivated by an admin to the next plan.
void cycle_executor::record_resolved_patch(const audit_intent& in, const std::string& scim_id) {
  if (in.kind != audit_operation_kind::deactivate && in.kind != audit_operation_kind::reactivate) return;
  if (const auto l = store_.find_link(in.hr_key); l && l->scim_id == scim_id)
    store_.record_applied_active(in.hr_key, in.kind == audit_operation_kind::reactivate);
}

boost::asio::awaitable<bool> cycle_executor::resolve_intents(execution_summary& summary) {
  for (const auto& pending : audit_.unresolved_intents()) {
    const auto& in = pending.intent;
    scim_result r;
    if (in.kind == audit_operation_kind::create) {
      r = co_await port_.find_by_user_name(in.user_name);
    } else if (!in.scim_id.empty()) {
      r = co_await port_.get(in.scim_id);
    } else {
      continue;
    }
    if (r.outcome == scim_outcome::auth_failed) {
      summary.auth_failed = true;
      summary.error = "8x8 refused the token (401) while settling an earlier run's unfinished write";
      co_return false;
    }
    audit_outcome out;
    out.resolved_by = audit_resolution::lookup;
    if (r.status != 0) out.status = static_cast<int>(r.status);
    out.attempts = static_cast<std::uint32_t>(r.attempts);
    if (r.ok() && r.resource) {
      const auto& obj = *r.resource;
      const bool applied = shows_applied(in, obj);
      out.outcome =
          applied ? audit_operation_outcome::resolved_applied : audit_operation_outcome::resolved_not_applied;
      const std::string id(scim_user_codec::read_id(obj));
      out.scim_id = id;
      store_.in_transaction([&] {
        audit_.record_outcome(pending.id, out);
        // The follow-ups the write made due, in the same transaction as the outcome: a create
        // settled here after a crash or a full disk still gets its license reminder.
        if (applied) raise_follow_ups(in.follow_ups, id, summary);
        if (applied) record_resolved_patch(in, id);
        if (in.kind == audit_operation_kind::create && applied && !store_.find_link(in.hr_key) &&
            !store_.find_link_by_scim_id(id)) {
          // The create went through before the crash: the user is eightsync's. No applied hash,
          // so the next cycle compares every attribute with HR.
          user_link l;
          l.hr_key = in.hr_key;
          l.scim_id = id;
          l.user_name = std::string(scim_user_codec::read(obj, attribute::user_name));
          l.how = managed_by::created;
          l.applied_active = scim_user_codec::read_active(obj).value_or(true);
          l.remote_json = json::serialize(obj);
          l.fetched_at = clock_.now();
          store_.upsert_link(l);
        }
      });
      log_->info("intent.resolved op={} kind={} hr_key={} applied={}", pending.id, enum_name(in.kind),
                 in.hr_key, applied);
    } else if (r.outcome == scim_outcome::not_found) {
      out.outcome = audit_operation_outcome::resolved_not_applied;
      audit_.record_outcome(pending.id, out);
      log_->info("intent.resolved op={} kind={} hr_key={} applied=false", pending.id, enum_name(in.kind),
                 in.hr_key);
    } else {
      log_->warn("intent.unresolved op={} kind={} hr_key={}: the lookup gave {}; trying again next start",
                 pending.id, enum_name(in.kind), in.hr_key, enum_name(r.outcome));
    }
  }
  co_return true;
}

#pragma GCC diagnostic pop

}  // namespace eightsync::core
