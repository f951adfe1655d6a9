#include "daemon/hr_preview.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ostream>
#include <string_view>

#include "core/effective_date.hpp"
#include "core/lifecycle_events.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::daemon {
namespace {

// Display width of UTF-8 text, counting code points (good enough for names and emails).
std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

// Pads to `width`, and always leaves one space, so a long value cannot run into the next column.
void pad_to(std::ostream& out, std::string_view s, std::size_t width) {
  out << s;
  const std::size_t w = display_width(s);
  for (std::size_t i = w; i < width; ++i)
    out << ' ';
  if (w >= width) out << ' ';
}

std::string where(std::size_t line, std::size_t record) {
  return line != 0 ? "line " + std::to_string(line) : "record " + std::to_string(record);
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::size_t count_active(const core::mapping_result& m) {
  return static_cast<std::size_t>(
      std::count_if(m.users.begin(), m.users.end(), [](const core::desired_user& u) { return u.active; }));
}

// "2030-01-07 08:00 CST (2030-01-07T14:00:00Z)", or "none".
std::string instant_text(std::optional<std::chrono::sys_seconds> t, const date::time_zone* zone) {
  if (!t) return "none";
  return core::format_local(*t, zone) + " (" + core::format_utc(*t) + ")";
}

// The date warnings of `key`, in row order. Warnings are rare: a scan is enough.
std::vector<std::string_view> warnings_of(const core::mapping_result& m, std::string_view key) {
  std::vector<std::string_view> out;
  for (const auto& w : m.date_warnings) {
    if (w.key == key) out.push_back(w.message);
  }
  return out;
}

boost::json::value instant_json(std::optional<std::chrono::sys_seconds> t, const date::time_zone* zone) {
  if (!t) return nullptr;
  return boost::json::object{{"local", core::format_local(*t, zone)}, {"utc", core::format_utc(*t)}};
}

// {"start", "end", "time_zone", "warnings"}, or null for a user without dates.
boost::json::value dates_json(const core::mapping_result& m, const core::desired_user& u) {
  const auto* zone = m.zone_of(u);
  if (zone == nullptr) return nullptr;
  boost::json::array warnings;
  for (const auto w : warnings_of(m, u.key))
    warnings.emplace_back(w);
  return boost::json::object{{"start", instant_json(u.starts_at(), zone)},
                             {"end", instant_json(u.ends_at(), zone)},
                             {"time_zone", zone->name()},
                             {"warnings", std::move(warnings)}};
}

// A user's dates as preview prints them, under the attributes. Nothing for a user without dates.
void print_dates(std::ostream& out, const core::mapping_result& m, const core::desired_user& u) {
  const auto* zone = m.zone_of(u);
  if (zone == nullptr) return;
  out << "    ";
  pad_to(out, "start", 17);
  out << instant_text(u.starts_at(), zone) << '\n' << "    ";
  pad_to(out, "end", 17);
  out << instant_text(u.ends_at(), zone) << '\n' << "    ";
  pad_to(out, "time zone", 17);
  out << zone->name() << '\n';
  for (const auto w : warnings_of(m, u.key)) {
    out << "    ";
    pad_to(out, "WARNING", 17);
    out << w << '\n';
  }
}

}  // namespace

void print_preview_text(std::ostream& out, const core::hr_snapshot& snap, std::size_t limit) {
  const auto& m = snap.mapped;
  out << "Source: " << snap.source.origin << " (" << snap.source.bytes << " bytes, sha256 "
      << snap.source.sha256.substr(0, 12) << "…)\n";
  if (snap.source.ignored_columns > 0) {
    out << "Ignored: " << snap.source.ignored_columns
        << (snap.source.ignored_columns == 1 ? " field name" : " field names")
        << " the config does not use (not kept)\n";
  }
  out << '\n';

  const std::size_t shown = limit == 0 ? m.users.size() : std::min(limit, m.users.size());
  out << "8x8 users as eightsync would provision them (" << shown << " of " << m.users.size() << "):\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& u = m.users[i];
    // Keys and values come from HR: escaped for the terminal (core/unsafe_text.hpp).
    out << "\n  key " << core::escaped(u.key) << "  (" << where(u.line, u.record) << ")  "
        << (u.active ? "active" : "INACTIVE") << "  hash " << hex64(u.hash) << '\n';
    for (auto a : core::all_attributes) {
      if (a == core::attribute::active || !u.owns(a)) continue;
      out << "    ";
      pad_to(out, core::attribute_name(a), 17);
      const auto& v = u.get(a);
      out << (v.empty() ? std::string("(empty: cleared in 8x8)") : core::escaped(v)) << '\n';
    }
    print_dates(out, m, u);
  }
  if (shown < m.users.size()) {
    out << "\n  … and " << (m.users.size() - shown) << " more (--limit 0 shows all)\n";
  }

  out << "\nQuarantined rows (" << m.quarantined.size() << "):" << (m.quarantined.empty() ? " none\n" : "\n");
  for (const auto& q : m.quarantined) {
    out << "  ";
    pad_to(out, where(q.line, q.record), 11);
    pad_to(out, q.key.empty() ? "(no key)" : "key " + core::escaped(q.key), 16);
    pad_to(out, core::enum_name(q.reason), 18);
    out << core::escaped(q.detail) << '\n';
  }

  const std::size_t active = count_active(m);
  out << "\nSummary: " << m.rows_read << " rows read: " << m.users.size() << " users (" << active
      << " active, " << (m.users.size() - active) << " inactive), " << m.quarantined.size()
      << " quarantined, " << m.out_of_scope << " out of scope\n";
  if (!m.date_warnings.empty()) {
    out << "Dates: " << m.date_warnings.size() << (m.date_warnings.size() == 1 ? " is" : " are")
        << " more than " << core::far_date_warning_after.count()
        << " years from now, each a WARNING under its user: check the year (they are used as they are)\n";
  }
  if (!m.quarantined.empty()) {
    out << "Quarantined rows are left out of the cycle until the export is fixed. While a row without "
           "a usable key is quarantined, nobody is deactivated for being missing from HR.\n";
  }
}

void print_preview_json(std::ostream& out, const core::hr_snapshot& snap, std::size_t limit) {
  namespace json = boost::json;
  const auto& m = snap.mapped;
  json::object doc;
  doc["source"] = {{"path", snap.source.origin},
                   {"bytes", snap.source.bytes},
                   {"sha256", snap.source.sha256},
                   {"ignored_columns", snap.source.ignored_columns}};
  const std::size_t active = count_active(m);
  doc["summary"] = {{"rows_read", m.rows_read},
                    {"in_scope", m.in_scope},
                    {"out_of_scope", m.out_of_scope},
                    {"quarantined", m.quarantined.size()},
                    {"users", m.users.size()},
                    {"active", active},
                    {"inactive", m.users.size() - active},
                    {"date_warnings", m.date_warnings.size()}};
  json::array users;
  const std::size_t shown = limit == 0 ? m.users.size() : std::min(limit, m.users.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& u = m.users[i];
    json::object attrs;
    for (auto a : core::all_attributes) {
      if (a != core::attribute::active && u.owns(a)) attrs[core::attribute_name(a)] = u.get(a);
    }
    users.push_back({{"key", u.key},
                     {"line", u.line},
                     {"record", u.record},
                     {"active", u.active},
                     {"hash", hex64(u.hash)},
                     {"attributes", std::move(attrs)},
                     {"dates", dates_json(m, u)}});
  }
  doc["users"] = std::move(users);
  json::array quarantined;
  for (const auto& q : m.quarantined) {
    quarantined.push_back({{"line", q.line},
                           {"record", q.record},
                           {"key", q.key},
                           {"reason", core::enum_name(q.reason)},
                           {"detail", q.detail}});
  }
  doc["quarantined"] = std::move(quarantined);
  out << json::serialize(doc) << '\n';
}

}  // namespace eightsync::daemon
