#pragma once
#include <cstddef>
#include <vector>

#include "core/desired_user.hpp"
#include "core/row_sink.hpp"

namespace eightsync::core {

/// What mapping one HR export produced (user_mapper::finish).
struct mapping_result {
  std::vector<desired_user> users;           ///< one per HR key, sorted by key (byte order)
  std::vector<quarantined_row> quarantined;  ///< reader's and mapper's, sorted by record
  std::size_t rows_read = 0;     ///< every record the mapper saw, reader-quarantined ones included
  std::size_t in_scope = 0;      ///< well-formed rows every scope condition held for
  std::size_t out_of_scope = 0;  ///< well-formed rows some scope condition did not hold for
};

}  // namespace eightsync::core
