#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <boost/json/object.hpp>

#include "core/attribute.hpp"
#include "core/enum_names.hpp"
#include "core/manual_action.hpp"
#include "core/operation_kind.hpp"
#include "core/site_schema.hpp"
#include "core/user_link.hpp"

// The plan and its parts (core::make_plan builds it; the executor runs it; plan_json and
// plan_text render it):
// - plan: what one cycle should do, in order, and why;
// - plan_entry: one operation on one user, with its request body, diffs, follow-ups and hold;
// - plan_hold / plan_hold_reason: a safety limit that kept operations back for approval;
// - plan_conflict / plan_conflict_kind: a user the planner will not touch without a person;
// - needed_read / read_kind / read_strategy: the reads a cycle needs before it can decide;
// - plan_note, plan_link_refresh, plan_diff: what the plan tells a person and the state store;
// - plan_cost / plan_rate: what the plan costs in requests, and how long that takes.

namespace eightsync::core {

/// How the reason of every correction begins: a PATCH active=false for an account eightsync
/// asked 8x8 to create inactive, before the person's start date, that 8x8 shows active (sent at
/// once after the 201, or planned by a later cycle when that PATCH failed). Its operations row
/// has kind `deactivate`, but it takes no access away from anyone who had it: it is not a leaver
/// (invariant 3), and no safety limit counts it.
inline constexpr std::string_view active_correction_reason = "Correction, not a leaver:";

/// Why a safety hold kept operations back for an operator's approval. Stable names.
/// - max_deactivations: more deactivations than safety.max_deactivations
/// - max_deactivation_percent: more than safety.max_deactivation_percent of managed users
/// - max_creates: more creates than safety.max_creates
/// - max_updates: more updates (with first-cycle adoptions) than safety.max_updates
/// - source_shrink: the HR export shrank by more than safety.max_source_shrink_percent
/// - empty_source: the HR export has no usable rows while users are managed
/// - key_churn: many new and many missing keys at once: the key column changed?
/// - quarantined_without_key: a row was set aside without a usable key: whose was it?
/// - waits_for_held: depends on another operation of the same user that is held
/// - listing_lost_users: a complete listing shows fewer linked users than safety.min_listed_linked_percent
/// - max_adoptions: more adoptions than safety.max_adoptions
/// - export_stale: the HR export last changed longer ago than source.max_age: users missing from
///   it are not taken as leavers
/// - max_reactivations: more activations and reactivations than safety.max_reactivations (a
///   changed date format, or a `lifecycle:` block removed, can start many people at once)
BOOST_DEFINE_FIXED_ENUM_CLASS(plan_hold_reason, std::uint8_t, max_deactivations, max_deactivation_percent,
                              max_creates, max_updates, source_shrink, empty_source, key_churn,
                              quarantined_without_key, waits_for_held, listing_lost_users, max_adoptions,
                              export_stale, max_reactivations)

/// One safety hold: which limit tripped, and a sentence with the numbers.
struct plan_hold {
  plan_hold_reason reason = plan_hold_reason::max_deactivations;
  std::string text;  ///< e.g. "12 deactivations exceed safety.max_deactivations (10)"
};

/// A request rate to state a plan's cost as time: `requests` per sliding `per` window
/// (target.rate_limit; 8x8's only published figure is 10 a minute).
struct plan_rate {
  std::size_t requests = 10;
  std::chrono::milliseconds per{std::chrono::seconds{60}};
};

/// A user the plan deliberately leaves alone (protected, unmanaged, quarantined row, …), with
/// why: informational, nothing to execute.
struct plan_note {
  std::string hr_key;  ///< empty for an 8x8 user without an HR row
  std::string scim_id;
  std::string user_name;
  std::string reason;
};

/// One attribute an operation changes: its value in 8x8 before and the value HR asks for.
/// An empty string means absent (a create's `before`, or an attribute HR clears).
struct plan_diff {
  attribute attr = attribute::title;
  std::string before;
  std::string after;
};

/// A read one user needs before the planner can decide about them.
/// - get_by_id: GET /Users/{id}: a fresh complete object
/// - lookup_user_name: GET /Users?filter=userName eq "…": before any POST without a full listing
BOOST_DEFINE_FIXED_ENUM_CLASS(read_kind, std::uint8_t, get_by_id, lookup_user_name)

/// One read to do: a GET by id or a userName lookup, for one HR key, with why.
struct needed_read {
  read_kind kind = read_kind::get_by_id;
  std::string hr_key;
  std::string target;  ///< the 8x8 id (get_by_id) or the userName (lookup_user_name)
  std::string reason;  ///< a sentence for a person
  /// A GET of a user from state.db's index of unmanaged users (a possible match for a new HR
  /// row): a 404 answers it (that user is gone; remote_snapshot::not_found) and is no failure.
  bool index_candidate = false;
};

/// Why an HR row and 8x8 could not be matched without a guess. Stable names.
/// - two_rows_one_user: several HR keys match (or are linked to) one 8x8 user
/// - one_row_two_users: one HR row matches several 8x8 users
/// - match_deactivated: the only match is deactivated in 8x8
/// - other_external_id: the only match carries another externalId
/// - linked_to_other_key: the only match is already linked to another HR key
/// - possible_duplicate: no key matches, but an unlinked 8x8 user has the same name
/// - user_name_taken: the userName belongs to an 8x8 user the match order did not match
/// - linked_user_missing: the linked 8x8 user is not in a complete listing any more
BOOST_DEFINE_FIXED_ENUM_CLASS(plan_conflict_kind, std::uint8_t, two_rows_one_user, one_row_two_users,
                              match_deactivated, other_external_id, linked_to_other_key, possible_duplicate,
                              user_name_taken, linked_user_missing)

/// An HR row eightsync will neither create nor touch until an operator decides, with why.
struct plan_conflict {
  plan_conflict_kind kind = plan_conflict_kind::possible_duplicate;
  std::string hr_key;
  std::string user_name;              ///< HR's userName for the row
  std::vector<std::string> scim_ids;  ///< the 8x8 users involved, sorted
  std::string reason;                 ///< a sentence for a person
};

/// A linked user 8x8 already shows as HR wants, whose link records older applied values:
/// the executor stores these (no request), so incremental cycles stop re-reading the user.
struct plan_link_refresh {
  std::string hr_key;
  std::string scim_id;
  std::string user_name;                      ///< 8x8's userName now
  std::optional<std::uint64_t> applied_hash;  ///< unset for a user missing from HR
  bool applied_active = true;
};

/// What a cycle costs in requests to 8x8, by kind. Requests are the budget (8x8's published
/// limit is 10 a minute), so every plan states its cost.
struct plan_cost {
  std::size_t listing_pages = 0;  ///< GET /Users pages
  std::size_t gets_by_id = 0;     ///< GET /Users/{id}
  std::size_t lookups = 0;        ///< GET /Users?filter=userName eq "…" before a POST
  std::size_t writes = 0;         ///< POST, PUT and PATCH
  /// GET /Users/{id} before a PUT whose copy of the user will be older than max_snapshot_age when
  /// its turn comes at the configured rate (an estimate: estimate_refetches).
  std::size_t refetches = 0;

  /// Every request counted. Never throws.
  constexpr std::size_t total() const noexcept {
    return listing_pages + gets_by_id + lookups + refetches + writes;
  }
  /// Reads only (pages, GETs, lookups and refetches). Never throws.
  constexpr std::size_t reads() const noexcept { return listing_pages + gets_by_id + lookups + refetches; }

  /// Field-wise sum. Never throws.
  constexpr plan_cost& operator+=(const plan_cost& o) noexcept {
    listing_pages += o.listing_pages;
    gets_by_id += o.gets_by_id;
    lookups += o.lookups;
    refetches += o.refetches;
    writes += o.writes;
    return *this;
  }
  friend constexpr bool operator==(const plan_cost&, const plan_cost&) = default;
};

/// How long `requests` take at `per_window` requests per sliding `window`: one pacing gap each
/// (core/pacing.hpp: the window and its guard over `per_window`), rounded up to the millisecond
/// (10 requests at 10 a minute take 60.6 s; 1,000 pages take 101 minutes): the time from the
/// first request until the budget they used is free again. Zero requests take zero; a zero
/// `per_window` is treated as 1. Never throws.
std::chrono::milliseconds plan_cost_duration(std::size_t requests, std::size_t per_window,
                                             std::chrono::milliseconds window) noexcept;

/// `d` for a person: "0 s", "45 s", "12 min", "1 h 40 min", "2 d 3 h". Throws only std::bad_alloc.
std::string plan_duration_text(std::chrono::milliseconds d);

/// One planned operation on one 8x8 user, with a reason for a person and, for writes, the exact
/// request body. On success the executor records the link (`how`, `desired_hash`,
/// `desired_active`) and raises `follow_ups`.
struct plan_entry {
  operation_kind kind = operation_kind::update;
  std::string hr_key;
  std::string scim_id;    ///< empty for a create (8x8 assigns it)
  std::string user_name;  ///< 8x8's userName (HR's for a create)
  /// A create's claim on an existing user: the externalId its HR row maps (else its HR key). A
  /// create that meets a 409 adopts the user holding its userName only when that user's
  /// externalId is empty or this (the planner's adoption rule). Empty for other kinds.
  std::string claimed_external_id;
  std::string reason;            ///< why, as a sentence
  std::vector<plan_diff> diffs;  ///< attributes changed: create and update
  /// The request body: POST (create), PUT (update, the complete object), PATCH (deactivate,
  /// reactivate); empty for adopt.
  boost::json::object body;
  /// This user's earlier entry of that kind in the same plan must succeed first (an update after
  /// its adopt, or after its reactivation: that PUT carries `active: true`).
  std::optional<operation_kind> after;
  std::vector<manual_action> follow_ups;      ///< raised once this operation succeeded
  managed_by how = managed_by::created;       ///< create/adopt: how the link is recorded
  std::optional<std::uint64_t> desired_hash;  ///< to record as applied_hash (unset: user missing from HR)
  bool desired_active = true;                 ///< to record as applied_active
  std::optional<plan_hold> hold;              ///< set on held entries: why they wait
  /// An update's copy of the user (the object its body was built from): when it was fetched. When
  /// the PUT's turn comes and the copy is older than max_snapshot_age, the executor fetches the
  /// user again and decides once more (recheck_update) before anything is sent.
  std::optional<std::chrono::system_clock::time_point> fetched_at;
  /// A site value this write sets that 8x8 was never seen to accept (state.db's known_sites and
  /// this cycle's reads): a 400 to it blames the site (plan::site_actions), not the user.
  std::string unseen_site;
};

/// The order in which operations run (plan::operations, plan::held): by kind in operation_kind
/// order (deactivations first: a leaver's access is a security matter), then by HR key, then by
/// 8x8 id. The planner and the release of approved held operations both sort with it. Never
/// throws.
inline bool runs_before(const plan_entry& a, const plan_entry& b) noexcept {
  return std::tie(a.kind, a.hr_key, a.scim_id) < std::tie(b.kind, b.hr_key, b.scim_id);
}

/// How a cycle should read 8x8 (core::plan_reads): a full listing, or only the users that need
/// it, whichever costs fewer requests.
struct read_strategy {
  bool full_listing = false;       ///< page through GET /Users
  std::string reason;              ///< why this read, for a person
  std::vector<needed_read> reads;  ///< per-user reads to do (with a listing: only lookups it cannot replace)
  plan_cost cost;                  ///< the requests the chosen read costs
  std::size_t listing_pages = 0;   ///< what a full listing would cost
  std::size_t per_user_requests = 0;  ///< what per-user GETs and lookups would cost
};

/// What one cycle should do, in order, and why (core::make_plan).
///
/// `operations` run in this order: deactivations (a leaver's access is a security matter),
/// then reactivations (also PATCH `active`, and a rehire's update waits on its reactivation),
/// then creates, then adopts (no request; they precede the updates that depend on them), then
/// updates. Within a kind, by HR key. `held` has the same shape and order.
struct plan {
  std::vector<plan_entry> operations;         ///< to execute, in order
  std::vector<plan_entry> held;               ///< over a safety limit: each carries its hold
  std::vector<plan_hold> holds;               ///< the holds that tripped this cycle
  std::vector<plan_conflict> conflicts;       ///< by HR key
  std::vector<manual_action> manual_actions;  ///< standalone ones (follow-ups sit on entries)
  /// One unknown_site action per unseen site this plan writes (plan_entry::unseen_site): raised
  /// by the executor only if 8x8 refuses that site.
  std::vector<manual_action> site_actions;
  std::vector<needed_read> reads_needed;          ///< users left undecided until these reads are done
  std::vector<plan_note> skipped;                 ///< users deliberately left alone, with why
  std::vector<plan_link_refresh> link_refreshes;  ///< state to record without a request
  /// Requests: the reads the snapshot cost (remote_snapshot::spent), reads_needed, and the
  /// writes in `operations`.
  plan_cost cost;
  std::size_t held_writes = 0;         ///< writes in `held`
  std::size_t desired_users = 0;       ///< HR users planned for
  std::size_t managed_users = 0;       ///< links before this cycle
  std::size_t unchanged_users = 0;     ///< linked users needing nothing
  std::size_t unmatched_inactive = 0;  ///< HR rows inactive and not in 8x8: nothing to do
  bool authoritative = false;          ///< planned from a complete listing that shows every user
  bool first_cycle = false;            ///< no links yet
  /// The URN new sites are written under, and where that came from.
  site_schema_choice site_schema;
  /// Whether an operation in `operations` or `held` writes a site.
  bool writes_site = false;
  /// Site values the users read carry that state.db's known_sites lacks, sorted: to record.
  std::vector<std::string> new_known_sites;

  /// Whether there is nothing to execute, hold, or read. Never throws.
  bool empty() const noexcept { return operations.empty() && held.empty() && reads_needed.empty(); }
};

/// Whether a PUT whose copy of the user was fetched at `fetched_at` must fetch it again when its
/// turn comes at `turn`: the copy would be older than `max_age` when the PUT leaves. The rate
/// limiter holds a PUT one gap after its turn (core/pacing.hpp), up to a window when slots came
/// bunched; one `rate.per` window counts against the copy (a `max_age` shorter than the window:
/// always). Never throws.
bool too_old_to_send(std::chrono::system_clock::time_point fetched_at,
                     std::chrono::system_clock::time_point turn, std::chrono::milliseconds max_age,
                     const plan_rate& rate) noexcept;

/// How many of `operations`' updates will need a refetch before their PUT (plan_cost::refetches):
/// the writes go in order from `start`, one every pacing gap (core/pacing.hpp: `rate.per` and
/// its guard over `rate.requests`, as the rate limiter spaces them); an update whose
/// copy (plan_entry::fetched_at) is too_old_to_send at its turn costs one GET more, which delays
/// everything after it. An estimate: 429s, retries and 8x8's own pace move it. Never
/// throws.
std::size_t estimate_refetches(const std::vector<plan_entry>& operations,
                               std::chrono::system_clock::time_point start, std::chrono::milliseconds max_age,
                               const plan_rate& rate) noexcept;

}  // namespace eightsync::core
