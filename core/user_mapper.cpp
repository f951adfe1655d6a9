#include "core/user_mapper.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

#include "core/bounded_text.hpp"
#include "core/content_hash.hpp"
#include "core/create_rules.hpp"
#include "core/text.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::core {
namespace {

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string where(std::size_t line, std::size_t record) {
  return line != 0 ? "line " + std::to_string(line) : "record " + std::to_string(record);
}

// A column the config uses that the header lacks, with a hint when the header has a close name.
std::string describe_missing(std::string_view column, const std::vector<std::string>& header) {
  std::string out = in_quotes(column);
  std::optional<std::string_view> hint;
  for (const auto& h : header) {
    if (iequals(h, column)) hint = h;
  }
  if (!hint) hint = closest_name_in(column, header);
  // A header name may hide control or invisible characters: show them.
  if (hint) out += " (did you mean " + in_quotes(escaped(*hint)) + "?)";
  return out;
}

}  // namespace

user_mapper::user_mapper(const mapping_rules& rules, std::string key_column)
    : rules_(rules), key_column_(std::move(key_column)) {
  ctx_.maps = rules_.maps();
  ctx_.columns.resize(rules_.columns().size());
  for (auto a : all_attributes) {
    const template_expr* expr = rules_.template_for(a);
    if (expr == nullptr) continue;
    mapped_attribute m{a, expr, std::string(attribute_name(a)) + "=", npos};
    // A template renders the same text from the same row (userName and email are often both
    // "{email|trim|lower}"), so a repeat copies the earlier value instead of rendering again.
    for (std::size_t j = 0; j < mapped_.size() && m.same_as == npos; ++j) {
      if (mapped_[j].expr->text() == expr->text()) m.same_as = j;
    }
    mapped_.push_back(std::move(m));
  }
}

bool user_mapper::uses_column(std::string_view name) const noexcept {
  if (iequals(name, key_column_)) return true;
  for (const auto& c : rules_.columns()) {
    if (iequals(name, c)) return true;
  }
  return false;
}

void user_mapper::on_header(const std::vector<std::string>& header) {
  have_header_ = true;
  auto find = [&](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return std::nullopt;
  };
  std::vector<std::string> missing;
  if (auto k = find(key_column_)) {
    key_index_ = *k;
  } else {
    missing.push_back(describe_missing(key_column_, header) + " (source.key)");
  }
  slot_fields_.assign(rules_.columns().size(), 0);
  for (std::size_t slot = 0; slot < rules_.columns().size(); ++slot) {
    const auto& column = rules_.columns()[slot];
    if (auto i = find(column)) {
      slot_fields_[slot] = *i;
    } else if (column != key_column_) {
      missing.push_back(describe_missing(column, header));
    }
  }
  if (missing.empty()) return;
  std::string msg = "the header lacks " + std::to_string(missing.size()) +
                    (missing.size() == 1 ? " column" : " columns") + " the config uses: ";
  for (std::size_t i = 0; i < missing.size(); ++i)
    msg += (i == 0 ? "" : ", ") + missing[i];
  // A header of a million names would make this a megabyte on every cycle's record.
  header_error_ = bound_text(msg);
}

std::string_view user_mapper::key_of(const outcome& o) const {
  switch (o.kind) {
    case outcome_kind::user:
      return users_[o.index].key;
    case outcome_kind::quarantined:
      return quarantined_[o.index].key;
    case outcome_kind::out_of_scope:
      break;
  }
  return out_of_scope_keys_[o.index];
}

void user_mapper::grow_index() {
  std::vector<key_slot> old = std::move(key_table_);
  key_table_.assign(std::max<std::size_t>(1024, old.size() * 2), key_slot{0, 0});
  const std::size_t mask = key_table_.size() - 1;
  for (const key_slot entry : old) {
    if (entry.outcome == 0) continue;
    std::size_t i = entry.hash & mask;
    while (key_table_[i].outcome != 0)
      i = (i + 1) & mask;
    key_table_[i] = entry;
  }
}

void user_mapper::index_outcome(std::size_t position) {
  if ((position + 1) * 2 > key_table_.size()) grow_index();
  outcome& o = outcomes_[position];
  const std::string_view key = key_of(o);
  const auto hash = static_cast<std::uint32_t>(xxh64(key));
  const std::size_t mask = key_table_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const key_slot entry = key_table_[i];
    if (entry.outcome == 0) {
      key_table_[i] = key_slot{hash, static_cast<std::uint32_t>(position + 1)};
      return;
    }
    if (entry.hash != hash) continue;
    outcome& first = outcomes_[entry.outcome - 1];
    if (key_of(first) == key) {
      first.duplicate = true;
      o.duplicate = true;
      ++duplicates_;
      return;
    }
  }
}

void user_mapper::note_key(outcome_kind kind, std::size_t index, std::size_t line, std::size_t record,
                           bool from_reader) {
  outcomes_.push_back(outcome{line, record, static_cast<std::uint32_t>(index), kind, from_reader, false});
  const std::size_t position = outcomes_.size() - 1;
  if (keys_ascending_) {
    if (position == 0 || key_of(outcomes_[position - 1]) < key_of(outcomes_[position])) return;
    // The first key out of order: index every earlier key (none repeats), then go on hashing.
    keys_ascending_ = false;
    for (std::size_t i = 0; i < position; ++i)
      index_outcome(i);
  }
  index_outcome(position);
}

void user_mapper::reserve_users(const source_row& row) {
  // Sample the first rows' length (each field plus its delimiter or line end), then reserve
  // for the rows the expected size holds, with a little to spare for rows longer than these.
  constexpr std::size_t sample_rows = 64;
  for (const auto& f : row.fields)
    sample_bytes_ += f.size() + 1;
  if (++sampled_rows_ < sample_rows) return;
  const std::uintmax_t rows = expected_bytes_ / (sample_bytes_ / sampled_rows_ + 1);
  users_.reserve(static_cast<std::size_t>(rows + rows / 16 + sample_rows));
  expected_bytes_ = 0;
}

void user_mapper::quarantine(const source_row& row, const std::string& key, quarantine_reason reason,
                             std::string detail) {
  // The detail quotes HR values, which may be of any length.
  quarantined_.push_back(quarantined_row{row.line, row.record, key, reason, bound_text(detail)});
  if (!key.empty()) note_key(outcome_kind::quarantined, quarantined_.size() - 1, row.line, row.record, false);
}

void user_mapper::on_row(source_row&& row) {
  ++rows_read_;
  if (header_error_ || !have_header_) return;

  static const std::string empty;
  auto field = [&](std::size_t i) -> const std::string& {
    return i < row.fields.size() ? row.fields[i] : empty;
  };
  const std::string& key = field(key_index_);
  if (key.empty()) {
    quarantine(row, key, quarantine_reason::empty_key,
               "the key column " + in_quotes(key_column_) + " is empty");
    return;
  }
  for (std::size_t slot = 0; slot < slot_fields_.size(); ++slot)
    ctx_.columns[slot] = field(slot_fields_[slot]);
  if (expected_bytes_ != 0) reserve_users(row);

  for (const auto& cond : rules_.scope()) {
    bool holds = false;
    if (!cond.evaluate(ctx_, holds)) {
      quarantine(row, key, quarantine_reason::map_missing,
                 "scope " + in_quotes(cond.text()) + ": " + ctx_.error);
      return;
    }
    if (!holds) {
      ++out_of_scope_;
      out_of_scope_keys_.push_back(key);
      note_key(outcome_kind::out_of_scope, out_of_scope_keys_.size() - 1, row.line, row.record, false);
      return;
    }
  }
  ++in_scope_;

  bool active = true;
  if (const auto* cond = rules_.active(); cond != nullptr && !cond->evaluate(ctx_, active)) {
    quarantine(row, key, quarantine_reason::map_missing,
               "active " + in_quotes(cond->text()) + ": " + ctx_.error);
    return;
  }

  // Render every mapped value in content_hash's canonical form, so hashing needs no copy.
  canonical_.clear();
  std::array<std::size_t, attribute_count> starts{};
  std::array<std::size_t, attribute_count> sizes{};
  for (std::size_t m = 0; m < mapped_.size(); ++m) {
    const mapped_attribute& ma = mapped_[m];
    canonical_ += ma.prefix;
    const std::size_t start = canonical_.size();
    if (ma.same_as != npos) {
      const std::size_t size = sizes[ma.same_as];
      canonical_.resize(start + size);
      std::memcpy(canonical_.data() + start, canonical_.data() + starts[ma.same_as], size);
    } else if (!ma.expr->render(ctx_, canonical_)) {
      quarantine(row, key, quarantine_reason::map_missing,
                 std::string(attribute_name(ma.a)) + " " + in_quotes(ma.expr->text()) + ": " + ctx_.error);
      return;
    }
    starts[m] = start;
    sizes[m] = canonical_.size() - start;
    canonical_ += '\0';
  }
  // Views only now: rendering may have moved the buffer.
  std::array<std::string_view, attribute_count> values{};
  for (std::size_t m = 0; m < mapped_.size(); ++m) {
    values[static_cast<std::size_t>(mapped_[m].a)] = std::string_view(canonical_).substr(starts[m], sizes[m]);
  }
  auto value = [&](attribute a) { return values[static_cast<std::size_t>(a)]; };

  // The detail below names the four attributes 8x8 requires on create.
  static_assert(mapping_rules::required == std::array{attribute::user_name, attribute::given_name,
                                                      attribute::family_name, attribute::email},
                "the missing_required detail names userName, name.givenName, name.familyName and email");
  std::string missing;
  for (auto a : mapping_rules::required) {
    if (!is_blank(value(a))) continue;
    missing += (missing.empty() ? "" : ", ") + std::string(attribute_name(a)) + " " +
               in_quotes(rules_.template_for(a)->text());
  }
  std::optional<quarantine_reason> reason;
  std::string detail;
  if (!missing.empty()) {
    reason = quarantine_reason::missing_required;
    detail = "empty " + missing +
             "; 8x8 needs userName, name.givenName, name.familyName and email to create a user";
  } else if (auto problem = user_name_problem(value(attribute::user_name))) {
    reason = quarantine_reason::unsafe_user_name;
    detail = "userName " + in_quotes(value(attribute::user_name)) + " " + *problem +
             ", which a SCIM filter cannot carry safely";
  } else if (auto why = email_problem(value(attribute::email))) {
    reason = quarantine_reason::invalid_email;
    detail = "email " + in_quotes(value(attribute::email)) + " " + std::string(*why);
  }
  if (reason) {
    quarantine(row, key, *reason, std::move(detail));
    return;
  }
  desired_user dates;
  if (lifecycle_ != nullptr && !read_lifecycle(row, key, dates)) return;
  desired_user& u = users_.emplace_back();
  u.pre_hire = dates.pre_hire;
  u.set_window(dates.starts_at(), dates.ends_at());
  u.zone = dates.zone;
  u.key.append(key);
  u.line = row.line;
  u.record = row.record;
  u.hash = xxh64(canonical_);  // content_hash(u), taken over the bytes it would serialize
  u.owned = rules_.owned_mask();
  u.active = active;
  u.assign_values(values);
  note_key(outcome_kind::user, users_.size() - 1, row.line, row.record, false);
}

namespace {

// The name a lifecycle template has in the config, for messages.
std::string_view lifecycle_key(lifecycle_template which) {
  switch (which) {
    case lifecycle_template::start_date:
      return "lifecycle.start_date";
    case lifecycle_template::end_date:
      return "lifecycle.end_date";
    case lifecycle_template::time_zone:
      return "lifecycle.time_zone";
  }
  return "lifecycle";
}

}  // namespace

// Renders lifecycle template `which` into `out` (cleared; empty when the template is not set).
// Returns the map-miss sentence, if any.
std::optional<std::string> user_mapper::render_lifecycle(lifecycle_template which, std::string& out) {
  out.clear();
  const template_expr* t = rules_.lifecycle_template_for(which);
  if (t == nullptr || t->render(ctx_, out)) return std::nullopt;
  return std::string(lifecycle_key(which)) + " " + in_quotes(t->text()) + ": " + ctx_.error;
}

bool user_mapper::read_lifecycle(const source_row& row, const std::string& key, desired_user& u) {
  const lifecycle_reading& r = *lifecycle_;
  if (const auto* cond = rules_.pre_hire(); cond != nullptr && !cond->evaluate(ctx_, u.pre_hire)) {
    quarantine(row, key, quarantine_reason::map_missing,
               "lifecycle.pre_hire " + in_quotes(cond->text()) + ": " + ctx_.error);
    return false;
  }
  std::optional<parsed_date> dates[2];
  const lifecycle_template which[2] = {lifecycle_template::start_date, lifecycle_template::end_date};
  for (std::size_t i = 0; i < 2; ++i) {
    if (auto miss = render_lifecycle(which[i], lifecycle_value_)) {
      quarantine(row, key, quarantine_reason::map_missing, std::move(*miss));
      return false;
    }
    auto read = read_date(lifecycle_value_, r.dates);
    if (!read) {
      quarantine(row, key, quarantine_reason::invalid_date,
                 std::string(lifecycle_key(which[i])) + " " +
                     in_quotes(rules_.lifecycle_template_for(which[i])->text()) + ": " + read.error());
      return false;
    }
    dates[i] = std::move(*read);
  }
  if (!dates[0] && !dates[1]) return true;  // no dates: the status alone decides, and no zone is needed
  if (auto miss = render_lifecycle(lifecycle_template::time_zone, lifecycle_value_)) {
    quarantine(row, key, quarantine_reason::map_missing, std::move(*miss));
    return false;
  }
  const std::string_view zone_name =
      trim(lifecycle_value_).empty() ? std::string_view(r.default_time_zone) : trim(lifecycle_value_);
  auto zone = r.zones->find(zone_name);
  if (!zone) {
    const template_expr* t = rules_.lifecycle_template_for(lifecycle_template::time_zone);
    quarantine(
        row, key, quarantine_reason::invalid_time_zone,
        (t != nullptr && !trim(lifecycle_value_).empty() ? "lifecycle.time_zone " + in_quotes(t->text())
                                                         : std::string("lifecycle.default_time_zone")) +
            ": " + zone.error());
    return false;
  }
  // The warnings are preview's (it passes the moment); a cycle only needs the instants.
  auto window = make_access_window(dates[0], dates[1], **zone, r.times, r.warn_at, r.rehire_gap);
  if (!window) {
    quarantine(row, key, quarantine_reason::invalid_date_range, "lifecycle: " + window.error().message);
    return false;
  }
  u.set_window(window->start, window->end);
  u.zone = zone_index(*zone);
  for (auto& w : window->warnings)
    date_warnings_.push_back(date_warning{key, std::move(w)});
  return true;
}

std::uint16_t user_mapper::zone_index(const date::time_zone* zone) {
  // An export names a handful of zones: a linear look beats a map, and rows of one office
  // usually follow each other.
  for (std::size_t i = zones_.size(); i > 0; --i) {
    if (zones_[i - 1] == zone) return static_cast<std::uint16_t>(i);
  }
  if (zones_.size() >= std::numeric_limits<std::uint16_t>::max()) return 0;
  zones_.push_back(zone);
  return static_cast<std::uint16_t>(zones_.size());
}

void user_mapper::on_quarantine(quarantined_row&& row) {
  ++rows_read_;
  if (header_error_) return;
  quarantined_.push_back(std::move(row));
  const auto& q = quarantined_.back();
  if (!q.key.empty()) note_key(outcome_kind::quarantined, quarantined_.size() - 1, q.line, q.record, true);
}

mapping_result user_mapper::finish() {
  mapping_result result;
  result.rows_read = rows_read_;
  result.in_scope = in_scope_;
  result.out_of_scope = out_of_scope_;
  result.zones = std::move(zones_);
  result.date_warnings = std::move(date_warnings_);
  if (header_error_) return result;

  std::vector<bool> drop(users_.size(), false);
  if (duplicates_ > 0) {
    // Group the rows of each duplicated key (rare, so a map is fine), in file order.
    std::map<std::string_view, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < outcomes_.size(); ++i) {
      if (outcomes_[i].duplicate) groups[key_of(outcomes_[i])].push_back(i);
    }
    std::vector<quarantined_row> added;
    for (const auto& [key, members] : groups) {
      std::string places;
      for (std::size_t i : members) {
        places += (places.empty() ? "" : ", ") + where(outcomes_[i].line, outcomes_[i].record);
      }
      const std::string detail = "key " + in_quotes(key) + " is on " + std::to_string(members.size()) +
                                 " rows (" + places +
                                 "); every row with this key is set aside until HR fixes the export";
      for (std::size_t i : members) {
        const outcome& o = outcomes_[i];
        if (o.from_reader) continue;
        if (o.kind == outcome_kind::quarantined) {
          auto& q = quarantined_[o.index];
          q.reason = quarantine_reason::duplicate_key;
          q.detail = detail;
        } else {
          if (o.kind == outcome_kind::user) drop[o.index] = true;
          added.push_back(
              quarantined_row{o.line, o.record, std::string(key), quarantine_reason::duplicate_key, detail});
        }
      }
    }
    // Appended only now: `groups` holds views into quarantined_ keys.
    for (auto& q : added)
      quarantined_.push_back(std::move(q));
  }

  // Exports are often sorted by key already; then the users move out as they are. Otherwise
  // sort indices, not users, and move each user once.
  auto by_key = [this](std::uint32_t a, std::uint32_t b) { return users_[a].key < users_[b].key; };
  const bool sorted = keys_ascending_ || std::is_sorted(users_.begin(), users_.end(),
                                                        [](const desired_user& a, const desired_user& b) {
                                                          return a.key < b.key;
                                                        });
  if (sorted && duplicates_ == 0) {
    result.users = std::move(users_);
  } else {
    std::vector<std::uint32_t> order;
    order.reserve(users_.size());
    for (std::size_t i = 0; i < users_.size(); ++i) {
      if (!drop[i]) order.push_back(static_cast<std::uint32_t>(i));
    }
    if (!sorted) std::sort(order.begin(), order.end(), by_key);
    result.users.reserve(order.size());
    for (const std::uint32_t i : order)
      result.users.push_back(std::move(users_[i]));
  }

  std::stable_sort(quarantined_.begin(), quarantined_.end(),
                   [](const quarantined_row& a, const quarantined_row& b) {
                     return a.record != b.record ? a.record < b.record : a.line < b.line;
                   });
  result.quarantined = std::move(quarantined_);
  quarantined_.clear();
  users_.clear();
  out_of_scope_keys_.clear();
  outcomes_.clear();
  keys_ascending_ = true;
  expected_bytes_ = 0;
  sample_bytes_ = 0;
  sampled_rows_ = 0;
  key_table_.clear();
  duplicates_ = 0;
  return result;
}

}  // namespace eightsync::core
