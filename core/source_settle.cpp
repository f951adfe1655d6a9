#include "core/source_settle.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>

namespace eightsync::core {

namespace {

clock::time_point time_of(const timespec& t) noexcept {
  return clock::time_point{std::chrono::duration_cast<clock::duration>(std::chrono::seconds{t.tv_sec} +
                                                                       std::chrono::nanoseconds{t.tv_nsec})};
}

}  // namespace

export_look look_at(const std::filesystem::path& file) noexcept {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {true, static_cast<std::uint64_t>(st.st_size), std::max(time_of(st.st_mtim), time_of(st.st_ctim)),
          time_of(st.st_mtim)};
}

clock::duration settle_wait(const export_look& seen, clock::time_point now, clock::duration settle) noexcept {
  if (!seen.exists || settle <= clock::duration::zero()) return clock::duration::zero();
  const auto age = now - std::min(seen.changed, now);
  return age >= settle ? clock::duration::zero() : settle - age;
}

bool export_ready(const export_look& export_file, const export_look& marker) noexcept {
  return marker.exists && marker.modified >= export_file.modified;
}

}  // namespace eightsync::core
