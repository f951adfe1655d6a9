#include "core/leaver_pass.hpp"

#include <algorithm>
#include <span>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "core/load_planner_state.hpp"
#include "core/planner.hpp"
#include "core/remote_user.hpp"
#include "core/scim_reader.hpp"

namespace eightsync::core {

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

bool names_key(const std::vector<needed_read>& reads, const std::string& key) {
  // leaver_reads sorts by HR key.
  const auto it = std::lower_bound(reads.begin(), reads.end(), key,
                                   [](const needed_read& r, const std::string& k) { return r.hr_key < k; });
  return it != reads.end() && it->hr_key == key;
}

// Of `reads`, the leavers a plan on state.db's knowledge alone would deactivate: a held export or
// a count over the limits costs no request. (An admin's deactivation seen by the GET can only
// lower the count, so this never sends what the full plan would hold.) The held ones go to
// `out`.
std::vector<needed_read> not_held(const std::vector<needed_read>& reads, const mapping_result& desired,
                                  const planner_state& state, const planner_options& options,
                                  const std::set<std::string>& approved, leaver_pass_result& out) {
  const plan assumed = make_plan(desired, assumed_active(reads, state, options.now), state, options);
  plan wanted = first_leavers(assumed, reads, approved);
  std::set<std::string_view> planned;
  for (const auto& e : wanted.operations)
    planned.insert(e.hr_key);
  std::vector<needed_read> to_read;
  for (const auto& r : reads)
    if (planned.count(r.hr_key) != 0) to_read.push_back(r);
  out.held = reads.size() - to_read.size();
  out.held_entries = std::move(wanted.held);
  return to_read;
}

}  // namespace

remote_snapshot assumed_active(const std::vector<needed_read>& reads, const planner_state& state,
                               clock::time_point now) {
  remote_snapshot out;
  for (const auto& l : state.links) {
    if (!names_key(reads, l.hr_key)) continue;
    boost::json::object user{{"id", l.scim_id}, {"userName", l.user_name}, {"active", true}};
    if (auto r = remote_user::from_object(user, now)) out.users.push_back(std::move(*r));
  }
  return out;
}

plan first_leavers(const plan& p, const std::vector<needed_read>& reads,
                   const std::set<std::string>& approved) {
  plan out;
  for (const auto& e : p.operations) {
    if (e.kind == operation_kind::deactivate && names_key(reads, e.hr_key)) {
      out.operations.push_back(e);
      ++out.cost.writes;
    }
  }
  for (const auto& e : p.held) {
    if (e.kind != operation_kind::deactivate || !names_key(reads, e.hr_key)) continue;
    if (approved.count(e.hr_key) != 0) {
      out.operations.push_back(e);
      out.operations.back().hold.reset();
      ++out.cost.writes;
    } else {
      out.held.push_back(e);
    }
  }
  return out;
}

std::size_t leaver_pass_gets(const plan& p, bool full_listing,
                             const std::vector<needed_read>& leavers) noexcept {
  if (!full_listing) return 0;
  return static_cast<std::size_t>(
      std::count_if(p.operations.begin(), p.operations.end(), [&](const plan_entry& e) {
        return e.kind == operation_kind::deactivate && names_key(leavers, e.hr_key);
      }));
}

boost::asio::awaitable<leaver_pass_result> run_leaver_pass(scim_port& port, cycle_executor& exec,
                                                           const clock& clk, const mapping_result& desired,
                                                           const state_store& store, planner_options options,
                                                           const std::set<std::string>& backoff,
                                                           execution_summary& summary,
                                                           const std::atomic<bool>* stop, spdlog::logger& log,
                                                           const std::set<std::string>& approved) {
  leaver_pass_result out;
  options.full_listing_requested = false;
  options.now = clk.now();
  out.state = load_planner_state(store, state_store::remote_json_loading::skip);
  const planner_state& state = out.state;
  std::vector<needed_read> reads = leaver_reads(desired, state, options);
  // A user backing off waits for its turn in the full plan, which counts it as still failing.
  std::erase_if(reads, [&](const needed_read& r) { return backoff.count(r.hr_key) != 0; });
  out.candidates = reads.size();
  if (reads.empty()) co_return out;

  const std::vector<needed_read> to_read = not_held(reads, desired, state, options, approved, out);
  if (to_read.empty() || (stop != nullptr && stop->load())) {
    log.info("leavers.first candidates={} held={} read=0 sent=0", out.candidates, out.held);
    co_return out;
  }

  // One leaver at a time, GET then PATCH: the first is revoked after two requests, not after
  // every leaver's GET. Each is planned on its own fresh copy, counting what went before.
  scim_reader reader(port, options.page_size, clk, log);
  const std::size_t before = options.deactivations_this_cycle;
  out.cost.gets_by_id = to_read.size();
  out.cost.writes = to_read.size();
  for (std::size_t i = 0; i < to_read.size(); ++i) {
    if ((stop != nullptr && stop->load()) || summary.auth_failed) break;
    read_report fresh;
    co_await reader.read(std::span(&to_read[i], 1), fresh);
    out.read += fresh.requests;
    // A 401, no connection or a long 429: the cycle's own reads meet the same and report it.
    if (fresh.stopped) break;
    options.now = clk.now();
    options.deactivations_this_cycle = before + out.sent;
    plan send = first_leavers(make_plan(desired, fresh.snapshot, state, options), to_read, approved);
    out.held += send.held.size();
    for (auto& e : send.held)
      out.held_entries.push_back(std::move(e));
    if (send.operations.empty()) continue;
    out.keys.insert(to_read[i].hr_key);
    out.state_changed = true;
    const std::size_t ok_before = summary.ok;
    co_await exec.execute(send, backoff, summary, stop);
    out.sent += summary.ok - ok_before;
  }
  log.info("leavers.first candidates={} held={} read={} sent={}", out.candidates, out.held, out.read,
           out.sent);
  co_return out;
}

#pragma GCC diagnostic pop

}  // namespace eightsync::core
