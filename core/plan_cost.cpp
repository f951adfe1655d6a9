#include "core/plan.hpp"

#include <algorithm>
#include <string>

#include "core/pacing.hpp"

namespace eightsync::core {

namespace {

// The rate limiter's gap at `rate` (a zero `requests` counts as 1).
clock::duration gap_at(std::size_t requests, std::chrono::milliseconds per) noexcept {
  return pacing_gap(requests == 0 ? 1 : requests, per);
}

}  // namespace

std::chrono::milliseconds plan_cost_duration(std::size_t requests, std::size_t per_window,
                                             std::chrono::milliseconds window) noexcept {
  const auto each = gap_at(per_window, window);
  return std::chrono::ceil<std::chrono::milliseconds>(each * static_cast<clock::duration::rep>(requests));
}

bool too_old_to_send(std::chrono::system_clock::time_point fetched_at,
                     std::chrono::system_clock::time_point turn, std::chrono::milliseconds max_age,
                     const plan_rate& rate) noexcept {
  // With requests evenly spaced a PUT leaves one gap after its turn at most, unless slots came
  // bunched (then up to the window and its guard); a whole window is the margin kept.
  const auto margin = std::min(rate.per, max_age);
  return turn - fetched_at > max_age - margin;
}

std::size_t estimate_refetches(const std::vector<plan_entry>& operations,
                               std::chrono::system_clock::time_point start, std::chrono::milliseconds max_age,
                               const plan_rate& rate) noexcept {
  const auto each = gap_at(rate.requests, rate.per);
  std::size_t sent = 0;  // requests of the write phase before this one
  std::size_t refetches = 0;
  for (const auto& e : operations) {
    if (!operation_sends_request(e.kind)) continue;
    // The rate limiter spaces requests one gap apart while work is queued: request n leaves n
    // gaps after the start.
    const auto turn = start + each * static_cast<clock::duration::rep>(sent);
    if (e.kind == operation_kind::update && e.fetched_at &&
        too_old_to_send(*e.fetched_at, turn, max_age, rate)) {
      ++refetches;
      ++sent;
    }
    ++sent;
  }
  return refetches;
}

std::string plan_duration_text(std::chrono::milliseconds d) {
  using namespace std::chrono;
  const auto total_s = duration_cast<seconds>(d + milliseconds{999}).count();
  if (total_s < 60) return std::to_string(total_s) + " s";
  const auto total_min = (total_s + 59) / 60;
  if (total_min < 60) return std::to_string(total_min) + " min";
  const auto h = total_min / 60;
  const auto m = total_min % 60;
  if (h < 24) return std::to_string(h) + " h" + (m ? " " + std::to_string(m) + " min" : std::string());
  const auto days = h / 24;
  const auto rh = h % 24;
  return std::to_string(days) + " d" + (rh ? " " + std::to_string(rh) + " h" : std::string());
}

}  // namespace eightsync::core
