#include "connectors/json_record_handler.hpp"

#include <string_view>

#include "connectors/text_utf8.hpp"

namespace eightsync::connectors {

namespace json = boost::json;

json_record_handler::json_record_handler(bool records_at_top) noexcept
    : record_depth_(records_at_top ? 0 : 1) {}

void json_record_handler::mark() noexcept {
  marked_records_ = records_.size();
  marked_columns_ = columns_.size();
}

void json_record_handler::rollback() noexcept {
  records_.resize(marked_records_);
  // Field names seen only in the failed text must not reach the header.
  for (std::size_t c = marked_columns_; c < columns_.size(); ++c) {
    column_index_.erase(columns_[c]);
  }
  columns_.resize(marked_columns_);
  seen_in_record_.resize(marked_columns_);
  depth_ = 0;
  in_object_record_ = false;
  key_.clear();
  key_complete_ = true;
  value_.clear();
}

void json_record_handler::add_unparsed(std::size_t line, std::string detail) {
  json_record r;
  r.line = line;
  r.problem = core::quarantine_reason::invalid_record;
  r.detail = std::move(detail);
  records_.push_back(std::move(r));
}

void json_record_handler::begin_record() {
  ++serial_;
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
  if (!key_usable_) {
    value_.clear();
    return;
  }
  if (seen_in_record_[column_] == serial_) {
    set_problem(core::quarantine_reason::invalid_record,
                "field \"" + key_ + "\" appears twice in the record");
  } else {
    seen_in_record_[column_] = serial_;
    records_.back().values.emplace_back(column_, std::move(value_));
  }
  value_.clear();
}

void json_record_handler::scalar(std::string_view text, const char* what) {
  if (at_field_level()) {
    value_ += text;
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
                "field \"" + key_ +
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
                "field \"" + key_ +
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
  if (at_field_level()) {
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
    key_.append(s.data(), s.size());
  }
  return true;
}

bool json_record_handler::on_key(json::string_view s, std::size_t, json::error_code&) {
  if (!at_field_level()) {
    return true;
  }
  start_key();
  key_.append(s.data(), s.size());
  key_complete_ = true;
  key_usable_ = find_invalid_utf8(key_) == std::string_view::npos;
  if (!key_usable_) {
    set_problem(core::quarantine_reason::invalid_utf8, "a field name is not valid UTF-8");
    return true;
  }
  auto [it, fresh] = column_index_.try_emplace(key_, columns_.size());
  if (fresh) {
    columns_.push_back(key_);
    seen_in_record_.push_back(0);
  }
  column_ = it->second;
  return true;
}

bool json_record_handler::on_number_part(json::string_view s, json::error_code&) {
  if (at_field_level()) {
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
