#include "core/clock.hpp"

namespace eightsync::core {

clock::time_point wall_clock::now() const noexcept {
  return std::chrono::system_clock::now();
}

const wall_clock& wall_clock::instance() noexcept {
  static const wall_clock c;
  return c;
}

}  // namespace eightsync::core
