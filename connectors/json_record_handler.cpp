#include "connectors/json_record_handler.hpp"

#include <string_view>

#include "connectors/text_key.hpp"
#include "connectors/text_utf8.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::connectors {

namespace json = boost::json;

json_record_handler::json_record_handler(bool records_at_top, const core::source_options* options,
                                         const core::row_sink* sink) noexcept
    : record_depth_(records_at_top ? 0 : 1),
      options_(options),
      sink_(sink),
      max_record_bytes_(options != nullptr ? options->max_record_bytes : static_cast<std::size_t>(-1)) {}

void json_record_handler::mark() noexcept {
  marked_records_ = records_.size();
  marked_columns_ = columns_.size();
  ignored_since_mark_.clear();
}

bool json_record_handler::keeps(std::string_view name) const noexcept {
  const std::string_view trimmed = trim_text(name);
  if (options_ != nullptr && trimmed == options_->key) return true;
  return sink_ == nullptr || sink_->uses_column(trimmed);
}

bool json_record_handler::charge(std::size_t bytes) {
  if (dropping_) return false;
  record_bytes_ += bytes;
  if (record_bytes_ <= max_record_bytes_) return true;
  // Too long: keep the record (so it is counted and reported) but none of its text.
  dropping_ = true;
  json_record& r = records_.back();
  r.values.clear();
  r.values.shrink_to_fit();
  key_.clear();
  key_.shrink_to_fit();
  value_.clear();
  value_.shrink_to_fit();
  set_problem(
      core::quarantine_reason::record_too_long,
      "the record is longer than source.max_record_bytes (" + std::to_string(max_record_bytes_) + " bytes)");
  return false;
}

void json_record_handler::rollback() noexcept {
  records_.resize(marked_records_);
  // Field names seen only in the failed text must not reach the header.
  for (std::size_t c = marked_columns_; c < columns_.size(); ++c) {
    column_index_.erase(columns_[c]);
  }
  columns_.resize(marked_columns_);
  seen_in_record_.resize(marked_columns_);
  for (const std::string& name : ignored_since_mark_)
    ignored_.erase(name);
  ignored_since_mark_.clear();
  dropping_ = false;
  depth_ = 0;
  in_object_record_ = false;
  key_.clear();
  key_complete_ = true;
  value_.clear();
}

void json_record_handler::add_unparsed(std::size_t line, std::string detail, core::quarantine_reason reason) {
  json_record r;
  r.line = line;
  r.problem = reason;
  r.detail = std::move(detail);
  records_.push_back(std::move(r));
}

void json_record_handler::begin_record() {
  ++serial_;
  record_bytes_ = 0;
  dropping_ = false;
  json_record r;
  r.line = line_;
  records_.push_back(std::move(r));
}

void json_record_handler::set_problem(core::quarantine_reason reason, std::string detail) {
  json_record& r = records_.back();
  if (!r.problem) {
    r.problem = reason;
    r.detail = std::move(detail);
  }
}

void json_record_handler::not_an_object(const char* what) {
  begin_record();
  set_problem(core::quarantine_reason::invalid_record,
              std::string("the record is ") + what + ", not an object");
}

void json_record_handler::start_key() {
  if (key_complete_) {
    key_.clear();
    key_complete_ = false;
  }
}

void json_record_handler::store_value() {
  if (!key_usable_ || !storing()) {
    value_.clear();
    return;
  }
  if (seen_in_record_[column_] == serial_) {
    set_problem(core::quarantine_reason::invalid_record,
                "field \"" + core::escaped(key_) + "\" appears twice in the record");
  } else {
    seen_in_record_[column_] = serial_;
    records_.back().values.emplace_back(column_, std::move(value_));
  }
  value_.clear();
}

void json_record_handler::scalar(std::string_view text, const char* what) {
  if (at_field_level()) {
    if (charge(text.size()) && storing()) value_ += text;
    store_value();
  } else if (at_record_level()) {
    not_an_object(what);
  }
}

bool json_record_handler::on_document_begin(json::error_code&) {
  depth_ = 0;
  in_object_record_ = false;
  return true;
}

bool json_record_handler::on_document_end(json::error_code&) {
  return true;
}

bool json_record_handler::on_array_begin(json::error_code&) {
  if (at_record_level()) {
    not_an_object("an array");
  } else if (at_field_level()) {
    set_problem(core::quarantine_reason::invalid_record,
                "field \"" + core::escaped(key_) +
                    "\" holds an array; only strings, numbers, booleans and "
                    "null can be read");
  }
  ++depth_;
  return true;
}

bool json_record_handler::on_array_end(std::size_t, json::error_code&) {
  --depth_;
  return true;
}

bool json_record_handler::on_object_begin(json::error_code&) {
  if (at_record_level()) {
    begin_record();
    in_object_record_ = true;
  } else if (at_field_level()) {
    set_problem(core::quarantine_reason::invalid_record,
                "field \"" + core::escaped(key_) +
                    "\" holds an object; only strings, numbers, booleans and "
                    "null can be read");
  }
  ++depth_;
  return true;
}

bool json_record_handler::on_object_end(std::size_t, json::error_code&) {
  --depth_;
  if (at_record_level()) {
    in_object_record_ = false;
  }
  return true;
}

bool json_record_handler::on_string_part(json::string_view s, std::size_t, json::error_code&) {
  // Every field counts toward the record's length, kept or not; only kept ones are stored.
  if (at_field_level() && charge(s.size()) && storing()) {
    value_.append(s.data(), s.size());
  }
  return true;
}

bool json_record_handler::on_string(json::string_view s, std::size_t, json::error_code&) {
  scalar(std::string_view(s.data(), s.size()), "a string");
  return true;
}

bool json_record_handler::on_key_part(json::string_view s, std::size_t, json::error_code&) {
  if (at_field_level()) {
    start_key();
    if (charge(s.size())) key_.append(s.data(), s.size());
  }
  return true;
}

bool json_record_handler::on_key(json::string_view s, std::size_t, json::error_code&) {
  if (!at_field_level()) {
    return true;
  }
  start_key();
  if (!charge(s.size())) {
    key_complete_ = true;
    return true;  // a record too long: its names no longer matter
  }
  key_.append(s.data(), s.size());
  key_complete_ = true;
  key_usable_ = find_invalid_utf8(key_) == std::string_view::npos;
  if (!key_usable_) {
    set_problem(core::quarantine_reason::invalid_utf8, "a field name is not valid UTF-8");
    return true;
  }
  auto it = column_index_.find(key_);
  if (it == column_index_.end()) {
    // A name the sink does not read is counted once and never becomes a column: with a distinct
    // name on every record, columns (and so every row) would otherwise grow with the file.
    if (ignored_.contains(key_)) {
      column_ = ignored_column;
      return true;
    }
    if (!keeps(key_)) {
      ignored_.insert(key_);
      if (record_depth_ == 0) ignored_since_mark_.push_back(key_);
      column_ = ignored_column;
      return true;
    }
    it = column_index_.emplace(key_, columns_.size()).first;
    columns_.push_back(key_);
    seen_in_record_.push_back(0);
  }
  column_ = it->second;
  return true;
}

bool json_record_handler::on_number_part(json::string_view s, json::error_code&) {
  if (at_field_level() && charge(s.size()) && storing()) {
    value_.append(s.data(), s.size());
  }
  return true;
}

// Numbers keep the text they were written with: `00123`-style keys cannot occur in JSON, but
// `12.50` must not become `12.5`, and integers beyond 64 bits must not lose digits.
bool json_record_handler::on_int64(std::int64_t, json::string_view s, json::error_code&) {
  scalar(std::string_view(s.data(), s.size()), "a number");
  return true;
}

bool json_record_handler::on_uint64(std::uint64_t, json::string_view s, json::error_code&) {
  scalar(std::string_view(s.data(), s.size()), "a number");
  return true;
}

bool json_record_handler::on_double(double, json::string_view s, json::error_code&) {
  scalar(std::string_view(s.data(), s.size()), "a number");
  return true;
}

bool json_record_handler::on_bool(bool b, json::error_code&) {
  scalar(b ? "true" : "false", "a boolean");
  return true;
}

bool json_record_handler::on_null(json::error_code&) {
  scalar({}, "null");
  return true;
}

bool json_record_handler::on_comment_part(json::string_view, json::error_code&) {
  return true;
}

bool json_record_handler::on_comment(json::string_view, json::error_code&) {
  return true;
}

}  // namespace eightsync::connectors
