#include "emulator/rate_limiter.hpp"

namespace eightsync::emulator {

rate_limiter::rate_limiter(std::size_t limit, std::chrono::milliseconds window) noexcept
    : limit_(limit), window_(window) {}

std::optional<std::chrono::seconds> rate_limiter::try_acquire(clock::time_point now) {
  while (!admitted_.empty() && admitted_.front() + window_ <= now)
    admitted_.pop_front();
  if (admitted_.size() < limit_) {
    admitted_.push_back(now);
    return std::nullopt;
  }
  const auto wait = admitted_.front() + window_ - now;
  auto secs = std::chrono::ceil<std::chrono::seconds>(wait);
  if (secs < std::chrono::seconds(1)) secs = std::chrono::seconds(1);
  return secs;
}

}  // namespace eightsync::emulator
