#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/expected.hpp"
#include "core/mapping_result.hpp"
#include "core/mapping_rules.hpp"
#include "core/row_sink.hpp"

// Where HR rows come from, as a port (as scim_port is 8x8's): the engine reads through
// hr_source; connectors/ implements it, one class per `source.type`, and
// connectors::make_hr_source picks the class. A new kind of source (SFTP, an HRIS API) is one
// class implementing hr_source plus its config:
// - hr_source: the interface;
// - source_summary / source_error: what one read found, or why the whole export is rejected;
// - hr_snapshot and read_and_map: the HR side of a cycle, read and mapped.

namespace eightsync::core {

/// What reading one HR export found, for the cycle record and the preview summary.
struct source_summary {
  std::string origin;           ///< where the rows came from: a file path, a URL (hr_source::origin)
  std::uintmax_t bytes = 0;     ///< bytes read, as stored (before conversion)
  std::string sha256;           ///< lowercase hex SHA-256 of those bytes
  std::size_t rows_read = 0;    ///< data records seen, quarantined ones included
  std::size_t quarantined = 0;  ///< records the reader itself set aside
  /// JSON: distinct field names the sink does not read, counted and not kept (0 for CSV)
  std::size_t ignored_columns = 0;
  /// When the export last changed (the later of its mtime and ctime, core::look_at), for
  /// source.max_age; unset when the source is not a local file or cannot be looked at.
  std::optional<std::chrono::system_clock::time_point> changed_at;
};

/// A problem with the whole export: it is rejected and nothing from it may be used.
struct source_error {
  std::string message;  ///< names the origin (and line or column where there is one)
};

/// One HR system of record. Implementations read it once per call and never write to it.
class hr_source {
 public:
  virtual ~hr_source() = default;

  /// Where the rows come from, for a person and the audit: a file path, a URL. Never throws
  /// but std::bad_alloc.
  virtual std::string origin() const = 0;

  /// Reads the whole export, converted to UTF-8, and streams its header and rows into `sink`.
  /// Per-row problems go to sink.on_quarantine and the read goes on; a problem with the whole
  /// export (unreadable, empty, no header, no key column, an unterminated quote, fewer than
  /// source.min_rows rows) returns a source_error, and the caller must then use nothing the
  /// sink received. Throws only on bugs and out-of-memory.
  virtual expected<source_summary, source_error> read(row_sink& sink) = 0;

  /// The local file whose changes mean new HR data (schedule.on_source_change), or nullopt when
  /// this source cannot be watched: cycles then run on the schedule only. Never throws but
  /// std::bad_alloc.
  virtual std::optional<std::filesystem::path> watched_file() const = 0;

  /// About how many bytes of rows the next read hands over, when that is cheap to know and a
  /// fair guide to the number of users (the mapper sizes its tables once), else 0. Never throws.
  virtual std::uintmax_t expected_bytes() const noexcept = 0;
};

struct lifecycle_reading;  // core/user_mapper.hpp

/// The HR side of a cycle, read and mapped: what `preview` shows and a cycle plans from.
struct hr_snapshot {
  source_summary source;
  mapping_result mapped;
};

/// Reads `source` once and maps every row with `rules`, keyed by the HR column `key_column`. A
/// problem with the whole export (see hr_source::read), or a key or mapped column missing from
/// its header, comes back as a source_error naming the origin. Throws only on bugs and
/// out-of-memory.
/// With `lifecycle`, each row's effective dates are read too (see user_mapper::set_lifecycle).
expected<hr_snapshot, source_error> read_and_map(hr_source& source, const mapping_rules& rules,
                                                 const std::string& key_column,
                                                 const lifecycle_reading* lifecycle = nullptr);

}  // namespace eightsync::core
