#pragma once
// Helpers shared by the state store tests (tests/unit/core/state_*_test.cpp).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include "core/clock.hpp"
#include "core/user_link.hpp"

namespace eightsync::core::testing {

/// The target URL most tests bind their database to.
inline constexpr std::string_view test_url = "https://platform-cloud.8x8.com/udi/customers/C0FFEE/scim/v2";

/// A fresh directory under $TMPDIR, removed with everything in it at scope exit.
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/eightsync-state.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// The instant `ms` milliseconds after the clock's epoch.
inline clock::time_point at_ms(std::int64_t ms) {
  return clock::time_point{std::chrono::milliseconds{ms}};
}

/// The instant `s` seconds after the clock's epoch.
inline clock::time_point at_s(std::int64_t s) {
  return clock::time_point{std::chrono::seconds{s}};
}

/// `l` as load_links returns it: without the stored copy of the remote user and its time.
inline user_link without_remote(user_link l) {
  l.remote_json.clear();
  l.fetched_at.reset();
  return l;
}

}  // namespace eightsync::core::testing
