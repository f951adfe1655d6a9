#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace eightsync::core {

/// The format of the HR export.
enum class source_type : std::uint8_t { csv, json };

/// The character encoding the export is written in; it is converted to UTF-8 on read.
enum class source_encoding : std::uint8_t { utf8, cp1252, latin1 };

/// How the key column is repaired after trimming (spreadsheets turn `00123` into `123`).
enum class key_normalization : std::uint8_t {
  none,                 ///< keep the key as written (trimmed)
  strip_leading_zeros,  ///< `00123` → `123` (an all-zero key stays `0`)
  zero_pad,             ///< `123` → `00123`, left-padded with zeros to `key_width`
};

/// The `source:` section of the config: where the HR export is and how to read it.
struct source_options {
  source_type type = source_type::csv;
  std::filesystem::path path;       ///< the export file
  std::string key = "employee_id";  ///< the column holding the HR key
  char delimiter = ',';             ///< CSV only
  source_encoding encoding = source_encoding::utf8;
  std::size_t min_rows = 1;  ///< fewer data rows than this rejects the whole file
  key_normalization key_normalize = key_normalization::none;
  std::size_t key_width = 0;  ///< with zero_pad: the width to pad to
  /// A line or record longer than this many bytes (line ends included) is quarantined as
  /// record_too_long without being kept in memory; a header longer than this rejects the file.
  std::size_t max_record_bytes = std::size_t{1} << 20;
  /// The export is read only once its size and change time (the later of mtime and ctime) have
  /// stayed the same this long (source_settle.hpp), so a half-written file is never read; 0: at
  /// once.
  std::chrono::milliseconds settle{3000};
  /// A marker file the HR system touches once the export is complete: the service reads the
  /// export only when the marker's modification time is at least the export's (export_ready).
  std::optional<std::filesystem::path> ready_file;
  /// An export that last changed longer ago than this (the later of mtime and ctime) holds the
  /// deactivations of users missing from it: the HR export stopped arriving? Off when unset.
  std::optional<std::chrono::milliseconds> max_age;
};

}  // namespace eightsync::core
