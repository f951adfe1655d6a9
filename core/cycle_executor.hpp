#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "config/config_defaults.hpp"
#include "core/audit_log.hpp"
#include "core/audit_rows.hpp"
#include "core/clock.hpp"
#include "core/mapping_result.hpp"
#include "core/plan.hpp"
#include "core/planner_options.hpp"
#include "core/planner_state.hpp"
#include "core/protect_list.hpp"
#include "core/scim_port.hpp"
#include "core/state_store.hpp"
#include "core/update_recheck.hpp"

namespace eightsync::core {

/// What executing one plan did.
struct execution_summary {
  std::size_t ok = 0;       ///< operations done (adopts included)
  std::size_t failed = 0;   ///< operations 8x8 refused, or whose outcome stays unknown
  std::size_t skipped = 0;  ///< not sent: the cycle stopped or turned read-only, backoff, dependency
  /// Of `failed` and `skipped`: users already failing before this cycle (a row in user_backoff),
  /// failing again or backing off. Reported when they first failed, they do not make a cycle
  /// partial on their own.
  std::size_t still_failing = 0;
  std::size_t not_applied = 0;  ///< PUTs 8x8 answered without applying everything
  std::size_t conflicts = 0;    ///< creates that met an existing userName they could not adopt
  std::size_t manual_actions_raised = 0;
  bool auth_failed = false;      ///< 401: the cycle stopped
  bool write_forbidden = false;  ///< 403 for two or more users: the rest of the cycle only read
  /// 8x8 refused a non-numeric externalId (400, accepted without it): the rest of the cycle
  /// sent none. A cycle-level error, not the users'.
  bool external_id_refused = false;
  /// Writes not sent, or refused with 400, because 8x8 refused their site (unknown_site manual
  /// actions): the people wait without backing off.
  std::size_t waiting_for_site = 0;
  /// PUTs whose copy of the user was older than max_snapshot_age at their turn: fetched again
  /// and decided once more (recheck_update) before anything was sent.
  std::size_t refetched = 0;
  /// Of those, PUTs not sent: 8x8 changed in a way the next plan decides, or a person must (a
  /// manual action). Not a failure: nothing was owed that the next cycle does not plan afresh.
  std::size_t deferred = 0;
  /// Operations not sent because a newer export, read while the cycle ran, changed that
  /// person's row (set_between): the next cycle plans them from it.
  std::size_t superseded = 0;
  /// Of `ok`: PATCHes active=false sent at once because 8x8 created, active, an account a create
  /// asked for inactive (before the person's start date). Corrections, not leavers: nothing counts
  /// them with the deactivations a safety hold limits. A correction that failed is in `failed`.
  std::size_t active_corrected = 0;
  bool interrupted = false;  ///< a stop request ended the cycle before every operation ran
  std::string error;         ///< why the cycle stopped or turned read-only, for a person
};

/// Carries out a plan against 8x8 through a scim_port, crash-safely (invariants 1, 4, 6, 7, 10).
///
/// Each write is: commit an intent row (audit_log::record_intent), send the request, commit
/// the outcome together with what the state store learns (the link, the applied hash and
/// `active`, 8x8's object). A crash between the two leaves an intent without an outcome, which
/// resolve_intents settles at the next start by looking the user up, never by resending. A
/// create whose answer is lost (outcome_unknown) is settled the same way, at once; a PUT or
/// PATCH whose answer was lost, cut short or a 5xx is settled by one GET.
///
/// One user's failure is recorded (and backs the user off for 1, 2, 4 … cycles) and the rest
/// goes on. 401 stops the cycle. 403 for one user is that user's failure (it backs off); for a
/// second user the rest of the cycle only reads, and none of those users backs off for it (the
/// account is read-only, not they). A 409 on create looks the userName up and adopts it when the
/// adoption rules allow (not protected, active, linked to no other key, externalId empty or the
/// one the HR row claims), otherwise records a conflict for an operator. Attributes a PUT's
/// answer does not show as sent become manual actions. A 400 to a write carrying a non-numeric
/// externalId (some accounts type it as an integer) is sent once more without it; when that
/// succeeds, no externalId is sent for the rest of the cycle (execution_summary::
/// external_id_refused). A 400 to a write setting a site 8x8 was never seen to accept blames the
/// site: its unknown_site action is raised, and the other writes with that site wait, unsent,
/// without backing off.
///
/// A create asking for an inactive account (plan_entry::desired_active false: the person's start
/// date has not come) is checked against what 8x8 answers, whether by the 201 or by the lookup that
/// settles a lost answer. A user 8x8 shows active (an absent `active` counts as active, SCIM's
/// default, so that an account is never left active before its start on a guess) gets a PATCH
/// active=false at once, audited as its own `deactivate` row whose reason starts with
/// active_correction_reason, and counted in execution_summary::active_corrected, not as a leaver.
/// The link records the active state 8x8 has: false once corrected (or when 8x8 honoured the
/// create), true when the correction failed, so the next plan sees the account active.
///
/// A PUT whose copy of the user (plan_entry::fetched_at) is older than max_snapshot_age when its
/// turn comes is not sent as planned: the user is fetched again and the planner's rules decide
/// once more for that user (recheck_update, once enable_recheck gave the plan's inputs). Only a
/// narrower change is sent; anything else waits for the next plan (invariant 2 at 8x8's pace).
class cycle_executor {
 public:
  /// An executor for cycle `cycle` (an audit cycles.id) writing to `store` and `audit`, sending
  /// through `port`, never adopting a userName `protect` matches, timing with `clk`, logging to
  /// `log`. All must outlive it. Never throws.
  cycle_executor(scim_port& port, state_store& store, audit_log& audit, std::int64_t cycle,
                 const protect_list& protect, const clock& clk, std::shared_ptr<spdlog::logger> log,
                 std::uint32_t failing_action_after = config::defaults::failing_manual_action_after) noexcept;

  /// Lets execute() decide a stale PUT again (recheck_update): `desired` is the export the plan
  /// was made from, `options` the plan's (max_snapshot_age, protect, match …), `state` the state
  /// it was made from (open actions, site schema). All must outlive execute(). Without it, every
  /// PUT is sent as planned (tests of other rules). Never throws.
  void enable_recheck(const mapping_result& desired, const planner_options& options,
                      const planner_state& state) noexcept;

  /// Stamps every audit row this executor writes with `sha256`, the hex SHA-256 of the HR export
  /// its plans come from (audit_intent::source_sha256). Never throws.
  void set_source_sha256(std::string sha256) noexcept;

  /// Before each operation execute() sends, and between a refetch and its PUT, awaits `between`
  /// (a newer export's leavers go then), and then drops, unsent and unrecorded, the operations and
  /// link refreshes of the HR keys in `superseded` (execution_summary::superseded). `superseded` is the
  /// caller's and must outlive execute(). Never throws.
  void set_between(std::function<boost::asio::awaitable<void>()> between,
                   const std::set<std::string>* superseded) noexcept;

  /// Settles every intent an earlier run left without an outcome, by a lookup: a create by its
  /// userName (found: its link is recorded as created), an update or PATCH by its 8x8 id
  /// (compared with what was sent; a PATCH found applied sets its link's applied `active`). An
  /// intent whose lookup fails stays unresolved for the next start. Returns false when 8x8 refused the token
  /// (the cycle must stop). Throws state_error.
  boost::asio::awaitable<bool> resolve_intents(execution_summary& summary);

  /// Executes `p`: its operations in plan order (skipping users in `backoff`, and everything
  /// once `stop` turns true), then records its link refreshes. Standalone manual actions, held
  /// entries and the quarantined rows are recorded by the caller. Throws state_error (the
  /// caller ends the cycle).
  boost::asio::awaitable<void> execute(const plan& p, const std::set<std::string>& backoff,
                                       execution_summary& summary, const std::atomic<bool>* stop = nullptr);

 private:
  boost::asio::awaitable<void> run_one(const plan_entry& e, execution_summary& summary);
  boost::asio::awaitable<void> create(const plan_entry& e, std::int64_t op, execution_summary& summary);
  boost::asio::awaitable<void> settle_lost_create(const plan_entry& e, std::int64_t op,
                                                  const scim_result& post, execution_summary& summary);
  boost::asio::awaitable<void> adopt_after_conflict(const plan_entry& e, std::int64_t op,
                                                    const scim_result& post, execution_summary& summary);
  void taken_elsewhere(const plan_entry& e, std::int64_t op, const scim_result& post,
                       execution_summary& summary);
  boost::asio::awaitable<void> replace(const plan_entry& e, std::int64_t op, execution_summary& summary);
  bool is_stale(const plan_entry& e) const noexcept;
  boost::asio::awaitable<std::optional<plan_entry>> recheck(const plan_entry& e, execution_summary& summary);
  std::optional<plan_entry> apply_recheck(const plan_entry& e, const boost::json::object& fresh,
                                          update_recheck decided, execution_summary& summary);
  const desired_user* desired_for(const std::string& hr_key) const noexcept;
  audit_intent intent_for(const plan_entry& e) const;
  bool superseded(const plan_entry& e, execution_summary& summary);
  planner_state recheck_state(const plan_entry& e) const;
  boost::asio::awaitable<void> set_active(const plan_entry& e, std::int64_t op, execution_summary& summary);
  void record_link(const plan_entry& e, const std::string& scim_id, const boost::json::object* resource,
                   std::optional<bool> active = std::nullopt);
  void record_resolved_patch(const audit_intent& in, const std::string& scim_id);
  boost::asio::awaitable<void> correct_active(const plan_entry& e, const std::string& scim_id,
                                              execution_summary& summary);
  boost::asio::awaitable<void> settle_uncertain_write(const plan_entry& e, std::int64_t op,
                                                      const scim_result& r, execution_summary& summary);
  boost::asio::awaitable<void> record_unsuccessful_write(const plan_entry& e, std::int64_t op,
                                                         const scim_result& r, execution_summary& summary);
  void record_applied(const plan_entry& e, std::int64_t op, const audit_outcome& out,
                      const boost::json::object* resource, execution_summary& summary);
  void raise_not_applied(const plan_entry& e, const std::vector<std::string>& paths,
                         execution_summary& summary);
  void record_failure(const plan_entry& e, std::int64_t op, const scim_result& r, execution_summary& summary);
  void count_failure(const plan_entry& e, const scim_result& r, execution_summary& summary);
  void skip_unsent(const plan_entry& e, std::int64_t op, const scim_result& r, execution_summary& summary);
  void stop_for_token(const std::string& while_doing, execution_summary& summary);
  void raise_follow_ups(const std::vector<manual_action>& follow_ups, const std::string& scim_id,
                        execution_summary& summary);
  void skip(const plan_entry& e, const std::string& why, execution_summary& summary);
  void record_link_refreshes(const plan& p);
  bool refused_for_site(const plan_entry& e, std::int64_t op, const scim_result& r,
                        execution_summary& summary);
  void remember_site(const plan_entry& e);
  boost::asio::awaitable<bool> retry_without_external_id(const plan_entry& e, std::int64_t op,
                                                         const scim_result& r, execution_summary& summary);

  scim_port& port_;
  state_store& store_;
  audit_log& audit_;
  std::int64_t cycle_;
  const protect_list& protect_;
  const clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::string, std::string> forbidden_users_;  // HR key → error, of writes that got 403 this cycle
  std::set<std::string> failed_keys_;                   // HR keys with a failed operation this cycle
  void raise_keeps_failing(const plan_entry& e, std::uint32_t failures, const std::string& error,
                           execution_summary& summary);
  bool external_id_refused_ = false;      // 8x8 refuses non-numeric externalIds: none is sent any more
  std::set<std::string> refused_sites_;   // unseen sites 8x8 refused this cycle: their writes wait
  const plan* plan_ = nullptr;            // the plan execute() runs (its site_actions)
  std::uint32_t failing_action_after_;    // failing.manual_action_after
  std::set<std::string> failing_before_;  // HR keys in user_backoff when execute() began
  // enable_recheck: what a stale PUT is decided again from (the caller's, outliving execute())
  const mapping_result* recheck_desired_ = nullptr;
  const planner_options* recheck_options_ = nullptr;
  const planner_state* recheck_state_ = nullptr;
  std::string source_sha256_;                              // set_source_sha256
  std::function<boost::asio::awaitable<void>()> between_;  // set_between
  const std::set<std::string>* superseded_ = nullptr;      // set_between (the caller's)
};

}  // namespace eightsync::core
