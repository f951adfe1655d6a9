#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace eightsync::core {

/// One data record of an HR export, as text. `fields` line up with the export's header.
struct source_row {
  std::size_t line = 0;    ///< 1-based physical line where the record starts (0: not line-based)
  std::size_t record = 0;  ///< 1-based ordinal of the data record in the export
  std::vector<std::string> fields;
};

}  // namespace eightsync::core
