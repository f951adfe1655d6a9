#pragma once
#include <cstddef>
#include <functional>
#include <optional>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>

#include "core/clock.hpp"
#include "core/mapping_result.hpp"
#include "core/plan.hpp"
#include "core/planner_options.hpp"
#include "core/planner_state.hpp"
#include "core/scim_port.hpp"
#include "core/scim_reader.hpp"
#include "core/state_store.hpp"

namespace eightsync::core {

/// Everything a cycle decided before it writes: the state it planned from, how it read 8x8,
/// what it read, and the plan.
struct cycle_plan {
  planner_state state;
  read_strategy reads;  ///< what phase 1 chose (the first round of reads)
  read_report remote;
  core::plan plan;
  std::size_t read_rounds = 0;  ///< rounds of reads done (plan_reads, then each reads_needed round)
};

/// Plans one cycle against live 8x8 data read through `port`, changing nothing: loads the
/// planner's state from `store` (an empty state when null: no database yet; the index of
/// unmanaged 8x8 users only when some active HR row has no link), lets plan_reads
/// choose between a full listing (`options.page_size` users a page) and per-user reads, reads,
/// plans, and then reads what the plan still needs (at
/// most twice more, never a read that already failed) and plans again. Reading stops at a 401,
/// an unreachable 8x8 or a long 429 (remote.stopped); the plan then only holds what is safe
/// without the missing reads. `options.now` is set from `clk` before each planning; the listing
/// logs to `log` and stops, incomplete, past its limits (listing_limits: measured from the last
/// complete listing, the links and the HR rows, and `listing_max_duration`). `between`, when set,
/// is awaited between reads (scim_reader::set_between). `loaded`, when set, is the state
/// `store` holds now, loaded without the links' 8x8 copies (the leaver pass's): it is used
/// instead of loading it again. Throws state_error when the state cannot be read, otherwise only
/// std::bad_alloc.
boost::asio::awaitable<cycle_plan> plan_cycle(
    scim_port& port, const clock& clk, const mapping_result& desired, const state_store* store,
    planner_options options, spdlog::logger& log,
    std::optional<clock::duration> listing_max_duration = std::nullopt,
    std::function<boost::asio::awaitable<void>()> between = {}, std::optional<planner_state> loaded = {});

}  // namespace eightsync::core
