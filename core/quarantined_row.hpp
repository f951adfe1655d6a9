#pragma once
#include <cstddef>
#include <string>

#include "core/quarantine_reason.hpp"

namespace eightsync::core {

/// An HR row that was set aside, with where it was and why. A row whose `key` is empty
/// holds the cycle's "missing from HR" deactivations: nobody can tell whose row it was.
struct quarantined_row {
  std::size_t line = 0;    ///< 1-based physical line (0 when the export is not line-based)
  std::size_t record = 0;  ///< 1-based ordinal of the data record
  std::string key;         ///< the HR key, when one could be read; empty otherwise
  quarantine_reason reason = quarantine_reason::field_count;
  std::string detail;  ///< a sentence for a person: what was wrong, naming the column
};

}  // namespace eightsync::core
