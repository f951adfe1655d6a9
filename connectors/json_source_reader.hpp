#pragma once
#include <boost/json/basic_parser.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/json_record_handler.hpp"
#include "connectors/text_line_splitter.hpp"
#include "connectors/text_row_emitter.hpp"
#include "core/expected.hpp"
#include "core/hr_source.hpp"
#include "core/row_sink.hpp"
#include "core/source_options.hpp"

namespace eightsync::connectors {

/// Reads a JSON HR export: one array of flat objects (`[` first), or NDJSON, one object per
/// line (`{` first). The header is the union of the records' field names in order of first
/// appearance, so all records are parsed before the first row reaches the sink.
///
/// In an array export a syntax error rejects the file, naming the line and column. In NDJSON
/// a line that does not parse is quarantined (invalid_record) and the rest is read, unless it
/// is the first record: then the file is not NDJSON at all and is rejected.
///
/// Only the columns the sink reads (row_sink::uses_column) and the key column are kept; other
/// field names are counted (core::source_summary::ignored_columns). An NDJSON line longer than
/// source.max_record_bytes is quarantined (record_too_long) unread, and an array element whose
/// text passes it is quarantined without its values, so memory stays bounded by the limit.
class json_source_reader {
 public:
  /// Prepares to read `options.path` into `sink`; both must outlive the reader. Never throws
  /// beyond std::bad_alloc.
  json_source_reader(const core::source_options& options, core::row_sink& sink);

  /// Reads the whole export once (see core::hr_source::read for the contract). Throws only
  /// std::bad_alloc, or what the sink throws.
  core::expected<core::source_summary, core::source_error> read();

 private:
  enum class layout { unknown, array, ndjson };
  using parser = boost::json::basic_parser<json_record_handler>;

  void feed(std::string_view text, std::size_t line, bool ends_line);
  void feed_array(std::string_view text, std::size_t line);
  void parse_ndjson_line(std::string_view text, std::size_t line);
  void array_syntax_error(std::size_t line, const boost::json::error_code& ec);
  std::size_t replay_to_error();
  std::optional<std::string> emit_records();
  void fail(std::string what);

  const core::source_options& options_;
  const core::row_sink& sink_;
  text_row_emitter emitter_;
  text_line_splitter lines_;
  parser parser_;
  layout layout_ = layout::unknown;
  std::size_t offset_ = 0;      // UTF-8 bytes fed so far
  std::size_t line_start_ = 0;  // offset_ where the current line began
  bool at_line_start_ = true;
  std::string line_text_;        // NDJSON: the line being collected
  bool skipping_line_ = false;   // NDJSON: the line is too long, skip to its end
  std::size_t line_number_ = 0;  // NDJSON: its number
  std::size_t last_line_ = 1;    // the line of the last text fed
  std::optional<std::string> error_;
};

}  // namespace eightsync::connectors
