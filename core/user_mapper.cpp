#include "core/user_mapper.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "core/content_hash.hpp"
#include "core/create_rules.hpp"
#include "core/text.hpp"

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
  if (hint) out += " (did you mean " + in_quotes(*hint) + "?)";
  return out;
}

}  // namespace

user_mapper::user_mapper(const mapping_rules& rules, std::string key_column)
    : rules_(rules), key_column_(std::move(key_column)) {
  ctx_.maps = rules_.maps();
  ctx_.columns.resize(rules_.columns().size());
  for (auto a : all_attributes) {
    if (rules_.template_for(a) != nullptr) mapped_.push_back(a);
  }
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
  header_error_ = std::move(msg);
}

const char* user_mapper::store(std::string_view bytes) {
  // 1 MiB blocks, touched once each, rather than one buffer that doubles and copies.
  constexpr std::size_t block_size = std::size_t{1} << 20;
  if (bytes.size() > block_left_) {
    const std::size_t size = std::max(block_size, bytes.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    block_pos_ = blocks_.back().get();
    block_left_ = size;
  }
  char* at = block_pos_;
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  block_pos_ += bytes.size();
  block_left_ -= bytes.size();
  return at;
}

std::string_view user_mapper::key_of(const outcome& o) const {
  switch (o.kind) {
    case outcome_kind::user:
      return pending_key(pending_[o.index]);
    case outcome_kind::quarantined:
      return quarantined_[o.index].key;
    case outcome_kind::out_of_scope:
      break;
  }
  return out_of_scope_keys_[o.index];
}

void user_mapper::grow_index() {
  std::vector<std::uint32_t> old = std::move(key_table_);
  key_table_.assign(std::max<std::size_t>(1024, old.size() * 2), 0);
  const std::size_t mask = key_table_.size() - 1;
  for (std::uint32_t entry : old) {
    if (entry == 0) continue;
    std::size_t i = outcomes_[entry - 1].key_hash & mask;
    while (key_table_[i] != 0)
      i = (i + 1) & mask;
    key_table_[i] = entry;
  }
}

void user_mapper::note_key(outcome_kind kind, std::size_t index, std::size_t line, std::size_t record,
                           bool from_reader) {
  if ((outcomes_.size() + 1) * 2 > key_table_.size()) grow_index();
  outcomes_.push_back(outcome{0, line, record, static_cast<std::uint32_t>(index), kind, from_reader, false});
  outcome& o = outcomes_.back();
  const std::string_view key = key_of(o);
  o.key_hash = xxh64(key);
  const std::size_t mask = key_table_.size() - 1;
  for (std::size_t i = o.key_hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t entry = key_table_[i];
    if (entry == 0) {
      key_table_[i] = static_cast<std::uint32_t>(outcomes_.size());
      return;
    }
    outcome& first = outcomes_[entry - 1];
    if (first.key_hash == o.key_hash && key_of(first) == key) {
      first.duplicate = true;
      o.duplicate = true;
      ++duplicates_;
      return;
    }
  }
}

void user_mapper::quarantine(const source_row& row, const std::string& key, quarantine_reason reason,
                             std::string detail) {
  quarantined_.push_back(quarantined_row{row.line, row.record, key, reason, std::move(detail)});
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

  // Render the key and every mapped value into row_buf_, back to back.
  pending_user p{row.line, row.record, 0, nullptr, {}, active};
  row_buf_.assign(key);
  p.lengths[0] = static_cast<std::uint32_t>(key.size());
  for (auto a : mapped_) {
    const std::size_t before = row_buf_.size();
    if (!rules_.template_for(a)->render(ctx_, row_buf_)) {
      quarantine(row, key, quarantine_reason::map_missing,
                 std::string(attribute_name(a)) + " " + in_quotes(rules_.template_for(a)->text()) + ": " +
                     ctx_.error);
      return;
    }
    p.lengths[1 + static_cast<std::size_t>(a)] = static_cast<std::uint32_t>(row_buf_.size() - before);
  }
  // Views only now: rendering may have moved the buffer.
  std::array<std::string_view, attribute_count> values{};
  std::size_t at = p.lengths[0];
  for (auto a : mapped_) {
    const auto i = static_cast<std::size_t>(a);
    values[i] = std::string_view(row_buf_).substr(at, p.lengths[1 + i]);
    at += p.lengths[1 + i];
  }
  auto value = [&](attribute a) { return values[static_cast<std::size_t>(a)]; };

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
  p.hash = content_hash(values, rules_.owned_mask(), hash_scratch_);
  p.data = store(row_buf_);
  pending_.push_back(p);
  note_key(outcome_kind::user, pending_.size() - 1, row.line, row.record, false);
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
  if (header_error_) return result;

  std::vector<bool> drop(pending_.size(), false);
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

  // Sort indices, not users (exports are often sorted already), then build each desired_user
  // once, in a vector of exactly the right size.
  std::vector<std::uint32_t> order;
  order.reserve(pending_.size());
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (!drop[i]) order.push_back(static_cast<std::uint32_t>(i));
  }
  auto by_key = [this](std::uint32_t a, std::uint32_t b) {
    return pending_key(pending_[a]) < pending_key(pending_[b]);
  };
  if (!std::is_sorted(order.begin(), order.end(), by_key)) std::sort(order.begin(), order.end(), by_key);
  result.users.resize(order.size());
  const std::uint32_t owned = rules_.owned_mask();
  for (std::size_t n = 0; n < order.size(); ++n) {
    const pending_user& p = pending_[order[n]];
    desired_user& u = result.users[n];
    u.key.assign(p.data, p.lengths[0]);
    std::array<desired_user::value_slot, attribute_count> slots{};
    std::uint32_t at = 0;
    for (auto a : mapped_) {
      const auto i = static_cast<std::size_t>(a);
      slots[i] = {at, p.lengths[1 + i]};
      at += p.lengths[1 + i];
    }
    u.assign_packed(std::string_view(p.data + p.lengths[0], at), slots);
    u.line = p.line;
    u.record = p.record;
    u.owned = owned;
    u.active = p.active;
    u.hash = p.hash;
  }

  std::stable_sort(quarantined_.begin(), quarantined_.end(),
                   [](const quarantined_row& a, const quarantined_row& b) {
                     return a.record != b.record ? a.record < b.record : a.line < b.line;
                   });
  result.quarantined = std::move(quarantined_);
  quarantined_.clear();
  blocks_.clear();
  block_pos_ = nullptr;
  block_left_ = 0;
  pending_.clear();
  out_of_scope_keys_.clear();
  outcomes_.clear();
  key_table_.clear();
  duplicates_ = 0;
  return result;
}

}  // namespace eightsync::core
