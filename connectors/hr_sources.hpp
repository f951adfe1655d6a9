#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/hr_source.hpp"
#include "core/source_options.hpp"

// The HR sources eightsync can read (core::hr_source), and the one factory that picks one for
// `source.type`. Each kind is a class here; a source that is not a local file (SFTP, an HRIS
// API) gets its own class, a case in make_hr_source, and its keys in source_options and the
// config loader.

namespace eightsync::connectors {

/// An HR export in a local file: what the CSV and JSON exports share. Its origin is the path,
/// and it can be watched for changes.
class hr_file_source : public core::hr_source {
 public:
  /// A source reading the file `options.path` with `options`. Never throws but std::bad_alloc.
  explicit hr_file_source(core::source_options options) : options_(std::move(options)) {}

  std::string origin() const override { return options_.path.string(); }
  std::optional<std::filesystem::path> watched_file() const override { return options_.path; }

 protected:
  core::source_options options_;  ///< source.* as configured
};

/// A CSV export (libcsv, RFC 4180 with the configured delimiter and encoding): csv_source_reader.
class csv_file_source final : public hr_file_source {
 public:
  using hr_file_source::hr_file_source;
  core::expected<core::source_summary, core::source_error> read(core::row_sink& sink) override;
  /// The file's size: a CSV row's bytes are a fair guide to the number of users.
  std::uintmax_t expected_bytes() const noexcept override;
};

/// A JSON export, an array of flat objects or NDJSON: json_source_reader.
class json_file_source final : public hr_file_source {
 public:
  using hr_file_source::hr_file_source;
  core::expected<core::source_summary, core::source_error> read(core::row_sink& sink) override;
  /// 0: JSON repeats every field name in every record, so its size overstates the users.
  std::uintmax_t expected_bytes() const noexcept override { return 0; }
};

/// The source `options.type` names (`csv`, `json`), reading as `options` says. Never throws but
/// std::bad_alloc.
std::unique_ptr<core::hr_source> make_hr_source(const core::source_options& options);

}  // namespace eightsync::connectors
