#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/quarantine_reason.hpp"

namespace eightsync::connectors {

/// One record of a JSON export as parsed, before the header (the union of all keys) is known.
struct json_record {
  std::size_t line = 0;  ///< the line the record starts on
  /// (column, text) for each field, column indexing the handler's column list.
  std::vector<std::pair<std::size_t, std::string>> values;
  /// Why the record is set aside, when it is; the first problem found wins.
  std::optional<core::quarantine_reason> problem;
  std::string detail;  ///< the sentence for `problem`
};

}  // namespace eightsync::connectors
