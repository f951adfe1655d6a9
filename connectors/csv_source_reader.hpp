#pragma once
#include <csv.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/text_line_splitter.hpp"
#include "connectors/text_row_emitter.hpp"
#include "core/expected.hpp"
#include "core/hr_source.hpp"
#include "core/row_sink.hpp"
#include "core/source_options.hpp"

namespace eightsync::connectors {

/// Reads a CSV HR export with libcsv (RFC 4180: quoted delimiters, quoted newlines, doubled
/// quotes; LF, CRLF or CR line ends; blank lines skipped), streaming it in chunks.
///
/// libcsv does not report positions, so the reader feeds it one physical line at a time and
/// notes the line on which each record starts. Quoting is parsed strictly: a quote inside an
/// unquoted field, or text after a closing quote, quarantines that record (invalid_record)
/// and reading resumes on the next line, so a stray quote never swallows the rows after it.
/// An unterminated quote at end of file rejects the file, naming the line the field began on.
///
/// A record longer than source.max_record_bytes is quarantined (record_too_long) as soon as it
/// passes the limit, and the rest of it is skipped without being kept: up to the first line end
/// outside quotes, so a quoted field's inner lines are not read as rows. A header that long
/// rejects the file. Memory therefore stays within a few times the limit, whatever the lines.
class csv_source_reader {
 public:
  /// Prepares to read `options.path` into `sink`; both must outlive the reader. Throws only
  /// std::bad_alloc.
  csv_source_reader(const core::source_options& options, core::row_sink& sink);
  ~csv_source_reader();
  csv_source_reader(const csv_source_reader&) = delete;
  csv_source_reader& operator=(const csv_source_reader&) = delete;

  /// Reads the whole export once (see core::hr_source::read for the contract). Throws only
  /// std::bad_alloc, or what the sink throws.
  core::expected<core::source_summary, core::source_error> read();

 private:
  static void on_field(void* data, std::size_t size, void* self);
  static void on_record_end(int terminator, void* self);
  void field(std::string_view text);
  void record_end();
  void feed(std::string_view text, std::size_t line, bool ends_line);
  void malformed_quote(std::size_t line, bool ends_line);
  void too_long(std::string_view text, std::size_t line, bool ends_line);
  void skip_record(std::string_view text, bool ends_line) noexcept;
  void reset_parser();
  bool starts_record(std::string_view text) const noexcept;
  void fail(std::size_t line, std::string_view what);

  const core::source_options& options_;
  text_row_emitter emitter_;
  text_line_splitter lines_;
  csv_parser parser_{};
  /// The record being parsed: its first field_count_ entries. Entries past that are spare
  /// strings kept from earlier records, so a field is copied into a warm buffer, not allocated.
  std::vector<std::string> fields_;
  std::size_t field_count_ = 0;
  std::size_t line_ = 0;         // the line being fed
  std::size_t record_line_ = 0;  // where the record being parsed started
  std::size_t field_line_ = 0;   // where its current field started
  bool in_record_ = false;       // libcsv has begun a record and not ended it
  bool record_utf8_ = false;     // every line of that record is valid UTF-8
  bool have_header_ = false;
  bool discarding_ = false;           // drop what libcsv reports (while resetting it)
  bool skip_to_line_end_ = false;     // after a malformed record, resume on the next line
  std::size_t record_bytes_ = 0;      // bytes of the record being parsed, line ends included
  bool record_quotes_odd_ = false;    // it holds an odd number of quotes (inside a quoted field)
  bool skipping_record_ = false;      // after a record too long, skip to its end
  bool skip_in_quotes_ = false;       // the skipped record is inside a quoted field
  std::size_t skipped_line_ = 0;      // where the skipped record started
  std::optional<std::string> error_;  // a file-level problem found inside a callback
};

}  // namespace eightsync::connectors
