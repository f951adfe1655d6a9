#include "connectors/text_row_emitter.hpp"

#include <cstdio>
#include <string_view>
#include <unordered_map>

#include "connectors/text_key.hpp"
#include "connectors/text_transcoder.hpp"
#include "connectors/text_utf8.hpp"
#include "core/bounded_text.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::connectors {
namespace {

std::string in_quotes(std::string_view name) {
  std::string q;
  q.reserve(name.size() + 2);
  q += '"';
  q += name;
  q += '"';
  return q;
}

std::string byte_hex(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(b));
  return buf;
}

// A name or key from the export as a message shows it: control, bidi and invisible characters
// escaped (a second byte order mark, a NUL), and cut after `max` bytes.
std::string shown(std::string_view text, std::size_t max = 80) {
  if (text.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U)
      --cut;
    return core::escaped(text.substr(0, cut)) + "… (" + std::to_string(text.size()) + " bytes)";
  }
  return core::escaped(text);
}

// "a, b, (unnamed), (3 unnamed), …": the header's names, runs of unnamed columns counted, and
// no longer than a line or two however many columns there are.
std::string column_list(const std::vector<std::string>& names) {
  constexpr std::size_t max_bytes = 512;
  std::string out;
  std::size_t i = 0;
  while (i < names.size()) {
    if (out.size() > max_bytes) {
      out += ", … and " + std::to_string(names.size() - i) + " more (" + std::to_string(names.size()) +
             " in all)";
      break;
    }
    out += out.empty() ? "" : ", ";
    if (!names[i].empty()) {
      out += shown(names[i++]);
      continue;
    }
    std::size_t run = 0;
    while (i < names.size() && names[i].empty()) {
      ++run;
      ++i;
    }
    out += run == 1 ? std::string("(unnamed)") : "(" + std::to_string(run) + " unnamed)";
  }
  return out;
}

}  // namespace

text_row_emitter::text_row_emitter(const core::source_options& options, core::row_sink& sink) noexcept
    : options_(options), sink_(sink) {}

std::optional<std::string> text_row_emitter::accept_header(std::vector<std::string> names) {
  std::unordered_map<std::string_view, std::size_t> seen;
  std::optional<std::size_t> key;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string& name = names[i];
    name = std::string(trim_text(name));
    if (const std::size_t bad = find_invalid_utf8(name); bad != std::string_view::npos) {
      return "header column " + std::to_string(i + 1) + " is not valid UTF-8 (byte " +
             byte_hex(static_cast<unsigned char>(name[bad])) + " at byte " + std::to_string(bad + 1) +
             " of the name)";
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    // Spreadsheets leave unnamed columns ("a,b,,"); several of them are harmless because no
    // mapping can name them. A named column twice would make the mapping ambiguous.
    if (names[i].empty()) {
      continue;
    }
    if (auto [it, fresh] = seen.emplace(names[i], i); !fresh) {
      return "column " + in_quotes(shown(names[i])) + " appears twice in the header (columns " +
             std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + ")";
    }
    if (names[i] == options_.key) {
      key = i;
    }
  }
  if (!key) {
    std::string problem = "the header has no key column " + in_quotes(shown(options_.key)) +
                          " (source.key); its columns are: " + column_list(names);
    // A second byte order mark or a NUL makes "employee_id" look present: point at it.
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (core::find_unsafe_char(names[i])) {
        problem += "; column " + std::to_string(i + 1) + " is " + in_quotes(shown(names[i])) +
                   ", which holds invisible or control characters";
        break;
      }
    }
    return problem;
  }
  key_index_ = *key;
  header_ = std::move(names);
  sink_.on_header(header_);
  return std::nullopt;
}

std::string text_row_emitter::usable_key(std::string raw) const {
  if (find_invalid_utf8(raw) != std::string_view::npos) {
    return {};
  }
  normalize_key(raw, options_);
  return raw;
}

void text_row_emitter::quarantine(std::size_t line, core::quarantine_reason reason, std::string detail,
                                  std::string key) {
  ++rows_read_;
  ++quarantined_;
  sink_.on_quarantine(
      core::quarantined_row{line, rows_read_, std::move(key), reason, core::bound_text(detail)});
}

std::string text_row_emitter::invalid_utf8_detail(std::size_t column, const std::string& value,
                                                  std::size_t offset) const {
  const auto byte = static_cast<unsigned char>(value[offset]);
  std::string d = "column " + in_quotes(shown(header_[column]));
  if (options_.encoding == core::source_encoding::utf8) {
    d += " is not valid UTF-8 (byte " + byte_hex(byte) + " at byte " + std::to_string(offset + 1) +
         "); if the file was saved by Excel on Windows, set source.encoding to cp1252";
  } else {
    // The conversion table passes through only the bytes the encoding leaves undefined.
    d += std::string(" holds byte ") + byte_hex(byte) + ", which " +
         text_transcoder::iconv_name(options_.encoding) + " does not define (at byte " +
         std::to_string(offset + 1) + ")";
  }
  return d;
}

void text_row_emitter::emit(std::size_t line, std::vector<std::string>&& fields, bool key_trusted,
                            bool utf8_checked) {
  if (fields.size() != header_.size()) {
    // Where a field went missing or an extra delimiter crept in is unknown, so the key column
    // may hold someone else's key; only the first column is certain to be in place.
    std::string key;
    if (key_trusted && key_index_ == 0 && !fields.empty()) {
      key = usable_key(std::move(fields[0]));
    }
    quarantine(
        line, core::quarantine_reason::field_count,
        "has " + std::to_string(fields.size()) + " fields; the header has " + std::to_string(header_.size()),
        std::move(key));
    return;
  }
  for (std::size_t i = 0; !utf8_checked && i < fields.size(); ++i) {
    if (const std::size_t bad = find_invalid_utf8(fields[i]); bad != std::string_view::npos) {
      std::string detail = invalid_utf8_detail(i, fields[i], bad);
      std::string key = key_trusted ? usable_key(std::move(fields[key_index_])) : std::string();
      quarantine(line, core::quarantine_reason::invalid_utf8, std::move(detail), std::move(key));
      return;
    }
  }
  std::string& key = fields[key_index_];
  normalize_key(key, options_);
  if (key.empty()) {
    quarantine(line, core::quarantine_reason::empty_key,
               "the key column " + in_quotes(options_.key) + " is empty", {});
    return;
  }
  // The key becomes 8x8's externalId and appears in every listing: ESC would clear an admin's
  // screen, U+202E reverse what follows it, an invisible character make two keys look alike.
  if (const auto bad = core::find_unsafe_char(key)) {
    std::string detail =
        "the key " + in_quotes(shown(key)) + " holds a control, bidi or invisible character (" +
        core::code_point_label(bad->code_point) + " at byte " + std::to_string(bad->offset + 1) +
        "); it would reach 8x8 as externalId and every terminal that shows it";
    quarantine(line, core::quarantine_reason::unsafe_key, std::move(detail),
               key_trusted ? std::move(key) : std::string());
    return;
  }
  ++rows_read_;
  core::source_row row{line, rows_read_, std::move(fields)};
  sink_.on_row(std::move(row));
  // The sink only reads a row (or takes what it keeps), so its strings come back for the
  // caller to refill: a reader then allocates nothing per row once warm.
  fields = std::move(row.fields);
}

}  // namespace eightsync::connectors
