#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/quarantine_reason.hpp"
#include "core/row_sink.hpp"
#include "core/source_options.hpp"

namespace eightsync::connectors {

/// The checks every HR source applies to its header and records, shared by the CSV and the
/// JSON reader: it validates the header and finds the key column, then sends each record to
/// the sink as a row or as a quarantined row (wrong field count, invalid UTF-8, empty key, a key
/// holding a control, bidi or invisible character), trimming and normalizing the key. It counts
/// what it sends. Names and keys in its messages are escaped (core/unsafe_text.hpp) and bounded.
class text_row_emitter {
 public:
  /// Sends to `sink`, checking against `options`; both must outlive the emitter. Never throws.
  text_row_emitter(const core::source_options& options, core::row_sink& sink) noexcept;

  /// Trims the column names, checks them (valid UTF-8, no name twice, the key column
  /// present) and passes them to sink.on_header. Returns the problem as a sentence (without
  /// file or line, a few hundred bytes at most however many columns) when the header is
  /// unusable; the sink is then not called. Throws only std::bad_alloc.
  std::optional<std::string> accept_header(std::vector<std::string> names);

  /// Passes an empty header to the sink: an export without a single record has no columns to
  /// check. Throws only what the sink throws.
  void accept_empty_header() { sink_.on_header(header_); }

  /// Passes one data record to the sink: on_row when it is sound, else on_quarantine with the
  /// reason and a sentence naming the column. `line` is where the record starts.
  /// `key_trusted` says the record was read whole (false for CSV records spanning lines, whose
  /// extent is uncertain): only then may a quarantined row carry its key. `utf8_checked` says
  /// the caller already found all of the record's text valid UTF-8. After on_row, `fields`
  /// holds what the sink left of the row's strings (their values unspecified), so the caller
  /// can reuse their buffers. Throws only std::bad_alloc, or what the sink throws.
  void emit(std::size_t line, std::vector<std::string>&& fields, bool key_trusted, bool utf8_checked = false);

  /// Counts one data record and quarantines it for `reason`, described by `detail`, with
  /// `key` (already normalized; empty when unknown). Throws only what emit() throws.
  void quarantine(std::size_t line, core::quarantine_reason reason, std::string detail, std::string key);

  /// `raw` trimmed and normalized as a key, or empty when it is not valid UTF-8. Throws only
  /// std::bad_alloc.
  std::string usable_key(std::string raw) const;

  /// The header accept_header() passed on. Never throws.
  const std::vector<std::string>& header() const noexcept { return header_; }
  /// The position of the key column in the header. Never throws.
  std::size_t key_index() const noexcept { return key_index_; }
  /// Data records seen so far, quarantined ones included. Never throws.
  std::size_t rows_read() const noexcept { return rows_read_; }
  /// Records quarantined so far. Never throws.
  std::size_t quarantined() const noexcept { return quarantined_; }

 private:
  std::string invalid_utf8_detail(std::size_t column, const std::string& value, std::size_t offset) const;

  const core::source_options& options_;
  core::row_sink& sink_;
  std::vector<std::string> header_;
  std::size_t key_index_ = 0;
  std::size_t rows_read_ = 0;
  std::size_t quarantined_ = 0;
};

}  // namespace eightsync::connectors
