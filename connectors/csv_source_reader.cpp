#include "connectors/csv_source_reader.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "connectors/text_chunk_reader.hpp"
#include "connectors/text_line_pump.hpp"
#include "connectors/text_utf8.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::connectors {

// How much libcsv's field buffer grows at a time (see the constructor).
constexpr std::size_t csv_block_bytes = std::size_t{64} << 10;

csv_source_reader::csv_source_reader(const core::source_options& options, core::row_sink& sink)
    : options_(options), emitter_(options, sink) {
  // Non-strict mode would read `"Smith" Jr,` as an open quoted field and run on through the
  // following rows; strict mode stops at the stray character instead.
  if (::csv_init(&parser_, CSV_STRICT) != 0) {
    throw std::bad_alloc();
  }
  ::csv_set_delim(&parser_, static_cast<unsigned char>(options_.delimiter));
  // libcsv grows its field buffer by a fixed block (128 bytes unless told): a field of n bytes
  // costs n / block reallocations, each of which may copy the field. 64 KiB blocks keep a field
  // at source.max_record_bytes (1 MiB) to 16 of them, and waste at most 64 KiB.
  ::csv_set_blk_size(&parser_, csv_block_bytes);
}

csv_source_reader::~csv_source_reader() {
  ::csv_free(&parser_);
}

void csv_source_reader::on_field(void* data, std::size_t size, void* self) {
  static_cast<csv_source_reader*>(self)->field(
      std::string_view(static_cast<const char*>(data), data != nullptr ? size : 0));
}

void csv_source_reader::on_record_end(int /*terminator*/, void* self) {
  static_cast<csv_source_reader*>(self)->record_end();
}

void csv_source_reader::fail(std::size_t line, std::string_view what) {
  if (!error_) {
    error_ = options_.path.string() + ": line " + std::to_string(line) + ": " + std::string(what);
  }
}

void csv_source_reader::field(std::string_view text) {
  if (discarding_) {
    return;
  }
  if (field_count_ < fields_.size()) {
    // clear + append: a plain copy into the warm buffer (assign also guards against aliasing).
    std::string& f = fields_[field_count_];
    f.clear();
    f.append(text);
  } else {
    fields_.emplace_back(text);
  }
  ++field_count_;
  field_line_ = line_;  // the next field starts right after this one's delimiter
}

void csv_source_reader::record_end() {
  in_record_ = false;
  const std::size_t count = field_count_;
  field_count_ = 0;
  if (discarding_ || error_) {
    return;
  }
  // Spare strings past the record would count as its fields.
  fields_.resize(count);
  if (!have_header_) {
    have_header_ = true;
    if (auto problem = emitter_.accept_header(std::move(fields_))) {
      fail(record_line_, *problem);
    }
    fields_.clear();
  } else if (std::any_of(fields_.begin(), fields_.end(), [](const std::string& f) { return !f.empty(); })) {
    emitter_.emit(record_line_, std::move(fields_), record_line_ == line_, record_utf8_);
  }
  // else: a row of bare delimiters (",,,,"), which spreadsheets append to a sheet: like a
  // blank line, it holds nothing and is skipped.
}

bool csv_source_reader::starts_record(std::string_view text) const noexcept {
  // libcsv skips spaces and tabs (unless one is the delimiter) and line ends before a record.
  for (const char c : text) {
    if (c == options_.delimiter) {
      return true;
    }
    if (c != ' ' && c != '\t') {
      return c != '\r' && c != '\n';
    }
  }
  return false;
}

namespace {

// Whether `text` holds an odd number of double quotes. In strict RFC 4180 quoting (anything
// else is quarantined as invalid_record), a record is inside a quoted field exactly when it has
// seen an odd number of quotes, doubled ones included.
bool odd_quotes(std::string_view text) noexcept {
  bool odd = false;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const void* q = std::memchr(p, '"', static_cast<std::size_t>(end - p));
    if (q == nullptr) break;
    odd = !odd;
    p = static_cast<const char*>(q) + 1;
  }
  return odd;
}

}  // namespace

void csv_source_reader::feed(std::string_view text, std::size_t line, bool ends_line) {
  if (error_) {
    return;
  }
  line_ = line;
  if (skip_to_line_end_) {
    skip_to_line_end_ = !ends_line;
    return;
  }
  if (skipping_record_) {
    skip_record(text, ends_line);
    return;
  }
  if (!in_record_) {
    if (!starts_record(text)) {
      return;  // a blank line (or the blank start of one split across chunks)
    }
    in_record_ = true;
    record_utf8_ = true;
    record_line_ = line;
    field_line_ = line;
    record_bytes_ = 0;
    record_quotes_odd_ = false;
  }
  // Checked before libcsv sees the text, so neither libcsv's field buffer nor fields_ ever holds
  // more than the limit.
  record_bytes_ += text.size();
  if (record_bytes_ > options_.max_record_bytes) {
    too_long(text, line, ends_line);
    return;
  }
  record_quotes_odd_ = record_quotes_odd_ != odd_quotes(text);
  // One pass over the whole line is much cheaper than one per field; only a record that fails
  // it (or a multibyte character cut by a chunk boundary) is checked field by field.
  record_utf8_ = record_utf8_ && find_invalid_utf8(text) == std::string_view::npos;
  const std::size_t used = ::csv_parse(&parser_, text.data(), text.size(), on_field, on_record_end, this);
  if (used < text.size()) {
    if (::csv_error(&parser_) != CSV_EPARSE) {
      throw std::bad_alloc();  // CSV_ENOMEM / CSV_ETOOBIG: the entry buffer could not grow
    }
    malformed_quote(line, ends_line);
  }
}

void csv_source_reader::malformed_quote(std::size_t line, bool ends_line) {
  const std::size_t column = field_count_;
  const std::string where = column < emitter_.header().size()
                                ? "column \"" + core::escaped(emitter_.header()[column]) + "\""
                                : "column " + std::to_string(column + 1);
  const std::string what = where +
                           " has a quote inside an unquoted field, or text after a "
                           "closing quote (line " +
                           std::to_string(line) + ")";
  if (!have_header_) {
    fail(record_line_, "malformed quoting in the header: " + what);
    return;
  }
  std::string key;
  if (record_line_ == line && emitter_.key_index() == 0 && field_count_ != 0) {
    key = emitter_.usable_key(std::move(fields_[0]));
  }
  emitter_.quarantine(record_line_, core::quarantine_reason::invalid_record, what, std::move(key));
  // Drop the partial record and resume on the next physical line.
  reset_parser();
  skip_to_line_end_ = !ends_line;
}

void csv_source_reader::reset_parser() {
  // Reset libcsv to the start of a record, dropping what it holds of the current one.
  discarding_ = true;
  ::csv_fini(&parser_, on_field, on_record_end, this);
  discarding_ = false;
  field_count_ = 0;
  in_record_ = false;
}

void csv_source_reader::too_long(std::string_view text, std::size_t line, bool ends_line) {
  const std::string limit =
      "longer than source.max_record_bytes (" + std::to_string(options_.max_record_bytes) + " bytes)";
  if (!have_header_) {
    fail(record_line_, "the header is " + limit);
    return;
  }
  // As for a stray quote: the first field is the key only if it was read whole on this line.
  std::string key;
  if (record_line_ == line && emitter_.key_index() == 0 && field_count_ != 0) {
    key = emitter_.usable_key(std::move(fields_[0]));
  }
  emitter_.quarantine(record_line_, core::quarantine_reason::record_too_long,
                      "the record is " + limit + "; the rest of it was skipped", std::move(key));
  reset_parser();
  skipping_record_ = true;
  skipped_line_ = record_line_;
  skip_in_quotes_ = record_quotes_odd_;
  skip_record(text, ends_line);
}

void csv_source_reader::skip_record(std::string_view text, bool ends_line) noexcept {
  skip_in_quotes_ = skip_in_quotes_ != odd_quotes(text);
  if (ends_line && !skip_in_quotes_) {
    skipping_record_ = false;
  }
}

core::expected<core::source_summary, core::source_error> csv_source_reader::read() {
  text_chunk_reader in(options_);
  const char d = options_.delimiter;
  if (d == '"' || d == '\r' || d == '\n' || d == '\0') {
    return core::unexpected<core::source_error>{
        core::source_error{in.message("source.delimiter cannot be a quote, a line end or NUL")}};
  }
  const auto segment = [this](std::string_view text, std::size_t line, bool ends_line) {
    feed(text, line, ends_line);
  };
  if (auto err = read_all_lines(in, lines_, segment, error_)) {
    return core::unexpected<core::source_error>{std::move(*err)};
  }
  if (skipping_record_ && skip_in_quotes_) {
    // The record cut for its length was a quoted field that never closed: it swallowed the rest.
    fail(skipped_line_, "a quoted field begins here and is never closed");
    return core::unexpected<core::source_error>{core::source_error{std::move(*error_)}};
  }
  // At the end, and only there, an open quoted field is an error: it would have swallowed
  // every row after the line it began on.
  ::csv_set_opts(&parser_, CSV_STRICT | CSV_STRICT_FINI);
  if (::csv_fini(&parser_, on_field, on_record_end, this) != 0) {
    fail(field_count_ == 0 ? record_line_ : field_line_, "a quoted field begins here and is never closed");
  }
  if (error_) {
    return core::unexpected<core::source_error>{core::source_error{std::move(*error_)}};
  }
  if (!have_header_) {
    return core::unexpected<core::source_error>{
        core::source_error{in.message("the file is empty: no header")}};
  }
  if (emitter_.rows_read() < options_.min_rows) {
    return core::unexpected<core::source_error>{core::source_error{
        in.message("found " + std::to_string(emitter_.rows_read()) + " data rows, fewer than min_rows (" +
                   std::to_string(options_.min_rows) + ")")}};
  }
  return core::source_summary{options_.path.string(), in.bytes(), in.sha256_hex(), emitter_.rows_read(),
                              emitter_.quarantined(), 0,          std::nullopt};
}

}  // namespace eightsync::connectors
