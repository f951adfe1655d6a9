#include "core/rate_limiter.hpp"

#include <algorithm>

#include "core/state_time.hpp"

namespace eightsync::core {
namespace {

// A clock that read a second later than this one may only be another process's rounding.
constexpr std::chrono::seconds step_tolerance{1};

std::string span_text(clock::duration d) {
  const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
  return std::to_string(s) + " s";
}

}  // namespace

std::string rate_limiter_clamp::describe() const {
  std::string s;
  const auto add = [&](const std::string& part) {
    if (!s.empty()) s += "; ";
    s += part;
  };
  if (stepped_back > clock::duration::zero())
    add("the wall clock stepped back " + span_text(stepped_back) +
        " since the state was stored: every stored time moved back by as much");
  if (pause_was) {
    add("pause " + format_utc_time(*pause_was) + " cut to " +
        (pause_is ? format_utc_time(*pause_is) : std::string("none")) + " (target.retry.max_pause)");
  }
  if (slots > 0) {
    add(std::to_string(slots) + (slots == 1 ? " send slot" : " send slots") + " up to " +
        (latest_slot ? format_utc_time(*latest_slot) : std::string("?")) + " moved back to now");
  }
  return s;
}

rate_limiter_clamp clamp_to_clock(rate_limiter_state& state, clock::time_point now, std::size_t requests,
                                  clock::duration window, clock::duration max_pause) noexcept {
  rate_limiter_clamp c;
  if (state.written_at && *state.written_at - now > step_tolerance) {
    c.stepped_back = *state.written_at - now;
    for (auto& t : state.sent)
      t -= c.stepped_back;
    if (state.paused_until) *state.paused_until -= c.stepped_back;
    state.written_at = now;
  }
  if (state.paused_until && *state.paused_until - now > max_pause) {
    c.pause_was = state.paused_until;
    state.paused_until = now + max_pause;
    c.pause_is = state.paused_until;
  }
  const auto from = state.paused_until && *state.paused_until > now ? *state.paused_until : now;
  const auto limit = from + window * static_cast<clock::duration::rep>(std::max<std::size_t>(requests, 1));
  bool moved = false;
  for (auto& t : state.sent) {
    if (t <= limit) continue;
    if (!c.latest_slot || t > *c.latest_slot) c.latest_slot = t;
    t = now;
    ++c.slots;
    moved = true;
  }
  if (moved) std::sort(state.sent.begin(), state.sent.end());
  return c;
}

}  // namespace eightsync::core
