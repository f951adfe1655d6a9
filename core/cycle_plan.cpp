#include "core/cycle_plan.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/load_planner_state.hpp"
#include "core/planner.hpp"

namespace eightsync::core {
namespace {

// The reads of `needed` not already tried and failed this cycle (trying again would only spend
// requests on the same answer).
std::vector<needed_read> untried(const std::vector<needed_read>& needed, const read_report& done) {
  std::vector<needed_read> out;
  for (const auto& r : needed) {
    const bool failed = std::any_of(done.failures.begin(), done.failures.end(), [&](const read_failure& f) {
      return f.read.kind == r.kind && f.read.target == r.target;
    });
    if (!failed) out.push_back(r);
  }
  return out;
}

}  // namespace

boost::asio::awaitable<cycle_plan> plan_cycle(scim_port& port, const clock& clk,
                                              const mapping_result& desired, const state_store* store,
                                              planner_options options, spdlog::logger& log,
                                              std::optional<clock::duration> listing_max_duration,
                                              std::function<boost::asio::awaitable<void>()> between,
                                              std::optional<planner_state> loaded) {
  using loading = state_store::remote_json_loading;
  cycle_plan out;
  options.now = clk.now();
  if (store != nullptr) {
    out.state = loaded ? std::move(*loaded) : load_planner_state(*store, loading::skip);
    load_unmanaged_index(*store, desired, out.state);
    if (options.remote_user_estimate == 0) options.remote_user_estimate = out.state.links.size();
  }
  out.reads = plan_reads(desired, out.state, options);
  if (store != nullptr && !out.reads.full_listing) {
    // Per-user reads: the planner may use a recent copy kept with each link instead of a GET,
    // so load those copies (a full listing replaces them all, so it never needs them). The
    // unmanaged index does not change in between: keep it rather than read it twice.
    auto unmanaged = std::move(out.state.unmanaged);
    out.state = load_planner_state(*store, loading::include);
    out.state.unmanaged = std::move(unmanaged);
    out.reads = plan_reads(desired, out.state, options);
  }

  scim_reader reader(port, options.page_size, clk, log);
  reader.set_between(std::move(between));
  if (out.reads.full_listing) {
    listing_limits limits;
    limits.last_complete_users = store != nullptr ? store->last_full_listing_users().value_or(0) : 0;
    limits.known_users =
        std::max({limits.last_complete_users, out.state.links.size(), source_row_count(desired)});
    limits.max_duration = listing_max_duration;
    limits.clk = &clk;
    co_await reader.list_all(out.remote, options.remote_user_estimate, limits);
  }
  co_await reader.read(out.reads.reads, out.remote);
  out.read_rounds = 1;

  options.now = clk.now();
  out.plan = make_plan(desired, out.remote.snapshot, out.state, options);
  while (out.read_rounds < 3 && !out.remote.stopped && !out.plan.reads_needed.empty()) {
    auto more = untried(out.plan.reads_needed, out.remote);
    if (more.empty()) break;
    co_await reader.read(more, out.remote);
    ++out.read_rounds;
    options.now = clk.now();
    out.plan = make_plan(desired, out.remote.snapshot, out.state, options);
  }
  co_return out;
}

}  // namespace eightsync::core
