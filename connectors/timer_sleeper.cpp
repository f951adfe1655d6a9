#include "connectors/timer_sleeper.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace eightsync::connectors {

namespace net = boost::asio;

timer_sleeper::timer_sleeper(net::any_io_executor executor) noexcept : executor_(std::move(executor)) {}

// GCC 12 reports a false -Wmismatched-new-delete on coroutine frames (GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
net::awaitable<bool> timer_sleeper::sleep_until(const core::clock& clk, core::clock::time_point deadline) {
  if (interrupted_) co_return false;
  const auto wait = deadline - clk.now();
  if (wait <= core::clock::duration::zero()) co_return true;
  net::steady_timer timer(executor_);
  timer.expires_after(wait);
  waiting_ = &timer;
  boost::system::error_code ec;
  co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  waiting_ = nullptr;
  co_return !interrupted_;
}
#pragma GCC diagnostic pop

void timer_sleeper::interrupt() noexcept {
  interrupted_ = true;
  try {
    if (waiting_ != nullptr) waiting_->cancel();
  } catch (...) {
    // Cancelling a timer fails only on a broken reactor; the wait then ends at its deadline.
  }
}

}  // namespace eightsync::connectors
