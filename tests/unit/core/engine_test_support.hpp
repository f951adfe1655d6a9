#pragma once
// The fixture of the engine's rule tests (executor_*_test.cpp, cycle_engine_test.cpp): an
// in-memory state database with its audit log, the manual clock, a scripted 8x8 behind the
// engine's SCIM port, and plans made by the real planner from a `world`.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/audit_log.hpp"
#include "core/clock.hpp"
#include "core/cycle_executor.hpp"
#include "core/load_planner_state.hpp"
#include "core/state_store.hpp"
#include "unit/core/planner_test_support.hpp"
#include "unit/core/scripted_port.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core::engine_test {

using namespace planner_test;

/// A logger that writes nowhere.
inline std::shared_ptr<spdlog::logger> quiet_logger() {
  return std::make_shared<spdlog::logger>("engine_test");
}

class engine_fixture : public ::testing::Test {
 protected:
  manual_clock clock_{t0};
  state_store store_{state_store::in_memory, testing::test_url};
  audit_log audit_{store_, clock_};
  scripted_port port_;
  protect_list protect_;
  std::shared_ptr<spdlog::logger> log_ = quiet_logger();

  /// Begins an audit cycle row (as the engine does before executing).
  std::int64_t begin_cycle() {
    return audit_.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", std::nullopt});
  }

  /// Stores a link for `p` to `id`, as a past cycle left it in step with HR.
  user_link link(const person& p, const std::string& id, bool active = true) {
    user_link l;
    l.hr_key = p.key;
    l.scim_id = id;
    l.user_name = p.un();
    l.how = managed_by::created;
    l.applied_hash = desired(p).hash;
    l.applied_active = active;
    store_.upsert_link(l);
    return l;
  }

  /// `p` in 8x8 (with `id`) and linked, in step.
  void synced(const person& p, const std::string& id) {
    port_.add(scim_object(p, id, p.active));
    link(p, id, p.active);
  }

  /// The plan the real planner makes for HR `w.hr` against the port's account (a complete
  /// listing fetched now) and the stored links.
  plan plan_now(world w) {
    w.state = load_planner_state(store_, state_store::remote_json_loading::include);
    w.remote_objects.clear();
    w.fetched.clear();
    const auto listing = run_awaitable(port_.list_page(1, 100000));
    port_.clear_requests();
    for (const auto& v : listing.resource->at("Resources").as_array()) {
      w.remote_objects.push_back(v.as_object());
      w.fetched.push_back(clock_.now());
    }
    w.options.now = clock_.now();
    w.options.protect = protect_;
    return w.run();
  }

  /// Executes `p` in cycle `cycle` with the executor the engine uses; returns what it did.
  execution_summary execute(const plan& p, std::int64_t cycle, const std::set<std::string>& backoff = {}) {
    cycle_executor exec(port_, store_, audit_, cycle, protect_, clock_, log_);
    execution_summary s;
    run_awaitable(exec.execute(p, backoff, s));
    return s;
  }

  /// The operations rows of `cycle` of `kind`.
  std::vector<audit_operation_row> ops(std::int64_t cycle, std::optional<audit_operation_kind> kind = {}) {
    auto all = audit_.operations(cycle);
    if (kind) std::erase_if(all, [&](const audit_operation_row& r) { return r.intent.kind != *kind; });
    return all;
  }

  /// The open manual actions of `kind`.
  std::vector<audit_manual_action> open_actions(manual_action_kind kind) {
    auto all = audit_.manual_actions(true);
    std::erase_if(all, [&](const audit_manual_action& a) { return a.action.kind != kind; });
    return all;
  }

  /// Whether `key` backs off in the cycle after `cycle`.
  bool backs_off(const std::string& key, std::int64_t cycle) {
    for (const auto& b : audit_.users_in_backoff(cycle + 1))
      if (b.hr_key == key) return true;
    return false;
  }
};

}  // namespace eightsync::core::engine_test
