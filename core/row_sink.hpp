#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/quarantine_reason.hpp"

namespace eightsync::core {

/// One data record of an HR export, as text. `fields` line up with the export's header.
struct source_row {
  std::size_t line = 0;    ///< 1-based physical line where the record starts (0: not line-based)
  std::size_t record = 0;  ///< 1-based ordinal of the data record in the export
  std::vector<std::string> fields;
};

/// An HR row that was set aside, with where it was and why. A row whose `key` is empty
/// holds the cycle's "missing from HR" deactivations: nobody can tell whose row it was.
struct quarantined_row {
  std::size_t line = 0;    ///< 1-based physical line (0 when the export is not line-based)
  std::size_t record = 0;  ///< 1-based ordinal of the data record
  std::string key;         ///< the HR key, when one could be read; empty otherwise
  quarantine_reason reason = quarantine_reason::field_count;
  std::string detail;  ///< a sentence for a person: what was wrong, naming the column
};

/// Receives an HR export as it is read, row by row, so no export is held twice in memory.
/// A reader calls on_header once, then on_row / on_quarantine in file order.
class row_sink {
 public:
  virtual ~row_sink() = default;
  /// The column names, trimmed, in file order. Called once, before any row.
  virtual void on_header(const std::vector<std::string>& header) = 0;
  /// A well-formed row; `fields` line up with the header, the key field already trimmed and
  /// normalized.
  virtual void on_row(source_row&& row) = 0;
  /// A row the reader set aside (wrong field count, invalid UTF-8, empty key, not flat).
  virtual void on_quarantine(quarantined_row&& row) = 0;
  /// Whether the sink reads the column named `name` (trimmed). A reader that builds its header
  /// from the records themselves (JSON, where every record may bring new names) keeps only these
  /// columns and the key column, and counts the others. By default every column is read. Never
  /// throws.
  virtual bool uses_column(std::string_view /*name*/) const noexcept { return true; }
};

}  // namespace eightsync::core
