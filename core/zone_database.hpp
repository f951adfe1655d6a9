#pragma once
#include <date/tz.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace eightsync::core {

/// IANA time zones read from the system tz database (/usr/share/zoneinfo, through Howard
/// Hinnant's date/tz.h), looked up by name and kept once read. Debian's libdate-tz reads the
/// system files and has no reload_tzdb(), so this class keeps its own zones and reload() makes
/// it read the files again. Not thread-safe: one per thread (the service has one io thread).
class zone_database {
 public:
  /// An empty database; zones are read as they are found. Never throws.
  zone_database() noexcept;
  ~zone_database();
  zone_database(const zone_database&) = delete;
  zone_database& operator=(const zone_database&) = delete;

  /// The zone named `name` (e.g. "Europe/London"), read from its file on first use; or the
  /// sentence `expected an IANA time zone such as Europe/London, found "NAME"`. A name that
  /// is not a zone's spelling (a path, "..", an empty segment) is refused before any file is
  /// opened. Throws only std::bad_alloc.
  expected<const date::time_zone*, std::string> find(std::string_view name);

  /// Forgets the zones read so far, so each is read again from its file on its next find
  /// (after tzdata was upgraded; the service calls it on SIGHUP). Pointers returned earlier
  /// stay valid while this object lives. Throws only std::bad_alloc.
  void reload();

  /// How many times reload() ran. Never throws.
  std::size_t generation() const noexcept { return generation_; }

 private:
  std::map<std::string, const date::time_zone*, std::less<>> current_;
  // Every zone ever read, so that a pointer find returned before a reload never dangles.
  std::vector<std::unique_ptr<date::time_zone>> zones_;
  std::size_t generation_ = 0;
};

/// Whether `name` is spelled like an IANA zone name: segments of ASCII letters, digits, `_`, `+`
/// and `-` joined by `/`, each starting with an upper-case letter, at most 64 characters (so
/// never a path outside the tz directory). Never throws.
bool is_zone_name_spelling(std::string_view name) noexcept;

}  // namespace eightsync::core
