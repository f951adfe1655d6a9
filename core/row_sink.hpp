#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/quarantined_row.hpp"
#include "core/source_row.hpp"

namespace eightsync::core {

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
