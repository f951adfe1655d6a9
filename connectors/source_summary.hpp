#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace eightsync::connectors {

/// What reading one HR export found, for the cycle record and the preview summary.
struct source_summary {
  std::filesystem::path path;
  std::uintmax_t bytes = 0;     ///< bytes read from the file, as stored (before conversion)
  std::string sha256;           ///< lowercase hex SHA-256 of those bytes
  std::size_t rows_read = 0;    ///< data records seen, quarantined ones included
  std::size_t quarantined = 0;  ///< records the reader itself set aside
  /// JSON: distinct field names the sink does not read, counted and not kept (0 for CSV)
  std::size_t ignored_columns = 0;
};

/// A file-level problem: the whole export is rejected and nothing from it may be used.
struct source_error {
  std::string message;  ///< names the file (and line or column where there is one)
};

}  // namespace eightsync::connectors
