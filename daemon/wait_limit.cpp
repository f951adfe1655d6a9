#include "daemon/wait_limit.hpp"

#include <algorithm>

#include "config/duration.hpp"
#include "core/pacing.hpp"
#include "core/state_time.hpp"

namespace eightsync::daemon {

std::chrono::milliseconds pacing_window(const config::eightsync_config& cfg) noexcept {
  return std::chrono::ceil<std::chrono::milliseconds>(core::pacing_window(cfg.target.rate_limit.per));
}

std::optional<connectors::long_wait> wait_beyond(core::rate_limiter& limiter, const core::clock& clk,
                                                 const config::eightsync_config& cfg,
                                                 std::chrono::milliseconds limit) {
  const auto next = limiter.next_slot();
  const auto wait = next - clk.now();
  if (wait <= limit || wait <= pacing_window(cfg)) return std::nullopt;
  const auto st = limiter.export_state();
  const bool pause = core::held_by_pause(st.paused_until, next, pacing_window(cfg));
  return connectors::long_wait{next, wait, pause ? "retry_after" : "rate_limit"};
}

std::string refused_wait_text(const connectors::long_wait& w, std::chrono::milliseconds max_wait) {
  const auto in = config::format_duration(std::chrono::round<std::chrono::seconds>(w.wait));
  const std::string until = core::format_utc_time(w.until);
  const std::string what =
      w.reason == "retry_after"
          ? "8x8 asked eightsync to pause (Retry-After) until " + until
          : "the send slots the rate limit recorded (target.rate_limit) hold the next request until " + until;
  return what + ", in " + in + ": longer than --max-wait (" + config::format_duration(max_wait) + ")";
}

std::string refused_wait_message(std::string_view command, const connectors::long_wait& w,
                                 std::chrono::milliseconds max_wait, std::string_view outcome) {
  const std::string prefix = "eightsync " + std::string(command) + ": ";
  return prefix + refused_wait_text(w, max_wait) + ", so " + std::string(outcome) + ".\n" + prefix +
         "run it again after that time, or with a longer --max-wait; `eightsync status` shows the pause, and "
         "`eightsync status --clear-pause` clears it.\n";
}

}  // namespace eightsync::daemon
