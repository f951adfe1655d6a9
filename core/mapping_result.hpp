#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <date/tz.h>

#include "core/desired_user.hpp"
#include "core/row_sink.hpp"

namespace eightsync::core {

/// A warning about one row's dates (make_access_window's, such as a date more than 5 years away).
struct date_warning {
  std::string key;      ///< the row's HR key
  std::string message;  ///< the warning sentence
};

/// What mapping one HR export produced (user_mapper::finish).
struct mapping_result {
  std::vector<desired_user> users;           ///< one per HR key, sorted by key (byte order)
  std::vector<quarantined_row> quarantined;  ///< reader's and mapper's, sorted by record
  std::size_t rows_read = 0;     ///< every record the mapper saw, reader-quarantined ones included
  std::size_t in_scope = 0;      ///< well-formed rows every scope condition held for
  std::size_t out_of_scope = 0;  ///< well-formed rows some scope condition did not hold for
  /// The time zones users' dates were read in, each once; desired_user::zone indexes it. Not
  /// owned: they live in the zone_database the mapper read them from.
  std::vector<const date::time_zone*> zones;
  /// Dates more than far_date_warning_after from the moment the export was read at
  /// (lifecycle_reading::warn_at), by row; empty without that moment.
  std::vector<date_warning> date_warnings;

  /// The zone `u`'s dates were read in, or nullptr when it has none. Never throws.
  const date::time_zone* zone_of(const desired_user& u) const noexcept {
    return u.zone == 0 || u.zone > zones.size() ? nullptr : zones[u.zone - 1];
  }
};

}  // namespace eightsync::core
