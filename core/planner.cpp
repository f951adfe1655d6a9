#include "core/planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "core/attribute_table.hpp"
#include "core/create_rules.hpp"
#include "core/leaver_rule.hpp"
#include "core/planner_index.hpp"
#include "core/scim_user_codec.hpp"
#include "core/state_time.hpp"
#include "core/text.hpp"
#include "core/unmanaged_user.hpp"

// The rules, one by one (each has a test in tests/unit/core/planner_*_test.cpp):
//
// Matching. A desired user's state link comes first. Without one, each `match` key (externalId,
// userName case-insensitively, email case-insensitively) is looked up among 8x8's users; a row
// whose keys find one user adopts it when that user is active, linked to no other HR key,
// claimed by no other row, and has an empty or equal externalId. Anything else is a conflict:
// several users, several rows, a deactivated match, another externalId, a match linked to
// another key, a possible duplicate (no match, but an unlinked user with the same given and
// family name), a userName already taken. Conflicts are neither created nor touched.
//
// Operations, at most one of each kind per user:
//  - create: HR active, no match, no conflict, 8x8's create rules met, and either a complete
//    full listing that shows every user or a userName lookup done this cycle. Without such a
//    listing, also a complete listing recorded earlier (state.db), and a GET this cycle of each
//    unmanaged user of it that the row matches by a match key or by name (a hand-made account
//    with another userName): the match rules above then decide on what the GET returned;
//  - update: a PUT from the complete object fetched within max_snapshot_age, changing only
//    owned, non-create-only attributes whose normalized values differ, never `active` (a
//    rehire's PUT runs after its reactivation and carries `active: true`), never a set `site`;
//  - deactivate: the leaver rule (core/leaver_rule) says the person left: HR's `active` says
//    inactive, or a managed user left HR and leavers.missing_from_source is deactivate;
//    confirmed by a fresh object that shows the user active;
//  - reactivate: HR active, 8x8 inactive, and the link's applied `active` is false (eightsync
//    deactivated them: a rehire). Otherwise an admin deactivated them: a manual action.
// Protected users (the `protect` globs, on HR's or 8x8's userName) and unmanaged users are
// never touched.
//
// Holds, each holding its whole kind: see finish().
namespace eightsync::core {

namespace {

namespace json = boost::json;
using time_point = std::chrono::system_clock::time_point;

constexpr std::uint32_t bit(attribute a) noexcept {
  return 1U << static_cast<unsigned>(a);
}
constexpr std::uint32_t npos = planner_index::npos;

std::string join_ids(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string percent_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", p);
  return buf;
}

// Over a percent limit: count * 100 > percent * base, computed so that an integer percent of an
// integer base is exact (limit → allowed, limit + 1 → held).
bool over_percent(std::size_t count, double percent, std::size_t base) noexcept {
  return static_cast<double>(count) * 100.0 > percent * static_cast<double>(base);
}

// The externalId an HR row claims: the mapped one, else the HR key (it belongs there).
std::string_view claimed_external_id(const desired_user& d) noexcept {
  return d.owns(attribute::external_id) ? d.get(attribute::external_id) : std::string_view(d.key);
}

// Every value of `a`'s multi-valued member in `r`, joined for a plan's before column (the
// emails a PUT will reduce to one).
std::string all_entries(const remote_user& r, attribute a) {
  const boost::json::object o = r.to_object();
  std::string out;
  for (const auto v : scim_user_codec::entry_values(o, a)) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// The manual actions evaluate() raises name the attribute in their kind and text
// (change_user_name, change_site): a new read-only or write-once row needs its own.
static_assert(read_only_after_create_mask == 1U << static_cast<unsigned>(attribute::user_name),
              "evaluate()'s change_user_name action is worded for userName alone");
static_assert(attribute_mask_where([](const attribute_row& r) {
                return r.update == update_rule::write_once;
              }) == 1U << static_cast<unsigned>(attribute::site),
              "evaluate()'s change_site action is worded for site alone");

// Why `d` cannot be created in 8x8, or "" when it can.
std::string create_problem(const desired_user& d) {
  for (const attribute a : create_required_attributes) {
    if (!d.owns(a))
      return "the mapping does not map " + std::string(attribute_name(a)) + ", which 8x8 requires";
    if (is_blank(d.get(a))) return std::string(attribute_name(a)) + " is empty, and 8x8 requires it";
  }
  if (const auto p = email_problem(trim(d.get(attribute::email)))) return "the email " + std::string(*p);
  if (const auto p = user_name_problem(d.get(attribute::user_name))) return "the userName " + *p;
  return {};
}

// What a possible-duplicate conflict's dedupe key holds (add_conflict: `…:possible_duplicate:IDS`).
constexpr std::string_view possible_duplicate_marker = ":possible_duplicate:";

// The indexes over state, shared by both phases, and which link each HR row has.
struct state_view {
  const planner_state& state;
  std::vector<std::uint32_t> link_of;  // per desired user: its link, or npos
  std::vector<char> link_used;         // per link: an HR row has it, or it repeats an earlier link's key
  planner_index quarantined;           // keys of quarantined rows
  planner_index create_new;            // keys released with --create-new
  planner_index open_conflicts;        // keys with an open resolve_conflict action
  planner_index open_duplicates;       // keys with an open possible-duplicate conflict (its action)
  planner_index open_actions;          // dedupe keys of open actions
  bool any_taken_elsewhere = false;    // an open user_name_taken_elsewhere action exists
  bool any_unknown_site = false;       // an open unknown_site action exists
  std::size_t keyless_quarantined = 0;

  state_view(const mapping_result& desired, const planner_state& s) : state(s) {
    join_links(desired);
    for (std::size_t i = 0; i < desired.quarantined.size(); ++i) {
      if (is_blank(desired.quarantined[i].key)) {
        ++keyless_quarantined;
      } else {
        quarantined.add(desired.quarantined[i].key, static_cast<std::uint32_t>(i));
      }
    }
    for (std::size_t i = 0; i < s.create_new.size(); ++i)
      create_new.add(s.create_new[i], static_cast<std::uint32_t>(i));
    for (std::size_t i = 0; i < s.open_actions.size(); ++i) {
      const auto& a = s.open_actions[i];
      open_actions.add(a.dedupe_key, static_cast<std::uint32_t>(i));
      any_taken_elsewhere = any_taken_elsewhere || a.kind == manual_action_kind::user_name_taken_elsewhere;
      any_unknown_site = any_unknown_site || a.kind == manual_action_kind::unknown_site;
      if (a.kind == manual_action_kind::resolve_conflict)
        open_conflicts.add(a.hr_key, static_cast<std::uint32_t>(i));
      if (a.kind == manual_action_kind::resolve_conflict &&
          a.dedupe_key.find(possible_duplicate_marker) != std::string::npos)
        open_duplicates.add(a.hr_key, static_cast<std::uint32_t>(i));
    }
  }

 private:
  // HR's users come sorted by key; when the links are too (the state store reads them ORDER BY
  // hr_key), a merge join pairs them without hashing. Otherwise a hash index over the links.
  // Of several links with one key (a broken state.db), the first counts.
  void join_links(const mapping_result& desired) {
    const auto& users = desired.users;
    const auto& links = state.links;
    link_of.assign(users.size(), npos);
    link_used.assign(links.size(), 0);
    const auto by_user_key = [](const desired_user& a, const desired_user& b) { return a.key < b.key; };
    const auto by_link_key = [](const user_link& a, const user_link& b) { return a.hr_key < b.hr_key; };
    if (std::is_sorted(users.begin(), users.end(), by_user_key) &&
        std::is_sorted(links.begin(), links.end(), by_link_key)) {
      std::size_t j = 0;
      for (std::size_t i = 0; i < users.size() && j < links.size();) {
        const int c = users[i].key.compare(links[j].hr_key);
        if (c < 0) {
          ++i;
          continue;
        }
        if (c == 0) {
          link_of[i] = static_cast<std::uint32_t>(j);
          link_used[j] = 1;
          ++i;
        }
        for (++j; j < links.size() && links[j].hr_key == links[j - 1].hr_key; ++j)
          link_used[j] = 1;
      }
      return;
    }
    planner_index by_key;
    by_key.reserve(links.size());
    for (std::size_t j = 0; j < links.size(); ++j) {
      if (by_key.add(links[j].hr_key, static_cast<std::uint32_t>(j)).count > 1) link_used[j] = 1;
    }
    for (std::size_t i = 0; i < users.size(); ++i) {
      const auto h = by_key.find(users[i].key);
      if (h.count) {
        link_of[i] = h.first;
        link_used[h.first] = 1;
      }
    }
  }
};

// Whether `d`'s create waits: a create of this HR key with this very userName met 409 while no
// user in this account had it (taken in another 8x8 account), and that action is still open.
bool waits_for_new_user_name(const state_view& sv, const desired_user& d) {
  // The usual case, no such action, without building a key per new row.
  return sv.any_taken_elsewhere &&
         sv.open_actions.find(taken_elsewhere_dedupe_key(d.key, trim(d.get(attribute::user_name)))).count > 0;
}

// Whether `d`'s create waits for its site, as far as state.db tells before anything is read: 8x8
// refused that site (an open unknown_site action) and no user was seen with it since. Its
// lookup is not worth a request.
bool waits_for_site(const state_view& sv, const desired_user& d) {
  if (!sv.any_unknown_site || !d.owns(attribute::site)) return false;
  const std::string_view site = planner_trim(d.get(attribute::site));
  return !site.empty() && sv.open_actions.find(unknown_site_dedupe_key(site)).count > 0 &&
         !std::binary_search(sv.state.known_sites.begin(), sv.state.known_sites.end(), site);
}

bool is_fresh(time_point fetched_at, const planner_options& o) noexcept {
  return o.now - fetched_at <= o.max_snapshot_age;
}

// Whether the link's applied values differ from what HR wants now: the user needs a look. A
// future hire wants no particular `active` (an account made early keeps its state).
bool link_changed(const user_link& l, const desired_user& d, const leaver_rule& rule) noexcept {
  if (!l.applied_hash || *l.applied_hash != d.hash || !l.applied_active) return true;
  const auto want = wanted_active(rule.intent(d));
  return want && *l.applied_active != *want;
}

// When access starts for `d`, for reasons: "2025-03-03T08:00:00Z".
std::string start_text(const desired_user& d) {
  const auto start = d.starts_at();
  return start ? format_utc(*start) : std::string("(no start date yet)");
}

// Why a future hire without an 8x8 user is not created yet.
std::string future_hire_note(const desired_user& d, const lifecycle_policy& p) {
  if (!d.starts_at())
    return "A future hire without a start date (lifecycle.pre_hire): not created until HR sets one.";
  if (p.provision_state == provision_state::none)
    return "Starts at " + start_text(d) + ": created then (lifecycle.provision_state: none).";
  return "Starts at " + start_text(d) + ": created from " +
         format_utc(*d.starts_at() - std::chrono::ceil<std::chrono::seconds>(p.provision_before_start)) +
         " (lifecycle.provision_before_start).";
}

bool has_fresh_copy(const user_link& l, const planner_options& o) noexcept {
  return !l.remote_json.empty() && l.fetched_at && is_fresh(*l.fetched_at, o);
}

bool is_protected(const planner_options& o, std::string_view a, std::string_view b = {}) {
  a = planner_trim(a);
  b = planner_trim(b);
  return (!a.empty() && o.protect.matches(a)) || (!b.empty() && o.protect.matches(b));
}

// What one HR row without a link matches among 8x8's users.
struct row_match {
  std::uint32_t first = npos;  // distinct candidates, in listing order
  std::uint32_t second = npos;
  std::uint32_t count = 0;
  std::uint32_t taken = npos;      // an 8x8 user holding the row's userName
  std::uint32_t dup_first = npos;  // unlinked, unmatched users with the row's given and family name
  std::uint32_t dup_second = npos;
  std::uint32_t dup_count = 0;
  std::uint8_t keys = 0;    // bit per match_key that found a candidate
  bool create_new = false;  // released with `eightsync link KEY --create-new`
  bool done = false;        // already decided (protected)

  void add(std::uint32_t remote, match_key k) noexcept {
    keys = static_cast<std::uint8_t>(keys | (1U << static_cast<unsigned>(k)));
    if (remote == first || remote == second) return;
    if (count == 0) first = remote;
    if (count == 1) second = remote;
    ++count;
  }
  void add_duplicate(std::uint32_t remote) noexcept {
    if (dup_count == 0) dup_first = remote;
    if (dup_count == 1) dup_second = remote;
    ++dup_count;
  }
};

// A planner_index whose keys may repeat: each position links to the previous one with the same
// key, so every position of a key can be visited.
class chained_index {
 public:
  chained_index(bool case_insensitive, std::size_t positions)
      : index_(case_insensitive), next_(positions, npos) {
    index_.reserve(positions);
  }
  void add(std::string_view a, std::string_view b, std::uint32_t position) {
    const auto h = index_.add(a, b, position);
    if (h.count > 1) {
      next_[position] = h.first;
      index_.set_first(a, b, position);
    }
  }
  template <class F>
  void for_each(std::string_view a, std::string_view b, F&& f) const {
    const auto h = index_.find(a, b);
    for (std::uint32_t p = h.count ? h.first : npos; p != npos; p = next_[p])
      f(p);
  }
  std::size_t size() const noexcept { return index_.size(); }

 private:
  planner_index index_;
  std::vector<std::uint32_t> next_;
};

// Whether the config's match order uses `k`.
bool uses(const planner_options& o, match_key k) noexcept {
  return std::find(o.match.begin(), o.match.end(), k) != o.match.end();
}

// index_candidate::keys: one bit per match_key, then this one for the possible-duplicate rule.
constexpr unsigned same_names_bit = 3;

// An unmanaged user of the newest complete listing (planner_state::unmanaged) that a new HR row
// may be, and by what.
struct index_candidate {
  std::uint32_t row = 0;    // position in the rows searched
  std::uint32_t entry = 0;  // into planner_state::unmanaged
  std::uint8_t keys = 0;    // bit per match_key that found it, and same_names_bit
};

// The unlinked users of state's index that each of `rows` may be, as a full cycle would match
// them: by each key the match order uses (the row's claimed externalId, its userName and its
// matchable email) and by the possible-duplicate rule (the same given and family name). Users a
// link holds are skipped: they belong to someone already. The rows are few (new people) and the
// index may be an account's size, so the rows are indexed and the index is scanned once.
std::vector<index_candidate> find_index_candidates(std::span<const desired_user* const> rows,
                                                   const planner_state& state, const planner_options& o) {
  std::vector<index_candidate> out;
  if (rows.empty() || state.unmanaged.empty()) return out;
  const std::size_t n = rows.size();
  chained_index by_external_id(false, n);
  chained_index by_user_name(true, n);
  chained_index by_email(true, n);
  chained_index by_names(true, n);
  for (std::size_t u = 0; u < n; ++u) {
    const desired_user& d = *rows[u];
    const auto pos = static_cast<std::uint32_t>(u);
    if (uses(o, match_key::external_id)) by_external_id.add(claimed_external_id(d), {}, pos);
    if (uses(o, match_key::user_name)) by_user_name.add(d.get(attribute::user_name), {}, pos);
    if (uses(o, match_key::email)) by_email.add(matchable_email(d.get(attribute::email)), {}, pos);
    if (!is_blank(d.get(attribute::given_name)) && !is_blank(d.get(attribute::family_name)))
      by_names.add(d.get(attribute::given_name), d.get(attribute::family_name), pos);
  }
  planner_index linked;
  linked.reserve(state.links.size());
  for (std::size_t li = 0; li < state.links.size(); ++li)
    linked.add(state.links[li].scim_id, static_cast<std::uint32_t>(li));
  std::vector<index_candidate> hits;  // one entry's, merged by row
  const auto hit = [&](std::uint32_t row, std::uint32_t entry, unsigned key) {
    const auto bit_of_key = static_cast<std::uint8_t>(1U << key);
    for (auto& h : hits) {
      if (h.row == row) {
        h.keys = static_cast<std::uint8_t>(h.keys | bit_of_key);
        return;
      }
    }
    hits.push_back({row, entry, bit_of_key});
  };
  for (std::size_t i = 0; i < state.unmanaged.size(); ++i) {
    const unmanaged_user& e = state.unmanaged[i];
    const auto entry = static_cast<std::uint32_t>(i);
    hits.clear();
    by_external_id.for_each(e.external_id(), {}, [&](std::uint32_t u) {
      hit(u, entry, static_cast<unsigned>(match_key::external_id));
    });
    by_user_name.for_each(e.user_name(), {}, [&](std::uint32_t u) {
      hit(u, entry, static_cast<unsigned>(match_key::user_name));
    });
    by_email.for_each(e.email(), {},
                      [&](std::uint32_t u) { hit(u, entry, static_cast<unsigned>(match_key::email)); });
    by_names.for_each(e.given_name(), e.family_name(),
                      [&](std::uint32_t u) { hit(u, entry, same_names_bit); });
    if (hits.empty() || linked.find(e.scim_id()).count != 0) continue;
    out.insert(out.end(), hits.begin(), hits.end());
  }
  return out;
}

// Why an index candidate is read before `d` is created, for a person: "… by email, name (a
// possible duplicate) in the newest complete listing (2024-06-02 09:00 UTC): …".
std::string candidate_reason(const desired_user& d, const unmanaged_user& e, std::uint8_t keys,
                             const planner_options& o, std::optional<time_point> listed_at) {
  std::string how;
  for (const match_key k : o.match) {
    if ((keys & (1U << static_cast<unsigned>(k))) == 0) continue;
    if (!how.empty()) how += ", ";
    how += match_key_name(k);
  }
  if ((keys & (1U << same_names_bit)) != 0)
    how += how.empty() ? "name (a possible duplicate)" : ", name (a possible duplicate)";
  std::string when = "date unknown";
  if (listed_at) {
    when = format_utc_time(*listed_at).substr(0, 16) + " UTC";
    when[10] = ' ';
  }
  return "Unmanaged 8x8 user " + quoted(trim(e.user_name())) + " matches HR key " + d.key + " by " + how +
         " in the newest complete listing (" + when + "): confirm with a GET before creating.";
}

// One run of make_plan.
class plan_builder {
 public:
  plan_builder(const mapping_result& desired, const remote_snapshot& remote, const planner_state& state,
               const planner_options& options)
      : desired_(desired),
        remote_(remote),
        state_(state),
        opt_(options),
        leavers_(options.leavers, options.lifecycle, options.lifecycle_now()),
        sv_(desired, state) {}

  plan run();

 private:
  struct pending {
    plan_entry entry;
    bool missing = false;  // a deactivation of a user missing from HR
  };

  // Where a remote user comes from: the snapshot, or a fresh copy kept in the link.
  const remote_user* remote_for(std::uint32_t link_index, bool allow_cached);
  void plan_linked(const desired_user& d, std::uint32_t link_index);
  // The HR rows without a link (usually a handful), indexed for matching: small tables that
  // stay in cache while 8x8's users are scanned once against them, whatever the account's size.
  struct unlinked_index {
    chained_index by_external_id;
    chained_index by_user_name;  // every row: matching, a taken userName, two rows on one
    chained_index by_email;
  };

  // Rows without a link: index them, match 8x8's users against them, then adopt or create.
  void plan_unlinked();
  unlinked_index index_unlinked(std::vector<row_match>& m);
  void match_unlinked(std::vector<row_match>& m, const unlinked_index& index);
  void find_possible_duplicates(std::vector<row_match>& m);
  std::vector<char> confirm_index_candidates(const std::vector<row_match>& m);
  bool waits_for_listing(const desired_user& d, const row_match& m);
  bool match_uses(match_key k) const;
  std::string matched_keys(const row_match& m) const;
  void adopt_matched(const desired_user& d, const row_match& m);
  void create_unmatched(std::uint32_t u, const desired_user& d, const row_match& m,
                        const chained_index& by_user_name);
  void plan_missing(std::uint32_t link_index);
  void note_cancelled_hire(std::string_view key, const remote_user& r);
  bool made_before_start(std::string_view key) const;
  void add_correction(const desired_user& d, const remote_user& r, managed_by how);
  // Decides deactivate / reactivate / update for `d` on `r`; returns whether an update is planned.
  bool evaluate(const desired_user& d, const remote_user& r, const user_link* link, managed_by how,
                bool adopted);
  bool keeps_duplicate_conflict(const desired_user& d);
  std::optional<plan_hold> listing_hold() const;
  // Holds, then the plan in run order.
  void finish();
  void apply_holds();
  std::vector<plan_hold> source_holds(std::size_t managed);
  void apply_listing_hold(const plan_hold& h);
  void apply_limit_holds(std::size_t managed_after);
  void apply_count_limits(std::size_t managed_after);
  bool approved_ahead(const plan_entry& e) const;
  void hold_waiting_updates();
  void hold_missing_if_export_stale();
  void hold_missing(const plan_hold& h);
  void order_output();
  static void hold_all(std::vector<pending>& group, const plan_hold& h);

  void add_conflict(plan_conflict_kind kind, const desired_user& d, std::vector<std::string> ids,
                    std::string reason);
  void add_manual(manual_action_kind kind, std::string_view key, std::string_view id,
                  std::string_view user_name, std::string text, std::string_view value = {});
  manual_action make_manual(manual_action_kind kind, std::string_view key, std::string_view id,
                            std::string_view user_name, std::string text, std::string_view value = {}) const;
  void add_note(std::string_view key, std::string_view id, std::string_view user_name, std::string reason);
  void add_conflicting_site(const desired_user& d, const remote_user& r, std::string_view user_name);
  void add_read(read_kind kind, std::string_view key, std::string_view target, std::string reason);
  void add_refresh(const user_link& l, const remote_user& r, std::optional<std::uint64_t> hash, bool active);
  void add_deactivation(std::string_view key, const remote_user& r, managed_by how,
                        std::optional<std::uint64_t> hash, std::string reason, bool missing);

  const mapping_result& desired_;
  const remote_snapshot& remote_;
  const planner_state& state_;
  const planner_options& opt_;
  leaver_rule leavers_;
  state_view sv_;
  plan out_;

  planner_index remote_by_id_;
  std::deque<remote_user> cached_;             // parsed link copies (a deque keeps addresses stable)
  std::vector<std::uint32_t> remote_of_link_;  // per link: its user in the snapshot, or npos
  std::vector<std::uint32_t> link_of_remote_;  // per snapshot user: its link, or npos
  std::vector<char> shared_id_;                // per link: another link has the same 8x8 id
  std::vector<char> superseded_;               // per snapshot user: a fresher copy of it is there too
  bool authoritative_ = false;
  bool listed_everything_ = false;  // this cycle's snapshot is a complete full listing
  bool first_cycle_with_users_ = false;

  // Matching, done only when some HR row has no link.
  bool matching_ = false;
  planner_index looked_up_{true};
  std::vector<std::uint8_t> claims_;  // per remote user: HR rows without a link that match it

  // Sites 8x8 was never seen to accept (site_actions).
  bool unseen_site(std::string_view site) const;
  bool site_waits(std::string_view site) const;
  void note_unseen_site(std::string_view site, std::string_view hr_key);
  std::string site_origin(std::string_view site) const;
  void add_site_actions();
  // state.db's known_sites and the sites read this cycle (views into state_ and remote_)
  std::set<std::string_view, std::less<>> known_sites_;
  std::map<std::string, std::vector<std::string>, std::less<>> unseen_sites_;  // site → HR keys writing it

  std::vector<pending> deactivations_, reactivations_, creates_, adopts_, updates_;
  std::vector<pending> corrections_;  // not leavers: kept out of the safety limits' counts
  std::size_t new_keys_ = 0;
  std::size_t missing_keys_ = 0;
  std::vector<std::uint32_t> unlinked_;  // desired indexes
};

const remote_user* plan_builder::remote_for(std::uint32_t li, bool allow_cached) {
  if (remote_of_link_[li] != npos) return &remote_.users[remote_of_link_[li]];
  const user_link& l = state_.links[li];
  if (!allow_cached || !has_fresh_copy(l, opt_)) return nullptr;
  auto parsed = remote_user::from_json(l.remote_json, *l.fetched_at);
  if (!parsed || parsed->id() != trim(l.scim_id)) return nullptr;
  cached_.push_back(std::move(*parsed));
  return &cached_.back();
}

manual_action plan_builder::make_manual(manual_action_kind kind, std::string_view key, std::string_view id,
                                        std::string_view user_name, std::string text,
                                        std::string_view value) const {
  manual_action a;
  a.kind = kind;
  a.hr_key = std::string(key);
  a.scim_id = std::string(id);
  a.user_name = std::string(user_name);
  a.text = std::move(text);
  a.dedupe_key.reserve(64);
  a.dedupe_key.append(enum_name(kind)).append(":").append(key).append(":").append(id);
  if (!value.empty()) a.dedupe_key.append(":").append(value);
  a.already_open = sv_.open_actions.find(a.dedupe_key).count != 0;
  return a;
}

void plan_builder::add_manual(manual_action_kind kind, std::string_view key, std::string_view id,
                              std::string_view user_name, std::string text, std::string_view value) {
  out_.manual_actions.push_back(make_manual(kind, key, id, user_name, std::move(text), value));
}

void plan_builder::add_conflict(plan_conflict_kind kind, const desired_user& d, std::vector<std::string> ids,
                                std::string reason) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const std::string id_list = join_ids(ids);
  std::string text = "Resolve a conflict for HR key " + d.key + ": " + reason + " Then run `eightsync link " +
                     d.key + " ID` or `eightsync link " + d.key + " --create-new`.";
  std::string value = std::string(enum_name(kind)) + ":" + id_list;
  out_.manual_actions.push_back(make_manual(manual_action_kind::resolve_conflict, d.key,
                                            ids.size() == 1 ? ids[0] : "", d.get(attribute::user_name),
                                            std::move(text), value));
  // A possible duplicate stays raised until an operator settles it or this HR row changes
  // (keeps_duplicate_conflict): the row it was raised for is remembered with it.
  if (kind == plan_conflict_kind::possible_duplicate) out_.manual_actions.back().hr_hash = d.hash;
  plan_conflict c;
  c.kind = kind;
  c.hr_key = d.key;
  c.user_name = std::string(d.get(attribute::user_name));
  c.scim_ids = std::move(ids);
  c.reason = std::move(reason);
  out_.conflicts.push_back(std::move(c));
}

void plan_builder::add_note(std::string_view key, std::string_view id, std::string_view user_name,
                            std::string reason) {
  out_.skipped.push_back({std::string(key), std::string(id), std::string(user_name), std::move(reason)});
}

// Whether `site` (non-blank) is a value 8x8 was never seen to accept: in no listed or fetched
// user, and in no write 8x8 accepted (state.db's known_sites).
bool plan_builder::unseen_site(std::string_view site) const {
  site = planner_trim(site);
  return !site.empty() && known_sites_.find(site) == known_sites_.end();
}

// Whether writes carrying the unseen `site` wait: 8x8 refused it and its unknown_site action is
// still open. A full reconcile tries it once more (the executor sends one write, and holds the
// others back if 8x8 refuses it again).
bool plan_builder::site_waits(std::string_view site) const {
  return !remote_.full_listing &&
         sv_.open_actions.find(unknown_site_dedupe_key(planner_trim(site))).count > 0;
}

void plan_builder::note_unseen_site(std::string_view site, std::string_view hr_key) {
  site = planner_trim(site);
  auto it = unseen_sites_.find(site);
  if (it == unseen_sites_.end())
    it = unseen_sites_.emplace(std::string(site), std::vector<std::string>{}).first;
  it->second.emplace_back(hr_key);
}

// Where HR's value for `site` came from, for the admin: the `maps:` entries that give it, else
// mapping.site's own output.
std::string plan_builder::site_origin(std::string_view site) const {
  std::string out;
  for (const auto& m : opt_.map_entries) {
    if (planner_trim(m.value) != site) continue;
    out += out.empty() ? "HR value " : ", or HR value ";
    out += quoted(std::string_view(m.key)) + " (maps." + m.map + ")";
  }
  return out.empty() ? "It is what mapping.site makes of these people's HR rows (no maps: entry gives it)"
                     : "It comes from " + out;
}

// One unknown_site action per unseen site this plan writes or holds back: standalone (already
// open) when its writes wait, else for the executor to raise if 8x8 refuses the site.
void plan_builder::add_site_actions() {
  for (const auto& [site, keys] : unseen_sites_) {
    manual_action a;
    a.kind = manual_action_kind::unknown_site;
    a.hr_key = keys.front();
    a.dedupe_key = unknown_site_dedupe_key(site);
    std::string who;
    for (std::size_t i = 0; i < keys.size() && i < 5; ++i)
      who += (i == 0 ? "" : ", ") + keys[i];
    if (keys.size() > 5) who += ", …";
    a.text = "8x8 refused site " + quoted(std::string_view(site)) +
             " (400): it is not a site defined in Admin Console, or not spelt exactly as there. " +
             site_origin(site) + ". " + std::to_string(keys.size()) +
             (keys.size() == 1 ? " person waits" : " people wait") + " for it (HR " +
             (keys.size() == 1 ? "key " : "keys ") + who +
             "). Define the site in Admin Console, or correct the map or the HR value. eightsync tries this "
             "site once more at the next full reconcile or when this action is resolved, and a changed "
             "site value at once.";
    a.already_open = sv_.open_actions.find(a.dedupe_key).count != 0;
    if (a.already_open && site_waits(site)) {
      out_.manual_actions.push_back(std::move(a));
    } else {
      out_.site_actions.push_back(std::move(a));
    }
  }
}

// 8x8 spells the site extension two ways, and an account uses one. A user carrying both, with
// different values, leaves eightsync nothing to go by: which one Admin Console shows, and which
// one a PUT must keep, only the admin can say. The site is neither compared nor written for them.
void plan_builder::add_conflicting_site(const desired_user& d, const remote_user& r,
                                        std::string_view user_name) {
  static_assert(attribute_row_of(attribute::site).read.size() == 2, "the text below names two extensions");
  const json::object object = r.to_object();  // the values below point into it
  const auto values = scim_user_codec::read_each(object, attribute::site);
  add_manual(manual_action_kind::change_site, d.key, r.id(), user_name,
             "8x8 user " + std::string(user_name) +
                 " carries a site under both of 8x8's extension URNs, with " +
                 "different values: " + quoted(values[0]) + " under " + std::string(x8_schema_urn) + " and " +
                 quoted(values[1]) + " under " + std::string(x8_user_schema_urn) +
                 ". eightsync does not guess which one 8x8 uses: make them agree in Admin Console (HR says " +
                 quoted(d.get(attribute::site).empty() ? "(none)" : trim(d.get(attribute::site))) + ").",
             "two-extensions");
}

void plan_builder::add_read(read_kind kind, std::string_view key, std::string_view target,
                            std::string reason) {
  out_.reads_needed.push_back({kind, std::string(key), std::string(target), std::move(reason)});
}

void plan_builder::add_refresh(const user_link& l, const remote_user& r, std::optional<std::uint64_t> hash,
                               bool active) {
  const bool hash_differs = hash && l.applied_hash != hash;
  if (!hash_differs && l.applied_active == active && l.user_name == r.get(attribute::user_name)) return;
  out_.link_refreshes.push_back(
      {l.hr_key, l.scim_id, std::string(r.get(attribute::user_name)), hash ? hash : l.applied_hash, active});
}

void plan_builder::add_deactivation(std::string_view key, const remote_user& r, managed_by how,
                                    std::optional<std::uint64_t> hash, std::string reason, bool missing) {
  pending p;
  p.missing = missing;
  plan_entry& e = p.entry;
  e.kind = operation_kind::deactivate;
  e.hr_key = std::string(key);
  e.scim_id = std::string(r.id());
  e.user_name = std::string(r.get(attribute::user_name));
  e.reason = std::move(reason);
  e.body = scim_user_codec::active_patch(false);
  e.how = how;
  e.desired_hash = hash;
  e.desired_active = false;
  e.follow_ups.push_back(make_manual(manual_action_kind::reclaim_license_and_number, key, r.id(), e.user_name,
                                     "Reclaim the X Series license and the phone number of " + e.user_name +
                                         " (deactivated by eightsync) in Admin Console."));
  deactivations_.push_back(std::move(p));
}

bool plan_builder::evaluate(const desired_user& d, const remote_user& r, const user_link* link,
                            managed_by how, bool adopted) {
  const std::string_view user_name = r.get(attribute::user_name);
  const hr_intent intent = leavers_.intent(d);
  if (is_leaver(intent)) {
    if (r.active()) {
      std::string reason(leaver_rule::deactivation_reason(leavers_.reason_for(d)));
      if (link && link->applied_active == false)
        reason += ", but 8x8 shows them active again (reactivated by hand?)";
      reason += "; 8x8 shows them active.";
      add_deactivation(d.key, r, how, d.hash, std::move(reason), false);
    } else if (link) {
      // Nothing to do for this HR version: record it, so incremental cycles stop re-reading.
      add_refresh(*link, r, d.hash, false);
      ++out_.unchanged_users;
      note_cancelled_hire(d.key, r);
    }
    return false;
  }

  if (r.active() && is_future_hire(intent) && link && made_before_start(d.key)) {
    // The correction after the create failed: the account is active before the start.
    add_correction(d, r, how);
    return false;  // its updates wait a cycle: a PUT now would send the listed `active` (true)
  }
  bool rehire = false;
  if (!r.active()) {
    if (is_future_hire(intent)) {
      // Made before the start date, or left from an earlier employment: it stays inactive until
      // the start, and its attributes are kept up to date meanwhile.
      add_note(d.key, r.id(), user_name, "Starts at " + start_text(d) + ": stays inactive until then.");
    } else if (link && link->applied_active == false) {
      pending p;
      plan_entry& e = p.entry;
      e.kind = operation_kind::reactivate;
      e.hr_key = d.key;
      e.scim_id = std::string(r.id());
      e.user_name = std::string(user_name);
      if (d.starts_at()) {
        e.reason = "The start date HR set has come (" + start_text(d) + "): activated.";
        // The directory entry waits for the activation of an account made before the start.
        e.follow_ups.push_back(
            make_manual(manual_action_kind::show_in_directory, d.key, r.id(), e.user_name,
                        "Show " + e.user_name + " in the Company Directory in Admin Console (SCIM cannot)."));
      } else {
        e.reason = "HR marks this person active again after eightsync deactivated them (a rehire).";
      }
      e.body = scim_user_codec::active_patch(true);
      e.how = how;
      e.desired_active = true;
      reactivations_.push_back(std::move(p));
      rehire = true;
    } else {
      add_manual(
          manual_action_kind::admin_deactivated, d.key, r.id(), user_name,
          "HR says " + std::string(user_name) +
              " is active, but an admin deactivated them in 8x8. eightsync does not reactivate users an "
              "admin deactivated: reactivate them in Admin Console, or fix HR.");
      add_note(d.key, r.id(), user_name,
               "Deactivated in 8x8 while HR says active: left as is (manual action).");
      if (link) add_refresh(*link, r, d.hash, true);
      return false;
    }
  }

  std::uint32_t mask = 0;
  std::vector<plan_diff> diffs;
  std::string_view unseen;  // a site 8x8 was never seen to accept, set by this update
  for (const auto& row : attribute_rows) {
    const attribute a = row.attr;
    if (row.value != value_type::text || !d.owns(a)) continue;
    const std::string_view want = d.get(a);
    const std::string_view have = r.get(a);
    if (r.conflicting(a)) {
      add_conflicting_site(d, r, user_name);
      continue;
    }
    // A listed user with a second email differs even when the first matches: the PUT keeps one.
    const bool drops_entries = r.other_entries(a) && !want.empty();
    if (scim_user_codec::same(a, want, have) && !drops_entries) continue;
    if (row.update == update_rule::read_only_after_create) {
      add_manual(manual_action_kind::change_user_name, d.key, r.id(), user_name,
                 "HR's userName for " + std::string(user_name) + " is now " + quoted(want) +
                     ", but 8x8 makes userName read-only after create: change it in Admin Console (it is "
                     "also the Federation ID).",
                 trim(want));
      continue;
    }
    // A write-once attribute (site) HR changes on a user who has it set cannot be sent, whether
    // or not the mapping lists it as create_only: the admin must hear that HR moved the person.
    if (row.update == update_rule::write_once && !is_blank(have)) {
      add_manual(manual_action_kind::change_site, d.key, r.id(), user_name,
                 "HR moves " + std::string(user_name) + " from site " + quoted(have) + " to " +
                     quoted(want.empty() ? "(none)" : want) +
                     ", but 8x8's site is write-once: change it in Admin Console.",
                 want.empty() ? std::string_view("(none)") : trim(want));
      continue;
    }
    if ((opt_.create_only & bit(a)) != 0) continue;
    if (a == attribute::site && unseen_site(want)) {
      note_unseen_site(want, d.key);
      if (site_waits(want)) {
        // The site stays empty (it can still be set later); the other changes go now.
        add_note(d.key, r.id(), user_name,
                 "Site " + quoted(planner_trim(want)) +
                     " waits: 8x8 refused it (open action unknown_site) until it is resolved, the site value "
                     "changes, or the next full reconcile.");
        continue;
      }
      unseen = planner_trim(want);
    }
    mask |= bit(a);
    diffs.push_back({a, drops_entries ? all_entries(r, a) : std::string(have), std::string(want)});
  }

  if (mask != 0) {
    pending p;
    plan_entry& e = p.entry;
    e.kind = operation_kind::update;
    e.hr_key = d.key;
    e.scim_id = std::string(r.id());
    e.user_name = std::string(user_name);
    std::string names;
    for (const auto& diff : diffs) {
      if (!names.empty()) names += ", ";
      names += attribute_name(diff.attr);
    }
    const bool hr_changed = !link || !link->applied_hash || *link->applied_hash != d.hash;
    e.reason = "8x8's " + names + (diffs.size() == 1 ? " differs" : " differ") + " from HR" +
               (hr_changed ? "." : " (HR did not change: edited in 8x8?).");
    e.diffs = std::move(diffs);
    e.fetched_at = r.fetched_at();
    e.unseen_site = std::string(unseen);
    e.body = scim_user_codec::put_body(
        r.to_object(), d, mask, rehire ? std::optional<bool>(true) : std::nullopt, out_.site_schema.urn);
    if (rehire) {
      e.after = operation_kind::reactivate;
    } else if (adopted) {
      e.after = operation_kind::adopt;
    }
    e.how = how;
    e.desired_hash = d.hash;
    e.desired_active = rehire || r.active();
    updates_.push_back(std::move(p));
    return true;
  }
  if (rehire) {
    reactivations_.back().entry.desired_hash = d.hash;  // nothing else to apply
  } else if (link) {
    add_refresh(*link, r, d.hash, r.active());
    ++out_.unchanged_users;
  }
  return false;
}

void plan_builder::plan_linked(const desired_user& d, std::uint32_t li) {
  const user_link& l = state_.links[li];
  if (shared_id_[li]) {
    add_conflict(plan_conflict_kind::two_rows_one_user, d, {l.scim_id},
                 "state.db links several HR keys to 8x8 user " + l.scim_id + "; unlink all but one.");
    return;
  }
  const bool changed = link_changed(l, d, leavers_);
  const remote_user* r = remote_for(li, changed);
  const std::string_view user_name = r ? r->get(attribute::user_name) : std::string_view(l.user_name);
  if (is_protected(opt_, d.get(attribute::user_name), user_name)) {
    add_note(d.key, l.scim_id, user_name, "On the protect list: eightsync never touches this user.");
    return;
  }
  if (!r) {
    if (authoritative_) {
      if (leavers_.row_has_left(d)) {
        add_note(d.key, l.scim_id, l.user_name,
                 "HR says inactive and the linked 8x8 user is no longer listed.");
        return;
      }
      add_conflict(plan_conflict_kind::linked_user_missing, d, {l.scim_id},
                   "the linked 8x8 user " + l.scim_id + " (" + l.user_name +
                       ") is not in a complete listing any more; eightsync will not create a second user "
                       "on its own.");
    } else if (changed) {
      add_read(
          read_kind::get_by_id, d.key, l.scim_id,
          "HR changed this user and no copy of the 8x8 user fetched within max_snapshot_age is at hand.");
    } else {
      ++out_.unchanged_users;
    }
    return;
  }
  if (!is_fresh(r->fetched_at(), opt_)) {
    if (changed) {
      add_read(read_kind::get_by_id, d.key, l.scim_id,
               "HR changed this user and the copy of the 8x8 user is older than max_snapshot_age.");
    } else {
      ++out_.unchanged_users;
    }
    return;
  }
  evaluate(d, *r, &l, l.how, false);
}

void plan_builder::plan_unlinked() {
  if (unlinked_.empty()) return;
  matching_ = true;
  claims_.assign(remote_.users.size(), 0);
  for (std::size_t i = 0; i < remote_.looked_up.size(); ++i) {
    looked_up_.add(remote_.looked_up[i], static_cast<std::uint32_t>(i));
  }
  std::vector<row_match> m(unlinked_.size());
  const unlinked_index index = index_unlinked(m);
  match_unlinked(m, index);
  find_possible_duplicates(m);
  const std::vector<char> unconfirmed = confirm_index_candidates(m);
  // Adopt, conflict or create, row by row.
  for (std::size_t u = 0; u < m.size(); ++u) {
    if (m[u].done || unconfirmed[u]) continue;
    const desired_user& d = desired_.users[unlinked_[u]];
    if (m[u].count > 0) {
      adopt_matched(d, m[u]);
    } else {
      create_unmatched(static_cast<std::uint32_t>(u), d, m[u], index.by_user_name);
    }
  }
}

// Indexes the HR rows without a link by the keys the match order uses (every row by userName);
// marks protected rows as decided. `m` holds one entry per row.
plan_builder::unlinked_index plan_builder::index_unlinked(std::vector<row_match>& m) {
  const std::size_t rows = m.size();
  unlinked_index index{chained_index(false, rows), chained_index(true, rows), chained_index(true, rows)};
  for (std::size_t u = 0; u < rows; ++u) {
    const desired_user& d = desired_.users[unlinked_[u]];
    if (leavers_.creates(d)) ++new_keys_;
    if (is_protected(opt_, d.get(attribute::user_name))) {
      add_note(d.key, {}, d.get(attribute::user_name),
               "On the protect list: eightsync never creates or adopts it.");
      m[u].done = true;
      continue;
    }
    const auto pos = static_cast<std::uint32_t>(u);
    index.by_user_name.add(d.get(attribute::user_name), {}, pos);
    m[u].create_new = sv_.create_new.find(d.key).count != 0;
    if (m[u].create_new) continue;  // the operator said: create, do not match
    if (match_uses(match_key::external_id)) index.by_external_id.add(claimed_external_id(d), {}, pos);
    if (match_uses(match_key::email)) index.by_email.add(matchable_email(d.get(attribute::email)), {}, pos);
  }
  return index;
}

// Scans 8x8's users once against `index`: each row's distinct candidates, whether its userName
// is taken, and how many rows claim each user (claims_).
void plan_builder::match_unlinked(std::vector<row_match>& m, const unlinked_index& index) {
  const bool match_user_name = match_uses(match_key::user_name);
  for (std::size_t i = 0; i < remote_.users.size(); ++i) {
    if (superseded_[i]) continue;
    const remote_user& r = remote_.users[i];
    const auto pos = static_cast<std::uint32_t>(i);
    for (const match_key k : opt_.match) {
      if (k == match_key::user_name) continue;  // below
      const bool by_id = k == match_key::external_id;
      const chained_index& keys = by_id ? index.by_external_id : index.by_email;
      const std::string_view value =
          by_id ? r.get(attribute::external_id) : matchable_email(r.get(attribute::email));
      keys.for_each(value, {}, [&](std::uint32_t u) { m[u].add(pos, k); });
    }
    index.by_user_name.for_each(r.get(attribute::user_name), {}, [&](std::uint32_t u) {
      if (match_user_name && !m[u].create_new) {
        m[u].add(pos, match_key::user_name);
      } else if (m[u].taken == npos) {
        m[u].taken = pos;
      }
    });
  }
  // A user two rows point at is contested, even when one of them also points elsewhere.
  for (const auto& x : m) {
    if (x.done) continue;
    for (const auto c : {x.first, x.second}) {
      if (c != npos && claims_[c] < 255) ++claims_[c];
    }
  }
}

// Possible duplicates of the rows that matched nobody and would be created: unlinked 8x8 users
// no HR row matched (a user another row adopts now is that row's, not a duplicate) with the
// row's given and family name.
void plan_builder::find_possible_duplicates(std::vector<row_match>& m) {
  const std::size_t rows = m.size();
  chained_index by_name(true, rows);
  for (std::size_t u = 0; u < rows; ++u) {
    const desired_user& d = desired_.users[unlinked_[u]];
    if (m[u].done || m[u].count != 0 || !d.active || m[u].create_new) continue;
    if (is_blank(d.get(attribute::given_name)) || is_blank(d.get(attribute::family_name))) continue;
    by_name.add(d.get(attribute::given_name), d.get(attribute::family_name), static_cast<std::uint32_t>(u));
  }
  if (by_name.size() != 0) {
    for (std::size_t i = 0; i < remote_.users.size(); ++i) {
      if (claims_[i] != 0 || superseded_[i]) continue;
      const remote_user& r = remote_.users[i];
      by_name.for_each(r.get(attribute::given_name), r.get(attribute::family_name), [&](std::uint32_t u) {
        if (link_of_remote_[i] == npos) m[u].add_duplicate(static_cast<std::uint32_t>(i));
      });
    }
  }
}

// Incremental cycles (invariant 1): a new person may already have a hand-made 8x8 account
// that this cycle did not read (its userName differs, so the lookup missed it). Each unmanaged
// user of the newest complete listing that a row matches as a full cycle would (match keys,
// possible duplicate) and that this cycle has not read fresh becomes a GET by id, and the row
// waits for it: once read, the matching above decides adopt, conflict or create on fresh data.
// A user 8x8 answered 404 for matches nobody. Returns, per row, whether it waits.
std::vector<char> plan_builder::confirm_index_candidates(const std::vector<row_match>& m) {
  std::vector<char> waits(m.size(), 0);
  if (authoritative_ || listed_everything_ || state_.unmanaged.empty()) return waits;
  std::vector<const desired_user*> rows;
  std::vector<std::uint32_t> row_of;  // position in `rows` → position in `m`
  for (std::size_t u = 0; u < m.size(); ++u) {
    const desired_user& d = desired_.users[unlinked_[u]];
    // The operator's --create-new settles who the person is; an open conflict waits for them.
    if (m[u].done || m[u].create_new || !d.active || sv_.open_conflicts.find(d.key).count) continue;
    rows.push_back(&d);
    row_of.push_back(static_cast<std::uint32_t>(u));
  }
  const auto candidates = find_index_candidates(rows, state_, opt_);
  if (candidates.empty()) return waits;
  planner_index gone;
  for (std::size_t i = 0; i < remote_.not_found.size(); ++i)
    gone.add(remote_.not_found[i], static_cast<std::uint32_t>(i));
  std::vector<char> requested(state_.unmanaged.size(), 0);
  for (const auto& c : candidates) {
    const unmanaged_user& e = state_.unmanaged[c.entry];
    if (gone.find(e.scim_id()).count) continue;
    if (const auto h = remote_by_id_.find(e.scim_id());
        h.count && is_fresh(remote_.users[h.first].fetched_at(), opt_))
      continue;
    const desired_user& d = *rows[c.row];
    waits[row_of[c.row]] = 1;
    if (requested[c.entry]) continue;  // another new row waits for the same GET
    requested[c.entry] = 1;
    add_read(read_kind::get_by_id, d.key, trim(e.scim_id()),
             candidate_reason(d, e, c.keys, opt_, state_.unmanaged_listed_at));
    out_.reads_needed.back().index_candidate = true;
  }
  // A create needs its lookup too: ask for it in the same round.
  for (std::size_t u = 0; u < m.size(); ++u) {
    const desired_user& d = desired_.users[unlinked_[u]];
    const std::string_view user_name = d.get(attribute::user_name);
    if (!waits[u] || is_blank(user_name) || looked_up_.find(user_name).count) continue;
    if (waits_for_new_user_name(sv_, d) || waits_for_site(sv_, d)) continue;
    add_read(read_kind::lookup_user_name, d.key, trim(user_name),
             "A create needs a userName lookup first: this cycle has no complete listing of every user.");
  }
  return waits;
}

// Whether `d`'s create waits because no complete listing of 8x8 was ever recorded (and this
// cycle has none): without one, nothing tells whether a hand-made account already belongs to
// the person. An operator's --create-new has settled that.
bool plan_builder::waits_for_listing(const desired_user& d, const row_match& m) {
  if (listed_everything_ || m.create_new || state_.unmanaged_listed_at) return false;
  add_note(d.key, {}, d.get(attribute::user_name),
           "Waits for a complete listing of 8x8 (the next full reconcile, schedule.full_reconcile, or "
           "`eightsync sync --full`): none is recorded yet, and without one eightsync cannot tell whether an "
           "account made by hand already belongs to this person.");
  return true;
}

// Whether the config's match order uses `k`.
bool plan_builder::match_uses(match_key k) const {
  return uses(opt_, k);
}

// The match keys that found `m`'s candidates, in match order ("externalId, email").
std::string plan_builder::matched_keys(const row_match& m) const {
  std::string out;
  for (const match_key k : opt_.match) {
    if ((m.keys & (1U << static_cast<unsigned>(k))) == 0) continue;
    if (!out.empty()) out += ", ";
    out += match_key_name(k);
  }
  return out;
}

// A row that matched one or more 8x8 users: adopt the one user, or say why not.
void plan_builder::adopt_matched(const desired_user& d, const row_match& m) {
  const std::string_view hr_user_name = d.get(attribute::user_name);
  const std::string matched_by = matched_keys(m);
  if (m.count > 1) {
    const remote_user& a = remote_.users[m.first];
    const remote_user& b = remote_.users[m.second];
    if (!leavers_.row_has_left(d) || a.active() || b.active()) {
      add_conflict(plan_conflict_kind::one_row_two_users, d, {std::string(a.id()), std::string(b.id())},
                   "this HR row matches " + std::to_string(m.count) + " 8x8 users (by " + matched_by + ").");
    } else {
      add_note(d.key, {}, hr_user_name, "Inactive in HR; matches several inactive 8x8 users.");
    }
    return;
  }
  const remote_user& r = remote_.users[m.first];
  const std::string_view user_name = r.get(attribute::user_name);
  // An inactive HR row is only worth a conflict when the 8x8 user it points at is active.
  const auto conflict_or_note = [&](plan_conflict_kind kind, std::string reason) {
    if (!leavers_.row_has_left(d) || r.active()) {
      add_conflict(kind, d, {std::string(r.id())}, std::move(reason));
    } else {
      add_note(d.key, r.id(), user_name, "Inactive in HR and in 8x8: not adopted (" + reason + ")");
    }
  };
  if (claims_[m.first] > 1) {
    conflict_or_note(
        plan_conflict_kind::two_rows_one_user,
        "several HR rows match 8x8 user " + std::string(user_name) + " (" + std::string(r.id()) + ").");
    return;
  }
  if (const auto owner = link_of_remote_[m.first]; owner != npos) {
    conflict_or_note(plan_conflict_kind::linked_to_other_key,
                     "the matching 8x8 user " + std::string(user_name) + " is linked to HR key " +
                         state_.links[owner].hr_key + " (re-keyed in HR?).");
    return;
  }
  if (is_protected(opt_, user_name)) {
    add_note(d.key, r.id(), user_name, "Matches a user on the protect list: never adopted.");
    return;
  }
  const std::string_view ext = r.get(attribute::external_id);
  if (!is_blank(ext) && trim(ext) != trim(claimed_external_id(d))) {
    conflict_or_note(plan_conflict_kind::other_external_id,
                     "the matching 8x8 user " + std::string(user_name) + " carries externalId " +
                         quoted(trim(ext)) + ", not " + quoted(trim(claimed_external_id(d))) + ".");
    return;
  }
  if (!r.active()) {
    if (leavers_.creates(d)) {
      add_conflict(plan_conflict_kind::match_deactivated, d, {std::string(r.id())},
                   "the matching 8x8 user " + std::string(user_name) +
                       " is deactivated; eightsync adopts only active users (a rehire of an old account?).");
    } else {
      add_note(d.key, r.id(), user_name, "Inactive in HR and in 8x8: nothing to do, not adopted.");
    }
    return;
  }
  if (!is_fresh(r.fetched_at(), opt_)) {
    add_read(read_kind::get_by_id, d.key, r.id(),
             "Matches an 8x8 user whose copy is older than max_snapshot_age.");
    return;
  }
  pending p;
  plan_entry& e = p.entry;
  e.kind = operation_kind::adopt;
  e.hr_key = d.key;
  e.scim_id = std::string(r.id());
  e.user_name = std::string(user_name);
  e.reason = "Matched by " + matched_by + ": active, linked to no other HR key, and its externalId is " +
             (is_blank(ext) ? "empty." : "equal.");
  e.how = managed_by::matched;
  // It runs after this plan's deactivations: record what 8x8 will show by then.
  e.desired_active = !leavers_.row_has_left(d);
  adopts_.push_back(std::move(p));
  const std::size_t adopt_index = adopts_.size() - 1;
  const bool updating = evaluate(d, r, nullptr, managed_by::matched, true);
  // Only a user already as HR wants is recorded as applied by the adoption itself.
  if (!updating && !leavers_.row_has_left(d)) adopts_[adopt_index].entry.desired_hash = d.hash;
}

// A row that matched no 8x8 user (row `u` of the unlinked rows): create it, or say why not.
void plan_builder::create_unmatched(std::uint32_t u, const desired_user& d, const row_match& m,
                                    const chained_index& by_user_name) {
  const std::string_view hr_user_name = d.get(attribute::user_name);
  const std::optional<bool> create_as = leavers_.creates(d);
  if (!create_as) {
    if (is_future_hire(leavers_.intent(d))) {
      add_note(d.key, {}, hr_user_name, future_hire_note(d, leavers_.lifecycle()));
    } else {
      ++out_.unmatched_inactive;
    }
    return;
  }
  const bool create_new = m.create_new;
  if (m.taken != npos) {
    const remote_user& r = remote_.users[m.taken];
    add_conflict(plan_conflict_kind::user_name_taken, d, {std::string(r.id())},
                 "the userName " + quoted(trim(hr_user_name)) + " belongs to 8x8 user " +
                     std::string(r.id()) +
                     ", which the match order did not match; 8x8 would refuse a second one.");
    return;
  }
  std::uint32_t twin = npos;
  by_user_name.for_each(hr_user_name, {}, [&](std::uint32_t v) {
    if (v != u && twin == npos && leavers_.creates(desired_.users[unlinked_[v]])) twin = v;
  });
  if (twin != npos) {
    const std::string_view other = desired_.users[unlinked_[twin]].key;
    add_conflict(plan_conflict_kind::user_name_taken, d, {},
                 "HR rows " + d.key + " and " + std::string(other) + " both ask for userName " +
                     quoted(trim(hr_user_name)) + "; 8x8 takes it once.");
    return;
  }
  if (!create_new) {
    if (m.dup_count) {
      std::vector<std::string> ids{std::string(remote_.users[m.dup_first].id())};
      if (m.dup_count > 1) ids.emplace_back(remote_.users[m.dup_second].id());
      add_conflict(plan_conflict_kind::possible_duplicate, d, std::move(ids),
                   "no 8x8 user matches by key, but an unlinked 8x8 user is also named " +
                       std::string(trim(d.get(attribute::given_name))) + " " +
                       std::string(trim(d.get(attribute::family_name))) + " (created by hand?).");
      return;
    }
    if (keeps_duplicate_conflict(d)) return;
    if (!authoritative_ && sv_.open_conflicts.find(d.key).count) {
      add_note(d.key, {}, hr_user_name,
               "Has an open conflict: waits for `eightsync link` or a full reconcile.");
      return;
    }
  }
  if (waits_for_new_user_name(sv_, d)) {
    add_note(d.key, {}, hr_user_name,
             "userName " + quoted(trim(hr_user_name)) +
                 " is taken in another 8x8 account (open action user_name_taken_elsewhere): waits for a new "
                 "userName, or for that action to be resolved.");
    return;
  }
  if (const std::string problem = create_problem(d); !problem.empty()) {
    add_note(d.key, {}, hr_user_name, "Cannot be created: " + problem + ".");
    return;
  }
  const std::string_view site = d.owns(attribute::site) ? planner_trim(d.get(attribute::site)) : "";
  const bool new_site = unseen_site(site);
  if (new_site && site_waits(site)) {
    // Created without it, the user would get a default site for good (write-once): wait.
    note_unseen_site(site, d.key);
    add_note(d.key, {}, hr_user_name,
             "Waits: 8x8 refused site " + quoted(site) +
                 " (open action unknown_site) until it is resolved, the site value changes, or the next full "
                 "reconcile.");
    return;
  }
  if (waits_for_listing(d, m)) return;
  if (!authoritative_ && looked_up_.find(hr_user_name).count == 0) {
    add_read(read_kind::lookup_user_name, d.key, trim(hr_user_name),
             "A create needs a userName lookup first: this cycle has no complete listing of every user.");
    return;
  }
  pending p;
  plan_entry& e = p.entry;
  e.kind = operation_kind::create;
  e.hr_key = d.key;
  e.user_name = std::string(trim(hr_user_name));
  e.claimed_external_id = std::string(trim(claimed_external_id(d)));
  e.reason = create_new   ? "The operator ran `eightsync link " + d.key + " --create-new`."
             : *create_as ? std::string("HR lists this person as active and no 8x8 user matches them.")
                          : "Starts at " + start_text(d) +
                                ": created inactive ahead of the start (lifecycle.provision_before_start), "
                                "activated then.";
  e.body = scim_user_codec::create_body(d, out_.site_schema.urn, *create_as);
  if (new_site) {
    e.unseen_site = std::string(site);
    note_unseen_site(site, d.key);
  }
  for (const attribute a : all_attributes) {
    if (a != attribute::active && d.owns(a) && !d.get(a).empty())
      e.diffs.push_back({a, {}, std::string(d.get(a))});
  }
  e.how = managed_by::created;
  e.desired_hash = d.hash;
  e.desired_active = *create_as;
  e.follow_ups.push_back(
      make_manual(manual_action_kind::assign_license, d.key, {}, e.user_name,
                  "Assign an X Series license to " + e.user_name + " in Admin Console (SCIM cannot)."));
  // An account made inactive before its start is shown in the directory when it is activated.
  if (*create_as) {
    e.follow_ups.push_back(
        make_manual(manual_action_kind::show_in_directory, d.key, {}, e.user_name,
                    "Show " + e.user_name + " in the Company Directory in Admin Console (SCIM cannot)."));
  }
  creates_.push_back(std::move(p));
}

// An open possible-duplicate conflict for `d`, raised for this very HR row, holds it even when
// this listing no longer shows the lookalike: 8x8 may have answered with a short or empty list,
// and creating now would make two accounts for one person (invariant 1). Only an operator
// (`eightsync link`, or resolving the action) or a change to the row ends it. An action raised
// before its row was remembered counts as raised for this row.
bool plan_builder::keeps_duplicate_conflict(const desired_user& d) {
  const auto h = sv_.open_duplicates.find(d.key);
  if (h.count == 0) return false;
  const auto& open = state_.open_actions[h.first];
  if (open.hr_hash && *open.hr_hash != d.hash) return false;
  plan_conflict c;
  c.kind = plan_conflict_kind::possible_duplicate;
  c.hr_key = d.key;
  c.user_name = std::string(d.get(attribute::user_name));
  c.reason =
      "still a possible duplicate: its conflict is open and this HR row has not changed, though this "
      "listing no longer shows the lookalike.";
  out_.conflicts.push_back(std::move(c));
  add_note(d.key, {}, d.get(attribute::user_name),
           "An open possible-duplicate conflict holds this person: no create until `eightsync link " + d.key +
               " ID`, `eightsync link " + d.key + " --create-new`, or a change to the HR row.");
  return true;
}

// A complete listing that shows fewer of the linked users than safety.min_listed_linked_percent
// cannot be trusted to show who is missing: 8x8 may have answered with a short or empty list.
std::optional<plan_hold> plan_builder::listing_hold() const {
  const std::size_t linked = state_.links.size();
  if (!remote_.full_listing || !remote_.complete || linked == 0) return std::nullopt;
  std::size_t listed = 0;
  for (const auto r : remote_of_link_)
    listed += r != npos ? 1 : 0;
  const double pct = opt_.safety.min_listed_linked_percent;
  if (static_cast<double>(listed) * 100.0 >= pct * static_cast<double>(linked)) return std::nullopt;
  return plan_hold{
      plan_hold_reason::listing_lost_users,
      "8x8's listing shows " + std::to_string(listed) + " of the " + std::to_string(linked) +
          " linked users, fewer than safety.min_listed_linked_percent (" + percent_text(pct) +
          "): creates, adoptions and deactivations wait, so a short answer cannot make a duplicate "
          "or a leaver. Check 8x8's \"Users that can be retrieved\" setting and the account, then "
          "approve or wait for the next cycle."};
}

// Whether eightsync created `key`'s account inactive, ahead of a start, and never activated it.
bool plan_builder::made_before_start(std::string_view key) const {
  const auto& made = state_.created_before_start;
  return std::binary_search(made.begin(), made.end(), key);
}

// A PATCH active=false for an account eightsync created inactive before its start that 8x8
// shows active: not a leaver, so no safety limit counts it and it raises nothing.
void plan_builder::add_correction(const desired_user& d, const remote_user& r, managed_by how) {
  pending p;
  plan_entry& e = p.entry;
  e.kind = operation_kind::deactivate;
  e.hr_key = d.key;
  e.scim_id = std::string(r.id());
  e.user_name = std::string(r.get(attribute::user_name));
  e.reason = std::string(active_correction_reason) + " eightsync created " + e.user_name +
             " inactive ahead of the start (" + start_text(d) +
             "), but 8x8 shows the account active: made inactive again until then.";
  e.body = scim_user_codec::active_patch(false);
  e.how = how;
  e.desired_active = false;
  corrections_.push_back(std::move(p));
}

// A person HR dropped, or marked as left, whose account eightsync made inactive ahead of a start
// that never came: nothing to send (it is inactive), but the account should go.
void plan_builder::note_cancelled_hire(std::string_view key, const remote_user& r) {
  if (!made_before_start(key)) return;
  const std::string user_name(r.get(attribute::user_name));
  add_manual(
      manual_action_kind::cancelled_hire, key, r.id(), user_name,
      "HR no longer lists " + user_name +
          " as joining (the row is gone or marks them as left) before their start date. eightsync made "
          "the account inactive ahead of the start and leaves it inactive; 8x8 cannot delete users: if "
          "the hire was cancelled, delete it in Admin Console and free its license.");
}

void plan_builder::plan_missing(std::uint32_t li) {
  const user_link& l = state_.links[li];
  if (sv_.quarantined.find(l.hr_key).count) {
    add_note(l.hr_key, l.scim_id, l.user_name,
             "The HR row for this key was quarantined: left as is until the row is fixed.");
    return;
  }
  ++missing_keys_;
  if (!leavers_.missing_is_leaver()) return;
  if (shared_id_[li]) {
    add_note(l.hr_key, l.scim_id, l.user_name,
             "Missing from HR, but state.db links this 8x8 user to several keys.");
    return;
  }
  const remote_user* r = remote_for(li, true);
  const std::string_view user_name = r ? r->get(attribute::user_name) : std::string_view(l.user_name);
  if (is_protected(opt_, user_name, l.user_name)) {
    add_note(l.hr_key, l.scim_id, user_name, "Missing from HR, but on the protect list: never deactivated.");
    return;
  }
  if (!r) {
    if (authoritative_) {
      add_note(l.hr_key, l.scim_id, l.user_name,
               "Missing from HR and no longer in 8x8: nothing to deactivate.");
    } else {
      add_read(read_kind::get_by_id, l.hr_key, l.scim_id,
               "Missing from HR: a deactivation is confirmed by a fresh copy of the 8x8 user first.");
    }
    return;
  }
  if (!is_fresh(r->fetched_at(), opt_)) {
    add_read(read_kind::get_by_id, l.hr_key, l.scim_id,
             "Missing from HR, and the copy of the 8x8 user is older than max_snapshot_age.");
    return;
  }
  if (matching_ && remote_of_link_[li] != npos && claims_[remote_of_link_[li]] > 0) {
    add_note(l.hr_key, l.scim_id, user_name,
             "Missing from HR, but another HR row matches this 8x8 user (re-keyed?): not deactivated.");
    return;
  }
  if (!r->active()) {
    add_refresh(l, *r, std::nullopt, false);
    note_cancelled_hire(l.hr_key, *r);
    return;
  }
  add_deactivation(l.hr_key, *r, l.how, std::nullopt,
                   std::string(leaver_rule::deactivation_reason(leaver_reason::missing_from_source)), true);
}

void plan_builder::finish() {
  add_site_actions();
  apply_holds();
  order_output();
}

// Every hold: on the source (each holds everything), on the listing, on the counts, and on
// updates whose prerequisite is held.
void plan_builder::apply_holds() {
  const std::size_t managed = state_.links.size();
  const std::vector<plan_hold> global = source_holds(managed);
  const auto lost = listing_hold();
  if (lost) apply_listing_hold(*lost);
  if (!global.empty()) {
    for (auto* g : {&corrections_, &deactivations_, &reactivations_, &creates_, &adopts_, &updates_})
      hold_all(*g, global.front());
    out_.holds = global;
  } else {
    apply_limit_holds(managed + adopts_.size());
  }
  if (lost) out_.holds.push_back(*lost);
  hold_waiting_updates();
}

void plan_builder::hold_all(std::vector<pending>& group, const plan_hold& h) {
  for (auto& p : group) {
    if (!p.entry.hold) p.entry.hold = h;
  }
}

// Holds on the source itself (an empty or shrunken export, a changed key column): each holds
// every operation. A key-churn hold also quiets the conflict actions it explains.
std::vector<plan_hold> plan_builder::source_holds(std::size_t managed) {
  const auto& s = opt_.safety;
  std::vector<plan_hold> global;
  if (desired_.users.empty() && managed > 0) {
    global.push_back({plan_hold_reason::empty_source, "The HR export has no usable rows while " +
                                                          std::to_string(managed) + " users are managed."});
  }
  const std::size_t rows = source_row_count(desired_);
  if (state_.last_good && state_.last_good->source_rows > rows &&
      over_percent(state_.last_good->source_rows - rows, s.max_source_shrink_percent,
                   state_.last_good->source_rows)) {
    global.push_back({plan_hold_reason::source_shrink,
                      "The HR export shrank from " + std::to_string(state_.last_good->source_rows) + " to " +
                          std::to_string(rows) + " rows, more than safety.max_source_shrink_percent (" +
                          percent_text(s.max_source_shrink_percent) + ") since the last good cycle."});
  }
  const auto churn_limit = std::max<std::size_t>(
      s.key_churn_min,
      static_cast<std::size_t>(std::floor(s.key_churn_percent * static_cast<double>(managed) / 100.0)));
  if (new_keys_ > churn_limit && missing_keys_ > churn_limit) {
    std::string text = std::to_string(new_keys_) + " new HR keys and " + std::to_string(missing_keys_) +
                       " missing ones at once (more than " + std::to_string(churn_limit) +
                       " each): the key column may have changed.";
    // A re-keyed export makes every person a conflict (their 8x8 user carries, or is linked to,
    // the old key). One manual action per person would bury the one thing to fix, the key
    // column: while the hold stands, those conflicts stay in the plan but raise no action.
    planner_index rekeyed;
    for (std::size_t i = 0; i < out_.conflicts.size(); ++i) {
      const auto k = out_.conflicts[i].kind;
      if (k == plan_conflict_kind::other_external_id || k == plan_conflict_kind::linked_to_other_key)
        rekeyed.add(out_.conflicts[i].hr_key, static_cast<std::uint32_t>(i));
    }
    const auto before = out_.manual_actions.size();
    std::erase_if(out_.manual_actions, [&](const manual_action& a) {
      return a.kind == manual_action_kind::resolve_conflict && rekeyed.find(a.hr_key).count > 0;
    });
    if (const auto quiet = before - out_.manual_actions.size(); quiet > 0)
      text += " The " + std::to_string(quiet) +
              " HR keys whose 8x8 user carries or is linked to another key raise no conflict action while "
              "this holds: fix source.key (or the export), or settle them with `eightsync link`.";
    global.push_back({plan_hold_reason::key_churn, std::move(text)});
  }
  return global;
}

// A listing that lost linked users (listing_hold) holds creates, adoptions and deactivations.
void plan_builder::apply_listing_hold(const plan_hold& h) {
  hold_all(creates_, h);
  hold_all(adopts_, h);
  hold_all(deactivations_, h);
  // Each linked user the listing left out is a linked_user_missing conflict; while the listing
  // itself is suspect, one action per person would bury the one thing to check.
  planner_index missing;
  for (std::size_t i = 0; i < out_.conflicts.size(); ++i) {
    if (out_.conflicts[i].kind == plan_conflict_kind::linked_user_missing)
      missing.add(out_.conflicts[i].hr_key, static_cast<std::uint32_t>(i));
  }
  std::erase_if(out_.manual_actions, [&](const manual_action& a) {
    return a.kind == manual_action_kind::resolve_conflict && missing.find(a.hr_key).count > 0;
  });
}

// An export older than source.max_age may be the last one an HR system that stopped sending
// left behind: whoever is missing from it is not taken as a leaver (status flips still are).
void plan_builder::hold_missing_if_export_stale() {
  if (!opt_.source_changed_at || !opt_.source_max_age) return;
  const auto age = opt_.now - *opt_.source_changed_at;
  if (age <= *opt_.source_max_age) return;
  const plan_hold h{plan_hold_reason::export_stale,
                    "The HR export last changed " +
                        plan_duration_text(std::chrono::duration_cast<std::chrono::milliseconds>(age)) +
                        " ago, longer than source.max_age (" + plan_duration_text(*opt_.source_max_age) +
                        "): the HR export stopped arriving? Users missing from it are not deactivated."};
  hold_missing(h);
}

// Holds the deactivations of users missing from HR that no other hold holds yet with `h`, and
// records `h` when it held any.
void plan_builder::hold_missing(const plan_hold& h) {
  bool used = false;
  for (auto& p : deactivations_) {
    if (p.missing && !p.entry.hold) {
      p.entry.hold = h;
      used = true;
    }
  }
  if (used) out_.holds.push_back(h);
}

// The safety limits on counts (safety.max_*), and deactivations that a keyless quarantined row
// may explain. `managed_after` counts this cycle's adoptions.
void plan_builder::apply_limit_holds(std::size_t managed_after) {
  // Approved ahead (`approve --upcoming`): set aside while the limits count and hold the rest.
  std::vector<pending> ahead;
  for (auto* g : {&deactivations_, &reactivations_, &creates_}) {
    const auto split = std::stable_partition(g->begin(), g->end(),
                                             [&](const pending& p) { return !approved_ahead(p.entry); });
    ahead.insert(ahead.end(), std::make_move_iterator(split), std::make_move_iterator(g->end()));
    g->erase(split, g->end());
  }
  apply_count_limits(managed_after);
  for (auto& p : ahead) {
    auto& group = p.entry.kind == operation_kind::deactivate   ? deactivations_
                  : p.entry.kind == operation_kind::reactivate ? reactivations_
                                                               : creates_;
    group.push_back(std::move(p));
  }
}

// Whether `e` is a date-driven operation an operator approved ahead for the instant its date
// gives now: a deactivation at the end, an activation at the start, a create at the opening of
// the provisioning window (or at the start).
bool plan_builder::approved_ahead(const plan_entry& e) const {
  const auto& approved = state_.upcoming_approved;
  if (approved.empty()) return false;
  const auto it = std::lower_bound(desired_.users.begin(), desired_.users.end(), e.hr_key,
                                   [](const desired_user& d, const std::string& k) { return d.key < k; });
  if (it == desired_.users.end() || it->key != e.hr_key) return false;
  std::vector<std::chrono::sys_seconds> instants;
  if (e.kind == operation_kind::deactivate && it->ends_at()) instants.push_back(*it->ends_at());
  if (e.kind == operation_kind::reactivate && it->starts_at()) instants.push_back(*it->starts_at());
  if (e.kind == operation_kind::create && it->starts_at()) {
    instants.push_back(*it->starts_at());
    instants.push_back(*it->starts_at() -
                       std::chrono::ceil<std::chrono::seconds>(opt_.lifecycle.provision_before_start));
  }
  return std::any_of(approved.begin(), approved.end(), [&](const planner_state::upcoming_approval& a) {
    return a.hr_key == e.hr_key && a.kind == e.kind &&
           std::find(instants.begin(), instants.end(), a.due_at) != instants.end();
  });
}

// The safety limits on counts, over what was not approved ahead.
void plan_builder::apply_count_limits(std::size_t managed_after) {
  const auto& s = opt_.safety;
  if (sv_.keyless_quarantined > 0) {
    const plan_hold h{
        plan_hold_reason::quarantined_without_key,
        std::to_string(sv_.keyless_quarantined) +
            " HR rows were quarantined without a usable key; they may be any of the users missing "
            "from HR."};
    hold_missing(h);
  }
  hold_missing_if_export_stale();
  // Deactivations this cycle already sent count too: leavers done first are no way around a limit.
  const std::size_t d = deactivations_.size() + opt_.deactivations_this_cycle;
  const std::string how_many = opt_.deactivations_this_cycle == 0
                                   ? std::to_string(d) + " deactivations"
                                   : std::to_string(d) + " deactivations (" +
                                         std::to_string(opt_.deactivations_this_cycle) +
                                         " of them already sent this cycle)";
  if (!deactivations_.empty() && d > s.max_deactivations) {
    const plan_hold h{plan_hold_reason::max_deactivations, how_many + " exceed safety.max_deactivations (" +
                                                               std::to_string(s.max_deactivations) + ")."};
    hold_all(deactivations_, h);
    out_.holds.push_back(h);
  } else if (!deactivations_.empty() && over_percent(d, s.max_deactivation_percent, managed_after)) {
    const plan_hold h{plan_hold_reason::max_deactivation_percent,
                      how_many + " exceed safety.max_deactivation_percent (" +
                          percent_text(s.max_deactivation_percent) + " of " + std::to_string(managed_after) +
                          " managed users)."};
    hold_all(deactivations_, h);
    out_.holds.push_back(h);
  }
  if (creates_.size() > s.max_creates) {
    const plan_hold h{plan_hold_reason::max_creates, std::to_string(creates_.size()) +
                                                         " creates exceed safety.max_creates (" +
                                                         std::to_string(s.max_creates) + ")."};
    hold_all(creates_, h);
    out_.holds.push_back(h);
  }
  if (reactivations_.size() > s.max_reactivations) {
    const plan_hold h{plan_hold_reason::max_reactivations,
                      std::to_string(reactivations_.size()) +
                          " activations and rehires exceed safety.max_reactivations (" +
                          std::to_string(s.max_reactivations) +
                          "). Many at once can mean a changed date format or a removed lifecycle: block."};
    hold_all(reactivations_, h);
    out_.holds.push_back(h);
  }
  if (adopts_.size() > s.max_adoptions) {
    const plan_hold h{plan_hold_reason::max_adoptions,
                      std::to_string(adopts_.size()) + " adoptions exceed safety.max_adoptions (" +
                          std::to_string(s.max_adoptions) +
                          "). An adopted user's names and email become read-only in Admin Console for good."};
    hold_all(adopts_, h);
    out_.holds.push_back(h);
  }
  const std::size_t counted = updates_.size() + (first_cycle_with_users_ ? adopts_.size() : 0);
  if (counted > s.max_updates) {
    const plan_hold h{plan_hold_reason::max_updates,
                      std::to_string(counted) +
                          (first_cycle_with_users_ ? " adoptions and updates on a first cycle" : " updates") +
                          " exceed safety.max_updates (" + std::to_string(s.max_updates) + ")."};
    hold_all(updates_, h);
    if (first_cycle_with_users_) hold_all(adopts_, h);
    out_.holds.push_back(h);
  }
}

// An update waits for its user's reactivation or adoption: held with it.
void plan_builder::hold_waiting_updates() {
  planner_index held_prereq;
  for (std::size_t i = 0; i < reactivations_.size(); ++i) {
    if (reactivations_[i].entry.hold)
      held_prereq.add(reactivations_[i].entry.hr_key, static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < adopts_.size(); ++i) {
    if (adopts_[i].entry.hold) held_prereq.add(adopts_[i].entry.hr_key, static_cast<std::uint32_t>(i));
  }
  for (auto& p : updates_) {
    if (!p.entry.hold && p.entry.after && held_prereq.find(p.entry.hr_key).count) {
      p.entry.hold =
          plan_hold{plan_hold_reason::waits_for_held,
                    "Waits for this user's " + std::string(enum_name(*p.entry.after)) + ", which is held."};
    }
  }
}

// Moves every entry to operations or held, each in run order, sorts what a person reads by HR
// key, and counts what the plan costs.
void plan_builder::order_output() {
  for (auto* g : {&corrections_, &deactivations_, &reactivations_, &creates_, &adopts_, &updates_}) {
    for (auto& p : *g) {
      const bool writes = operation_sends_request(p.entry.kind);
      for (const auto& diff : p.entry.diffs)
        out_.writes_site |= diff.attr == attribute::site && !diff.after.empty();
      if (p.entry.hold) {
        out_.held_writes += writes ? 1 : 0;
        out_.held.push_back(std::move(p.entry));
      } else {
        out_.cost.writes += writes ? 1 : 0;
        out_.operations.push_back(std::move(p.entry));
      }
    }
  }
  std::stable_sort(out_.operations.begin(), out_.operations.end(), runs_before);
  std::stable_sort(out_.held.begin(), out_.held.end(), runs_before);

  std::stable_sort(out_.conflicts.begin(), out_.conflicts.end(),
                   [](const auto& a, const auto& b) { return a.hr_key < b.hr_key; });
  std::stable_sort(out_.manual_actions.begin(), out_.manual_actions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.hr_key, a.kind, a.dedupe_key) < std::tie(b.hr_key, b.kind, b.dedupe_key);
  });
  std::stable_sort(out_.reads_needed.begin(), out_.reads_needed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.hr_key, a.kind, a.target) < std::tie(b.hr_key, b.kind, b.target);
  });
  std::stable_sort(out_.skipped.begin(), out_.skipped.end(), [](const auto& a, const auto& b) {
    return std::tie(a.hr_key, a.scim_id) < std::tie(b.hr_key, b.scim_id);
  });
  std::stable_sort(out_.link_refreshes.begin(), out_.link_refreshes.end(),
                   [](const auto& a, const auto& b) { return a.hr_key < b.hr_key; });

  out_.cost += remote_.spent;
  out_.cost.refetches = estimate_refetches(out_.operations, opt_.now, opt_.max_snapshot_age, opt_.rate);
  for (const auto& r : out_.reads_needed) {
    if (r.kind == read_kind::get_by_id) {
      ++out_.cost.gets_by_id;
    } else {
      ++out_.cost.lookups;
    }
  }
}

plan plan_builder::run() {
  listed_everything_ = remote_.full_listing && remote_.complete;
  authoritative_ = listed_everything_ && opt_.listing_shows_everyone;
  out_.authoritative = authoritative_;
  out_.first_cycle = state_.links.empty();
  first_cycle_with_users_ = out_.first_cycle && !remote_.users.empty();
  out_.desired_users = desired_.users.size();
  out_.managed_users = state_.links.size();

  // The snapshot by id; of two copies of one user, the fresher one counts. The same pass counts
  // the sites the users carry (the user's id and site lie in one buffer: one visit each).
  remote_by_id_.reserve(remote_.users.size());
  superseded_.assign(remote_.users.size(), 0);
  site_census census;
  for (std::size_t i = 0; i < remote_.users.size(); ++i) {
    const remote_user& r = remote_.users[i];
    census.add(r);
    const auto h = remote_by_id_.add(r.id(), static_cast<std::uint32_t>(i));
    if (h.count < 2) continue;
    if (remote_.users[h.first].fetched_at() < r.fetched_at()) {
      superseded_[h.first] = 1;
      remote_by_id_.set_first(r.id(), {}, static_cast<std::uint32_t>(i));
    } else {
      superseded_[i] = 1;
    }
  }
  // Before any body is built: new sites go under this URN, and a site no user carries (nor any
  // accepted write) is one 8x8 may refuse.
  out_.site_schema = choose_site_schema(opt_.site_schema, census.urn(), state_.site_schema);
  known_sites_ = census.sites();
  for (const auto site : census.sites()) {
    if (!std::binary_search(state_.known_sites.begin(), state_.known_sites.end(), site))
      out_.new_known_sites.emplace_back(site);
  }
  known_sites_.insert(state_.known_sites.begin(), state_.known_sites.end());
  // Each link's user in the snapshot, and each user's link.
  const auto links = state_.links.size();
  remote_of_link_.assign(links, npos);
  link_of_remote_.assign(remote_.users.size(), npos);
  shared_id_.assign(links, 0);
  for (std::size_t li = 0; li < links; ++li) {
    const auto h = remote_by_id_.find(state_.links[li].scim_id);
    if (!h.count) continue;
    remote_of_link_[li] = h.first;
    if (const auto other = link_of_remote_[h.first]; other != npos) {
      shared_id_[li] = 1;
      shared_id_[other] = 1;
    } else {
      link_of_remote_[h.first] = static_cast<std::uint32_t>(li);
    }
  }

  for (std::size_t i = 0; i < desired_.users.size(); ++i) {
    if (const auto li = sv_.link_of[i]; li != npos) {
      plan_linked(desired_.users[i], li);
    } else {
      unlinked_.push_back(static_cast<std::uint32_t>(i));
    }
  }
  plan_unlinked();
  for (std::size_t li = 0; li < links; ++li) {
    if (!sv_.link_used[li]) plan_missing(static_cast<std::uint32_t>(li));
  }
  finish();
  return std::move(out_);
}

}  // namespace

std::size_t source_row_count(const mapping_result& desired) noexcept {
  return desired.rows_read != 0 ? desired.rows_read : desired.users.size() + desired.quarantined.size();
}

plan make_plan(const mapping_result& desired, const remote_snapshot& remote, const planner_state& state,
               const planner_options& options) {
  return plan_builder(desired, remote, state, options).run();
}

bool full_reconcile_due(std::optional<clock::time_point> last_complete, clock::time_point now,
                        clock::duration every) noexcept {
  return !last_complete || *last_complete > now || now - *last_complete >= every;
}

std::vector<needed_read> leaver_reads(const mapping_result& desired, const planner_state& state,
                                      const planner_options& options) {
  std::vector<needed_read> out;
  const state_view sv(desired, state);
  const leaver_rule leavers(options.leavers, options.lifecycle, options.lifecycle_now());
  // A link state.db already records as deactivated is no leaver to hurry: the full plan decides.
  const auto known_inactive = [](const user_link& l) { return l.applied_active && !*l.applied_active; };
  for (std::size_t i = 0; i < desired.users.size(); ++i) {
    const auto li = sv.link_of[i];
    if (li == npos) continue;
    const desired_user& d = desired.users[i];
    const user_link& l = state.links[li];
    if (!leavers.row_has_left(d) || known_inactive(l)) continue;
    if (is_protected(options, d.get(attribute::user_name), l.user_name)) continue;
    out.push_back({read_kind::get_by_id, d.key, l.scim_id,
                   leavers.reason_for(d) == leaver_reason::end_date
                       ? "The end date HR set has come: read and deactivated before anything else."
                       : "HR marks this person as left: read and deactivated before anything else."});
  }
  if (leavers.missing_is_leaver()) {
    for (std::size_t li = 0; li < state.links.size(); ++li) {
      const user_link& l = state.links[li];
      if (sv.link_used[li] || known_inactive(l) || sv.quarantined.find(l.hr_key).count) continue;
      if (is_protected(options, l.user_name)) continue;
      out.push_back({read_kind::get_by_id, l.hr_key, l.scim_id,
                     "Missing from HR: read and deactivated before anything else."});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const needed_read& a, const needed_read& b) { return a.hr_key < b.hr_key; });
  return out;
}

read_strategy plan_reads(const mapping_result& desired, const planner_state& state,
                         const planner_options& options) {
  read_strategy out;
  const state_view sv(desired, state);
  const leaver_rule leavers(options.leavers, options.lifecycle, options.lifecycle_now());
  std::vector<needed_read> gets;
  std::vector<needed_read> lookups;
  // Lookups of new people who wait for a first complete listing: only a listing that cannot
  // show everyone (target.visibility idp_only) needs them this cycle.
  std::vector<needed_read> waiting_lookups;
  std::vector<const desired_user*> new_people;  // to match against the unmanaged index
  for (std::size_t i = 0; i < desired.users.size(); ++i) {
    const desired_user& d = desired.users[i];
    if (const auto li = sv.link_of[i]; li != npos) {
      const user_link& l = state.links[li];
      if (!link_changed(l, d, leavers) || has_fresh_copy(l, options)) continue;
      if (is_protected(options, d.get(attribute::user_name), l.user_name)) continue;
      std::string why = "HR changed this user since the last applied state.";
      if (const auto want = wanted_active(leavers.intent(d));
          want && l.applied_active && *l.applied_active != *want) {
        why = !*want                      ? "HR marks this person as left."
              : d.starts_at().has_value() ? "The start date HR set has come."
                                          : "HR marks this person active again.";
      }
      gets.push_back({read_kind::get_by_id, d.key, l.scim_id, std::move(why)});
      continue;
    }
    // Rows without a link that are not created now (inactive, or a start further ahead than
    // the provisioning window) are only looked for by a full reconcile.
    if (!leavers.creates(d) || is_protected(options, d.get(attribute::user_name))) continue;
    const bool create_new = sv.create_new.find(d.key).count != 0;
    if (sv.open_conflicts.find(d.key).count && !create_new) continue;
    // Matching comes before any reason a create would wait (a taken userName, a refused site):
    // the person may be adopted instead.
    if (!create_new && state.unmanaged_listed_at) new_people.push_back(&d);
    if (is_blank(d.get(attribute::user_name)) || waits_for_new_user_name(sv, d)) continue;
    if (waits_for_site(sv, d)) continue;
    needed_read lookup{read_kind::lookup_user_name, d.key, std::string(trim(d.get(attribute::user_name))),
                       "A new HR key: look the userName up before any POST."};
    if (!state.unmanaged_listed_at && !create_new) {
      waiting_lookups.push_back(std::move(lookup));
      continue;
    }
    lookups.push_back(std::move(lookup));
  }
  // Hand-made accounts the newest complete listing showed that a new person may be (another
  // userName, the same email…): read up front, so the usual case costs one round.
  {
    const auto candidates = find_index_candidates(new_people, state, options);
    std::vector<char> requested(state.unmanaged.size(), 0);
    for (const auto& c : candidates) {
      if (requested[c.entry]) continue;
      requested[c.entry] = 1;
      const unmanaged_user& e = state.unmanaged[c.entry];
      gets.push_back({read_kind::get_by_id, new_people[c.row]->key, std::string(trim(e.scim_id())),
                      candidate_reason(*new_people[c.row], e, c.keys, options, state.unmanaged_listed_at),
                      true});
    }
  }
  if (leavers.missing_is_leaver()) {
    for (std::size_t li = 0; li < state.links.size(); ++li) {
      const user_link& l = state.links[li];
      if (sv.link_used[li]) continue;
      if (sv.quarantined.find(l.hr_key).count || has_fresh_copy(l, options)) continue;
      if (is_protected(options, l.user_name)) continue;
      gets.push_back({read_kind::get_by_id, l.hr_key, l.scim_id,
                      "Missing from HR: confirm with a fresh copy before deactivating."});
    }
  }

  const std::size_t estimate =
      options.remote_user_estimate != 0 ? options.remote_user_estimate : state.links.size();
  const std::size_t page = options.page_size == 0 ? 1 : options.page_size;
  out.listing_pages = std::max<std::size_t>(1, (estimate + page - 1) / page);
  out.per_user_requests = gets.size() + lookups.size();

  if (state.links.empty()) {
    out.full_listing = true;
    out.reason = "First cycle (no links yet): a full listing.";
  } else if (options.full_listing_requested) {
    out.full_listing = true;
    out.reason = "A full listing was requested (--full or schedule.full_reconcile).";
  } else if (!waiting_lookups.empty()) {
    // Without a complete listing recorded (a first load cut short, a database from before the
    // unmanaged-users index), no new person can be matched in an incremental cycle: list now
    // rather than leave them waiting for the next full reconcile.
    out.full_listing = true;
    out.reason = "No complete listing of 8x8 is recorded, and " + std::to_string(waiting_lookups.size()) +
                 " new HR " + (waiting_lookups.size() == 1 ? "key waits" : "keys wait") +
                 " for one before any create: a full listing.";
  } else if (out.listing_pages <= gets.size()) {
    // Lookups are needed either way unless the listing shows every user, so compare the GETs.
    out.full_listing = true;
    out.reason = "A full listing (" + std::to_string(out.listing_pages) + " pages) costs no more than " +
                 std::to_string(gets.size()) + " GETs by id.";
  } else if (options.listing_shows_everyone && out.listing_pages <= out.per_user_requests) {
    out.full_listing = true;
    out.reason = "A full listing (" + std::to_string(out.listing_pages) + " pages) costs no more than " +
                 std::to_string(out.per_user_requests) + " GETs and lookups.";
  } else {
    out.reason = "Incremental: " + std::to_string(gets.size()) + " GETs by id and " +
                 std::to_string(lookups.size()) + " lookups cost less than a full listing (" +
                 std::to_string(out.listing_pages) + " pages).";
  }

  if (out.full_listing) {
    out.cost.listing_pages = out.listing_pages;
    if (!options.listing_shows_everyone) {
      lookups.insert(lookups.end(), std::make_move_iterator(waiting_lookups.begin()),
                     std::make_move_iterator(waiting_lookups.end()));
      out.cost.lookups = lookups.size();
      out.reads = std::move(lookups);
    }
  } else {
    out.cost.gets_by_id = gets.size();
    out.cost.lookups = lookups.size();
    out.reads = std::move(gets);
    out.reads.insert(out.reads.end(), std::make_move_iterator(lookups.begin()),
                     std::make_move_iterator(lookups.end()));
  }
  std::stable_sort(out.reads.begin(), out.reads.end(), [](const needed_read& a, const needed_read& b) {
    return std::tie(a.hr_key, a.kind, a.target) < std::tie(b.hr_key, b.kind, b.target);
  });
  return out;
}

}  // namespace eightsync::core
