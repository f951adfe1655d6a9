#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include "core/quarantine_reason.hpp"
#include "core/row_sink.hpp"
#include "core/source_options.hpp"

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

/// The event handler a boost::json::basic_parser drives over a JSON HR export. It turns each
/// record (an element of the top-level array, or in NDJSON each top-level value) into a
/// json_record: strings as they are, numbers as their literal text, booleans as
/// "true"/"false", null as empty. A record that is not an object, holds a nested object or
/// array, or names a field twice is kept with a problem (invalid_record); a field name that
/// is not valid UTF-8 marks it invalid_utf8. Column names are collected in order of first
/// appearance, but only those the sink reads (row_sink::uses_column) and the key column: the
/// others are counted and their values dropped, so a distinct name on every record costs one
/// hash lookup, not a column in every row. A record whose names and values pass
/// source.max_record_bytes is kept with the problem record_too_long and without its values.
/// The handler never fails the parse: only syntax errors do.
class json_record_handler {
 public:
  /// basic_parser's limits: none beyond memory.
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  /// `records_at_top` is false for an array export (records are the array's elements) and
  /// true for NDJSON (each document is a record). With `options`, records are limited to its
  /// max_record_bytes and its key column is always kept; with `sink`, only the columns it reads
  /// are kept (without either: no limit, every column). Both must outlive the handler. Never
  /// throws.
  explicit json_record_handler(bool records_at_top, const core::source_options* options = nullptr,
                               const core::row_sink* sink = nullptr) noexcept;

  /// Sets the line the parser is now reading, stamped on records that start. Never throws.
  void set_line(std::size_t line) noexcept { line_ = line; }
  /// Drops a record begun or finished since the last call to mark(): the parse of its line
  /// failed (NDJSON). Never throws.
  void rollback() noexcept;
  /// Remembers the number of finished records, for rollback(). Never throws.
  void mark() noexcept;
  /// Adds a record that could not be parsed at all (invalid_record), or was not parsed because
  /// its line is too long (record_too_long). Throws only std::bad_alloc.
  void add_unparsed(std::size_t line, std::string detail,
                    core::quarantine_reason reason = core::quarantine_reason::invalid_record);

  /// The records so far, in file order. Never throws.
  std::vector<json_record>& records() noexcept { return records_; }
  /// The field names kept so far, in order of first appearance. Never throws.
  std::vector<std::string>& columns() noexcept { return columns_; }
  /// How many distinct field names were not kept. Never throws.
  std::size_t ignored_columns() const noexcept { return ignored_.size(); }

  /// basic_parser events (see boost/json/basic_parser.hpp). They throw only std::bad_alloc.
  bool on_document_begin(boost::json::error_code& ec);
  bool on_document_end(boost::json::error_code& ec);
  bool on_array_begin(boost::json::error_code& ec);
  bool on_array_end(std::size_t n, boost::json::error_code& ec);
  bool on_object_begin(boost::json::error_code& ec);
  bool on_object_end(std::size_t n, boost::json::error_code& ec);
  bool on_string_part(boost::json::string_view s, std::size_t n, boost::json::error_code& ec);
  bool on_string(boost::json::string_view s, std::size_t n, boost::json::error_code& ec);
  bool on_key_part(boost::json::string_view s, std::size_t n, boost::json::error_code& ec);
  bool on_key(boost::json::string_view s, std::size_t n, boost::json::error_code& ec);
  bool on_number_part(boost::json::string_view s, boost::json::error_code& ec);
  bool on_int64(std::int64_t i, boost::json::string_view s, boost::json::error_code& ec);
  bool on_uint64(std::uint64_t u, boost::json::string_view s, boost::json::error_code& ec);
  bool on_double(double d, boost::json::string_view s, boost::json::error_code& ec);
  bool on_bool(bool b, boost::json::error_code& ec);
  bool on_null(boost::json::error_code& ec);
  bool on_comment_part(boost::json::string_view s, boost::json::error_code& ec);
  bool on_comment(boost::json::string_view s, boost::json::error_code& ec);

 private:
  // Depth of the value the next event belongs to, relative to where records live.
  bool at_record_level() const noexcept { return depth_ == record_depth_; }
  bool at_field_level() const noexcept { return in_object_record_ && depth_ == record_depth_ + 1; }
  void begin_record();
  void not_an_object(const char* what);
  void scalar(std::string_view text, const char* what);
  void set_problem(core::quarantine_reason reason, std::string detail);

  void start_key();
  void store_value();
  bool keeps(std::string_view name) const noexcept;
  bool charge(std::size_t bytes);
  bool storing() const noexcept { return !dropping_ && column_ != ignored_column; }

  static constexpr std::size_t ignored_column = static_cast<std::size_t>(-1);

  std::size_t record_depth_;
  std::size_t depth_ = 0;
  std::size_t line_ = 0;
  bool in_object_record_ = false;
  std::string key_;           // the current field's name
  bool key_complete_ = true;  // key_ holds a whole name; the next key part starts a new one
  bool key_usable_ = true;    // the name is valid UTF-8 (else its value is dropped)
  std::size_t column_ = 0;    // the current field's column
  std::string value_;         // the current field's text, built from parts
  std::size_t serial_ = 0;    // identifies the current record in seen_in_record_
  std::size_t marked_records_ = 0;
  std::size_t marked_columns_ = 0;
  std::vector<json_record> records_;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, std::size_t> column_index_;
  std::vector<std::size_t> seen_in_record_;  // per column: serial_ of the last record using it
  const core::source_options* options_ = nullptr;
  const core::row_sink* sink_ = nullptr;
  std::size_t max_record_bytes_ = static_cast<std::size_t>(-1);
  std::size_t record_bytes_ = 0;                 // names and values of the current record so far
  bool dropping_ = false;                        // the current record is too long: its values are dropped
  std::unordered_set<std::string> ignored_;      // names not kept
  std::vector<std::string> ignored_since_mark_;  // NDJSON: names ignored_ got since mark()
};

}  // namespace eightsync::connectors
