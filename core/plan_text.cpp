#include "core/plan_render.hpp"

#include <array>

#include "core/attribute.hpp"
#include "core/unsafe_text.hpp"

namespace eightsync::core {

namespace {

// Said once above the adoptions: what taking over a user made in Admin Console means for the
// admin, which no undo in eightsync changes.
constexpr std::string_view adoption_note =
    "  Adopting is for good: once SCIM manages a user, its names and email are read-only in Admin\n"
    "  Console, even after SCIM is turned off.\n";

// Every value from HR or 8x8, and every sentence that may quote one, goes through esc(): a
// terminal must never receive their control or bidi characters raw (core/unsafe_text.hpp).
std::string esc(std::string_view v) {
  return escaped(v);
}

std::string shown(std::string_view v) {
  return v.empty() ? std::string("(none)") : "\"" + esc(v) + "\"";
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

void user_line(std::string& out, std::string_view key, std::string_view user_name, std::string_view id) {
  out += "  ";
  out += key.empty() ? std::string("(no HR key)") : esc(key);
  if (!user_name.empty()) out.append("  ").append(esc(user_name));
  if (!id.empty()) out.append(" (id ").append(esc(id)).append(")");
  out += '\n';
}

void entry_lines(std::string& out, const plan_entry& e, bool show_kind) {
  out += "  ";
  if (show_kind) out.append(enum_name(e.kind)).append(" ");
  out += esc(e.hr_key);
  if (!e.user_name.empty()) out.append("  ").append(esc(e.user_name));
  if (!e.scim_id.empty()) out.append(" (id ").append(esc(e.scim_id)).append(")");
  out += '\n';
  out.append("    ").append(esc(e.reason)).append("\n");
  if (e.hold) out.append("    held: ").append(esc(e.hold->text)).append("\n");
  for (const auto& d : e.diffs) {
    out.append("    ").append(attribute_name(d.attr)).append(": ").append(shown(d.before)).append(" -> ");
    out.append(shown(d.after)).append("\n");
  }
  if (e.after) out.append("    after this user's ").append(enum_name(*e.after)).append("\n");
  for (const auto& f : e.follow_ups)
    out.append("    then, by hand: ").append(esc(f.text)).append("\n");
}

// Which site extension URN new sites go under, and why: an account uses one of two, and when
// nobody carries a site yet eightsync can only assume.
std::string site_schema_line(const site_schema_choice& c) {
  std::string out = "Sites: written under " + std::string(c.urn);
  switch (c.source) {
    case site_schema_source::configured:
      return out + " (target.site_schema).\n";
    case site_schema_source::seen:
      return out + ", the extension this account's users carry their site under.\n";
    case site_schema_source::remembered:
      return out + ", the extension an earlier cycle saw this account use.\n";
    case site_schema_source::assumed:
      break;
  }
  return out +
         ": no user eightsync has read carries a site yet, so it cannot tell which of 8x8's two extensions "
         "this account uses, and assumes the 1.1 one. Set target.site_schema if the account uses " +
         std::string(x8_user_schema_urn) + ".\n";
}

}  // namespace

std::string plan_text(const plan& p, const plan_rate& rate) {
  std::string out;
  out += "Plan: " + plural(p.operations.size(), "operation", "operations") + " (" +
         plural(p.cost.writes, "write", "writes") + "), " + std::to_string(p.held.size()) + " held, " +
         plural(p.conflicts.size(), "conflict", "conflicts") + ", " +
         plural(p.manual_actions.size(), "manual action", "manual actions") + ".\n";
  out += "Read: ";
  out += p.authoritative ? "a complete listing of every 8x8 user"
                         : "without a complete listing of every 8x8 user";
  out += "; " + plural(p.desired_users, "HR user", "HR users") + ", " +
         plural(p.managed_users, "managed user", "managed users") + ", " + std::to_string(p.unchanged_users) +
         " unchanged" + (p.first_cycle ? "; first cycle" : "") + ".\n";
  if (p.writes_site) out += site_schema_line(p.site_schema);

  constexpr std::array<std::pair<operation_kind, std::string_view>, 5> groups{{
      {operation_kind::deactivate, "Deactivate"},
      {operation_kind::reactivate, "Reactivate"},
      {operation_kind::create, "Create"},
      {operation_kind::adopt, "Adopt"},
      {operation_kind::update, "Update"},
  }};
  for (const auto& [kind, title] : groups) {
    std::size_t n = 0;
    for (const auto& e : p.operations)
      n += e.kind == kind ? 1 : 0;
    if (n == 0) continue;
    out.append("\n").append(title).append(" (").append(std::to_string(n)).append(")\n");
    if (kind == operation_kind::adopt) out.append(adoption_note);
    for (const auto& e : p.operations) {
      if (e.kind == kind) entry_lines(out, e, false);
    }
  }
  if (!p.held.empty()) {
    out += "\nHeld for approval (" + std::to_string(p.held.size()) + ")\n";
    for (const auto& h : p.holds)
      out.append("  hold: ").append(esc(h.text)).append("\n");
    for (const auto& e : p.held)
      entry_lines(out, e, true);
  }
  if (!p.conflicts.empty()) {
    out += "\nConflicts (" + std::to_string(p.conflicts.size()) + ")\n";
    for (const auto& c : p.conflicts) {
      out.append("  ").append(esc(c.hr_key));
      if (!c.user_name.empty()) out.append("  ").append(esc(c.user_name));
      out.append("  [").append(enum_name(c.kind)).append("]\n    ").append(esc(c.reason)).append("\n");
      if (!c.scim_ids.empty()) {
        out += "    8x8 ids:";
        for (const auto& id : c.scim_ids)
          out.append(" ").append(esc(id));
        out += '\n';
      }
    }
  }
  if (!p.manual_actions.empty()) {
    out += "\nManual actions (" + std::to_string(p.manual_actions.size()) + ")\n";
    for (const auto& a : p.manual_actions) {
      out.append("  [").append(enum_name(a.kind)).append("] ").append(esc(a.hr_key));
      if (a.already_open) out += " (already open)";
      out.append("\n    ").append(esc(a.text)).append("\n");
    }
  }
  if (!p.reads_needed.empty()) {
    out += "\nStill to read (" + std::to_string(p.reads_needed.size()) + "): undecided until then\n";
    for (const auto& r : p.reads_needed) {
      out.append("  ").append(esc(r.hr_key)).append("  ").append(enum_name(r.kind)).append(" ");
      out.append(esc(r.target)).append("\n    ").append(esc(r.reason)).append("\n");
    }
  }
  if (!p.skipped.empty()) {
    out += "\nLeft alone (" + std::to_string(p.skipped.size()) + ")\n";
    for (const auto& s : p.skipped) {
      user_line(out, s.hr_key, s.user_name, s.scim_id);
      out.append("    ").append(esc(s.reason)).append("\n");
    }
  }
  const auto& c = p.cost;
  out += "\nCost: " + plural(c.listing_pages, "listing page", "listing pages") + ", " +
         plural(c.gets_by_id, "GET by id", "GETs by id") + ", " + plural(c.lookups, "lookup", "lookups") +
         ", ";
  // Only when the write phase outlasts max_snapshot_age: most plans need none.
  if (c.refetches)
    out += plural(c.refetches, "refetch", "refetches") +
           " (estimated: PUTs whose copy will be older than "
           "max_snapshot_age at their turn), ";
  out += plural(c.writes, "write", "writes") + " = " + plural(c.total(), "request", "requests");
  if (p.held_writes) out += " (+" + plural(p.held_writes, "held write", "held writes") + ")";
  out += "; about " + plan_duration_text(plan_cost_duration(c.total(), rate.requests, rate.per)) + " at " +
         std::to_string(rate.requests) + " requests per " + plan_duration_text(rate.per) + ".\n";
  return out;
}

}  // namespace eightsync::core
