#include "core/zone_database.hpp"

// tz_private.h completes date::time_zone (its transitions), which this file creates and
// destroys itself: Debian's OS-tzdb build offers no other way to read a zone again.
#include <date/tz_private.h>

#include <array>
#include <exception>
#include <fstream>

namespace eightsync::core {
namespace {

constexpr std::size_t max_zone_name_bytes = 64;
// Where Debian's libdate-tz (built with USE_OS_TZDB) reads zones from.
constexpr std::string_view system_zone_directory = "/usr/share/zoneinfo/";

std::string not_a_zone(std::string_view name) {
  return "expected an IANA time zone such as Europe/London, found \"" + std::string(name) + "\"";
}

bool is_name_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
         c == '-';
}

// Zone files start with the TZif magic; the tz directory also holds tables and scripts.
bool is_tzif_file(std::string_view name) {
  std::ifstream in(std::string(system_zone_directory) + std::string(name), std::ios::binary);
  std::array<char, 4> magic{};
  return in.read(magic.data(), magic.size()) && std::string_view(magic.data(), magic.size()) == "TZif";
}

}  // namespace

bool is_zone_name_spelling(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_zone_name_bytes) return false;
  bool segment_start = true;
  for (const char c : name) {
    if (c == '/') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    if (segment_start && !(c >= 'A' && c <= 'Z')) return false;
    if (!is_name_char(c)) return false;
    segment_start = false;
  }
  return !segment_start;
}

zone_database::zone_database() noexcept = default;

zone_database::~zone_database() = default;

expected<const date::time_zone*, std::string> zone_database::find(std::string_view name) {
  if (auto it = current_.find(name); it != current_.end()) return it->second;
  if (!is_zone_name_spelling(name) || !is_tzif_file(name)) return unexpected<std::string>{not_a_zone(name)};
  auto zone = std::make_unique<date::time_zone>(std::string(name), date::detail::undocumented{});
  try {
    // The library reads the file on first use; read it now, so a damaged file is refused here.
    (void)zone->get_info(date::sys_seconds{});
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    return unexpected<std::string>{not_a_zone(name)};
  }
  const date::time_zone* found = zone.get();
  zones_.push_back(std::move(zone));
  current_.emplace(std::string(name), found);
  return found;
}

void zone_database::reload() {
  current_.clear();
  ++generation_;
}

}  // namespace eightsync::core
