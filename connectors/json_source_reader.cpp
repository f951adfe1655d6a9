#include "connectors/json_source_reader.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>

#include "connectors/text_chunk_reader.hpp"
#include "connectors/text_line_pump.hpp"

namespace eightsync::connectors {
namespace {

boost::json::parse_options parse_options() {
  boost::json::parse_options opt;
  // Invalid UTF-8 in a value quarantines its record (naming the column) instead of failing
  // the whole export.
  opt.allow_invalid_utf8 = true;
  opt.max_depth = 64;
  return opt;
}

bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool all_space(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), is_json_space);
}

}  // namespace

json_source_reader::json_source_reader(const core::source_options& options, core::row_sink& sink)
    : options_(options),
      sink_(sink),
      emitter_(options, sink),
      parser_(parse_options(), false, &options, &sink) {}

void json_source_reader::fail(std::string what) {
  if (!error_) {
    error_ = options_.path.string() + ": " + what;
  }
}

void json_source_reader::feed(std::string_view text, std::size_t line, bool ends_line) {
  if (error_) {
    return;
  }
  last_line_ = line;
  if (at_line_start_) {
    line_start_ = offset_;
  }
  at_line_start_ = ends_line;
  if (layout_ == layout::unknown) {
    const auto first = std::find_if_not(text.begin(), text.end(), is_json_space);
    if (first == text.end()) {
      offset_ += text.size();
      return;
    }
    if (*first == '[') {
      layout_ = layout::array;
    } else if (*first == '{') {
      layout_ = layout::ndjson;
      parser_.handler() = json_record_handler(true, &options_, &sink_);
    } else {
      fail("line " + std::to_string(line) +
           ": not a JSON export: it must be an array of "
           "objects (starting with '[') or NDJSON, one object per line (starting with '{')");
      return;
    }
  }
  if (layout_ == layout::array) {
    feed_array(text, line);
  } else if (skipping_line_) {
    skipping_line_ = !ends_line;
  } else if (line_text_.size() + text.size() > options_.max_record_bytes) {
    // Quarantined unread: collecting it would hold the whole line in memory.
    parser_.handler().add_unparsed(line,
                                   "line " + std::to_string(line) +
                                       " is longer than source.max_record_bytes (" +
                                       std::to_string(options_.max_record_bytes) + " bytes)",
                                   core::quarantine_reason::record_too_long);
    line_text_.clear();
    line_text_.shrink_to_fit();
    skipping_line_ = !ends_line;
  } else {
    line_text_ += text;
    line_number_ = line;
    if (ends_line) {
      parse_ndjson_line(line_text_, line);
      line_text_.clear();
    }
  }
  offset_ += text.size();
}

void json_source_reader::feed_array(std::string_view text, std::size_t line) {
  if (parser_.done()) {
    if (!all_space(text)) {
      fail("line " + std::to_string(line) + ": text after the end of the JSON array");
    }
    return;
  }
  parser_.handler().set_line(line);
  boost::json::error_code ec;
  const std::size_t used = parser_.write_some(true, text.data(), text.size(), ec);
  if (ec) {
    array_syntax_error(line, ec);
  } else if (parser_.done() && !all_space(text.substr(used))) {
    fail("line " + std::to_string(line) + ": text after the end of the JSON array");
  }
}

void json_source_reader::array_syntax_error(std::size_t line, const boost::json::error_code& ec) {
  // basic_parser does not say where an error is; replaying the input up to this piece and
  // then byte by byte finds the column.
  const std::size_t at = replay_to_error();
  fail("line " + std::to_string(line) + ", column " + std::to_string(at - line_start_ + 1) +
       ": invalid JSON (" + ec.message() + ")");
}

std::size_t json_source_reader::replay_to_error() {
  text_chunk_reader in(options_);
  parser replay(parse_options(), false, &options_, &sink_);
  if (in.open()) {
    return offset_;  // the file went away since: the start of the failing piece will do
  }
  std::size_t pos = 0;
  boost::json::error_code ec;
  for (;;) {
    auto chunk = in.next();
    if (!chunk || chunk->empty()) {
      return offset_;
    }
    std::string_view text = *chunk;
    if (pos + text.size() <= offset_) {
      replay.write_some(true, text.data(), text.size(), ec);
      pos += text.size();
      continue;
    }
    if (pos < offset_) {
      const std::size_t bulk = offset_ - pos;
      replay.write_some(true, text.data(), bulk, ec);
      text.remove_prefix(bulk);
      pos = offset_;
    }
    for (const char& c : text) {
      replay.write_some(true, &c, 1, ec);
      if (ec) {
        return pos;
      }
      ++pos;
    }
  }
}

void json_source_reader::parse_ndjson_line(std::string_view text, std::size_t line) {
  if (all_space(text)) {
    return;
  }
  json_record_handler& h = parser_.handler();
  h.mark();
  h.set_line(line);
  parser_.reset();
  boost::json::error_code ec;
  const std::size_t used = parser_.write_some(false, text.data(), text.size(), ec);
  std::size_t column = 0;
  std::string why;
  if (ec) {
    // Find the column by feeding the line again, byte by byte.
    parser scratch(parse_options(), true);
    boost::json::error_code ec2;
    for (column = 1; column <= text.size(); ++column) {
      scratch.write_some(true, &text[column - 1], 1, ec2);
      if (ec2) {
        break;
      }
    }
    why = "invalid JSON (" + ec.message() + ")";
  } else if (!all_space(text.substr(used))) {
    column = used + 1;
    why = "text after the end of the object";
  } else {
    return;
  }
  h.rollback();
  const std::string where =
      column > text.size() ? std::string("at the end of the line") : "at column " + std::to_string(column);
  if (h.records().empty()) {
    fail("line " + std::to_string(line) +
         ": not a JSON export: the first line is not a "
         "complete JSON object (NDJSON needs one object per line; an array must start with "
         "'['): " +
         why + " " + where);
    return;
  }
  h.add_unparsed(line, "line " + std::to_string(line) + " is not a JSON object: " + why + " " + where);
}

std::optional<std::string> json_source_reader::emit_records() {
  json_record_handler& h = parser_.handler();
  std::vector<json_record>& records = h.records();
  if (records.size() < options_.min_rows) {
    return "found " + std::to_string(records.size()) + " records, fewer than min_rows (" +
           std::to_string(options_.min_rows) + ")";
  }
  if (records.empty()) {
    emitter_.accept_empty_header();
    return std::nullopt;
  }
  const std::size_t columns = h.columns().size();
  if (auto problem = emitter_.accept_header(std::move(h.columns()))) {
    return *problem;
  }
  const std::size_t key_column = emitter_.key_index();
  for (json_record& r : records) {
    if (r.problem) {
      std::string key;
      for (auto& [column, text] : r.values) {
        if (column == key_column) {
          key = emitter_.usable_key(std::move(text));
        }
      }
      emitter_.quarantine(r.line, *r.problem, std::move(r.detail), std::move(key));
      continue;
    }
    std::vector<std::string> fields(columns);
    for (auto& [column, text] : r.values) {
      fields[column] = std::move(text);
    }
    emitter_.emit(r.line, std::move(fields), true);
  }
  return std::nullopt;
}

core::expected<core::source_summary, core::source_error> json_source_reader::read() {
  text_chunk_reader in(options_);
  const auto segment = [this](std::string_view text, std::size_t line, bool ends_line) {
    feed(text, line, ends_line);
  };
  if (auto err = read_all_lines(in, lines_, segment, error_)) {
    return core::unexpected<core::source_error>{std::move(*err)};
  }
  if (layout_ == layout::array && !error_ && !parser_.done()) {
    boost::json::error_code ec;
    parser_.write_some(false, "", 0, ec);
    if (ec || !parser_.done()) {
      fail("line " + std::to_string(last_line_) + ": the file ends before the JSON array is closed");
    }
  } else if (layout_ == layout::ndjson && !line_text_.empty() && !error_) {
    parse_ndjson_line(line_text_, line_number_);  // the last line had no line end
  }
  if (error_) {
    return core::unexpected<core::source_error>{core::source_error{std::move(*error_)}};
  }
  if (layout_ == layout::unknown) {
    return core::unexpected<core::source_error>{core::source_error{in.message("the file is empty")}};
  }
  if (auto problem = emit_records()) {
    return core::unexpected<core::source_error>{core::source_error{in.message(*problem)}};
  }
  return core::source_summary{options_.path.string(),
                              in.bytes(),
                              in.sha256_hex(),
                              emitter_.rows_read(),
                              emitter_.quarantined(),
                              parser_.handler().ignored_columns(),
                              std::nullopt};
}

}  // namespace eightsync::connectors
