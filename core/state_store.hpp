#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/enum_names.hpp"
#include "core/planner_state.hpp"
#include "core/target_account.hpp"
#include "core/unmanaged_user.hpp"
#include "core/user_link.hpp"
#include "migrations/embedded_migrations.hpp"

namespace SQLite {
class Database;
}
namespace spdlog {
class logger;
}

namespace eightsync::core {

/// What an operator decided for an HR key that the planner could not match on its own.
/// - link: `eightsync link KEY ID`: manage this existing 8x8 user for KEY
/// - create_new: `eightsync link KEY --create-new`: create a new 8x8 user for KEY
BOOST_DEFINE_FIXED_ENUM_CLASS(decision_kind, std::uint8_t, link, create_new)

/// One operator decision, recorded by `eightsync link` for the planner to honour. The next cycle
/// checks it against fresh 8x8 data; the decision stays until `eightsync unlink KEY` (or a new
/// decision for the same key) replaces it.
struct operator_decision {
  std::string hr_key;
  decision_kind kind = decision_kind::link;
  std::string scim_id;  ///< the 8x8 id to link to (kind link); empty for create_new
  clock::time_point decided_at{};
  std::string decided_by;  ///< the OS user who ran the command

  /// Member-wise equality.
  friend bool operator==(const operator_decision&, const operator_decision&) = default;
};

class remote_user;

/// The SQLite state database: which HR key is linked to which 8x8 user and what was last
/// applied, operator decisions, and the facts the safety holds compare against. One file per
/// target URL (it refuses any other), shared later with the audit tables.
///
/// Opening applies the embedded migrations (migrations/NNNN_name.sql) in order, each in its own
/// transaction, recording each in `schema_migrations` and `PRAGMA user_version`. Connections use
/// WAL (file databases), synchronous=FULL, foreign_keys=ON and a busy timeout.
///
/// Errors at open are state_error exceptions naming the file (startup). Later read/write
/// failures (disk full, I/O errors, a broken constraint) are state_error too: callers check
/// conflicts first (find_link_by_scim_id) so a constraint failure is a bug. Not thread-safe: one
/// store per thread. Writers hold a db_lock on the same path first.
class state_store {
 public:
  /// How to open. The defaults are what the daemon uses; tests vary them.
  struct options {
    std::chrono::milliseconds busy_timeout{5000};  ///< how long to wait for another connection's write
    const clock* time = nullptr;                   ///< for updated_at / applied_at; nullptr: the wall clock
    std::shared_ptr<spdlog::logger> logger;  ///< state.migrate, state.journal_mode; nullptr: spdlog's default
    /// The migrations this binary knows, ordered by version; empty means all embedded ones.
    /// Tests pass a prefix to build a database "made by an older binary".
    std::span<const migrations::migration> known_migrations{};
    /// Open an existing database for reading only (`status`, `audit`): nothing is created,
    /// migrated or written, so a member of the service's group without write access can read it,
    /// while the service runs (sharing its -wal and -shm files) or not. A database not at the
    /// newest schema is refused (the service or `sync` upgrades it first).
    bool read_only = false;
  };

  /// Which fields load_links fills. remote_json is the bulk of the database (about 1–2 kB a user),
  /// so cycles that do not need it skip it and fetch single ones with load_remote_json.
  enum class remote_json_loading : std::uint8_t { skip, include };

  /// The path that opens a private in-memory database (unit tests).
  static constexpr std::string_view in_memory = ":memory:";

  /// Opens (creating when missing, mode 0640) the database at `path` for `target_url`, migrates it
  /// to the newest known version and binds it to the account the URL names (account_of) on first
  /// use. The same 8x8 customer under another URL is accepted: the new URL is recorded, with a row
  /// in target_changes and a warning. With options::read_only: opens it as it is, checking the
  /// same things and writing nothing. Throws state_error naming the file when it cannot be opened
  /// or created, is not an eightsync state database, has a schema newer than the newest known
  /// migration, is bound to another account, or a migration fails (that migration is rolled
  /// back). Throws std::invalid_argument when `target_url` is empty (a bug).
  state_store(const std::filesystem::path& path, std::string_view target_url, options opts);

  /// As above, with default options.
  state_store(const std::filesystem::path& path, std::string_view target_url);

  state_store(state_store&&) noexcept;
  state_store& operator=(state_store&&) noexcept;
  ~state_store();

  /// The newest schema version among the embedded migrations. Never throws.
  static int newest_schema_version() noexcept;

  /// The file opened (or ":memory:"). Never throws.
  const std::filesystem::path& path() const noexcept;

  /// The normalized target URL it was opened with (normalize_target_url). Never throws.
  const std::string& target_url() const noexcept;

  /// The 8x8 account it was opened for, which the database is bound to. Never throws.
  const target_account& account() const noexcept;

  /// The schema version (PRAGMA user_version) after migrating. Never throws.
  int schema_version() const noexcept;

  // ---- links ----------------------------------------------------------------------------

  /// Every link, ordered by HR key (byte order). remote_json and fetched_at stay empty unless
  /// `loading` is include. Throws state_error on a read failure or a malformed row.
  std::vector<user_link> load_links(remote_json_loading loading = remote_json_loading::skip) const;

  /// The link of `hr_key` (remote_json included), or nullopt. Throws state_error.
  std::optional<user_link> find_link(std::string_view hr_key) const;

  /// The link whose 8x8 id is `scim_id` (remote_json included), or nullopt. Throws state_error.
  std::optional<user_link> find_link_by_scim_id(std::string_view scim_id) const;

  /// The stored remote object of `hr_key`, or nullopt when there is no link or no object.
  /// Throws state_error.
  std::optional<std::string> load_remote_json(std::string_view hr_key) const;

  /// How many links there are. Throws state_error.
  std::size_t link_count() const;

  /// Inserts `link`, or replaces every field of the link with the same HR key. An empty
  /// remote_json is stored as NULL (with fetched_at). Throws state_error when another key already
  /// holds link.scim_id (check find_link_by_scim_id first) or on a write failure.
  void upsert_link(const user_link& link);

  /// upsert_link for each of `links`, in one transaction. Throws state_error (nothing is written).
  void upsert_links(std::span<const user_link> links);

  /// Removes the link of `hr_key`; returns whether there was one. Throws state_error.
  bool erase_link(std::string_view hr_key);

  /// Stores `remote_json` (a complete 8x8 object; "" clears it) fetched at `fetched_at` for
  /// `hr_key`, but only when the text differs from what is stored: an unchanged object leaves
  /// the row, and its fetched_at, untouched, so a no-change cycle rewrites no per-user rows (use
  /// record_full_listing, or touch_fetched_at for a single GET, to say when it was last
  /// confirmed). Returns whether the row was rewritten (false also when no link has that key).
  /// Throws state_error.
  bool record_remote(std::string_view hr_key, std::string_view remote_json, clock::time_point fetched_at);

  /// After a full listing: record_remote for every linked user among `listed` (matched by 8x8
  /// id), in one pass over the links instead of a lookup per user. A row is rewritten only when
  /// its stored object differs from the listed one, as text and then as content (an object
  /// stored from a write's answer may order its members differently), and was not fetched after
  /// the listed one (a write in the same cycle stored a newer answer). The content comparison
  /// uses each row's remote_hash (migrations/0005), so no stored object is read; a row without
  /// one is compared as text and, when unchanged, gets its remote_hash filled in (nothing else
  /// of the row changes). Call it inside in_transaction to make it atomic with what goes with
  /// it. Returns how many rows were rewritten. When `linked` is given, it is set to one flag per
  /// listed user, set for each a link holds (record_unmanaged_users takes it). Throws state_error.
  std::size_t record_listed_remotes(std::span<const remote_user> listed, std::vector<char>* linked = nullptr);

  /// Moves the fetched_at of `hr_key`'s stored object to `fetched_at` (after a GET that returned
  /// the same object). Returns whether a row with an object was updated. Throws state_error.
  bool touch_fetched_at(std::string_view hr_key, clock::time_point fetched_at);

  /// Records the content hash of the desired attributes just applied to `hr_key`'s user (after a
  /// create or a PUT). Returns whether the link exists. Throws state_error.
  bool record_applied_hash(std::string_view hr_key, std::uint64_t hash);

  /// Records `active` as just applied to `hr_key`'s user (after a create or a PATCH, or as seen
  /// when adopted). Returns whether the link exists. Throws state_error.
  bool record_applied_active(std::string_view hr_key, bool active);

  // ---- operator decisions ---------------------------------------------------------------

  /// Every operator decision, ordered by HR key. Throws state_error.
  std::vector<operator_decision> load_decisions() const;

  /// The decision for `hr_key`, or nullopt. Throws state_error.
  std::optional<operator_decision> find_decision(std::string_view hr_key) const;

  /// The `link` decision that chose 8x8 id `scim_id`, or nullopt. Throws state_error.
  std::optional<operator_decision> find_decision_by_scim_id(std::string_view scim_id) const;

  /// Records `d`, replacing any earlier decision for d.hr_key. Throws state_error when d.hr_key is
  /// empty, when a link decision has no scim_id, when another key's decision already chose that
  /// id (check find_decision_by_scim_id first), or on a write failure.
  void put_decision(const operator_decision& d);

  /// Removes the decision for `hr_key`; returns whether there was one. Throws state_error.
  bool erase_decision(std::string_view hr_key);

  // ---- cycle facts ----------------------------------------------------------------------

  /// What the last good cycle saw, or nullopt before the first one. Throws state_error.
  std::optional<last_good_cycle> read_last_good_cycle() const;

  /// Records `facts` as the last good cycle's. Throws state_error.
  void record_good_cycle(const last_good_cycle& facts);

  /// When the last complete GET /Users listing finished, or nullopt. Every linked user that
  /// listing returned was confirmed as of then, even if its row's fetched_at is older (see
  /// record_remote). Throws state_error.
  std::optional<clock::time_point> last_full_listing() const;

  /// Records when a complete listing finished and, when given, how many users it held (the
  /// next listing's limit is measured from it). Throws state_error.
  void record_full_listing(clock::time_point at, std::optional<std::size_t> users = std::nullopt);

  /// How many users the last complete listing held, or nullopt (none yet, or not recorded).
  /// Throws state_error.
  std::optional<std::size_t> last_full_listing_users() const;

  /// Replaces the index of unmanaged 8x8 users (table unmanaged_users, migrations/0009) with
  /// each user of `listed`, a complete full listing that finished at `listed_at`, that no link
  /// holds, and records `listed_at` as the index's time. `linked[i]` says a link holds listed[i],
  /// as record_listed_remotes sets it: one scan of the links serves both. Only what matching
  /// needs is kept, never the object. Call it only for a complete listing, inside in_transaction
  /// with record_full_listing. A store opened without migration 0009 (a test's older binary)
  /// writes nothing. Returns how many users it holds. Throws state_error.
  std::size_t record_unmanaged_users(std::span<const remote_user> listed, std::span<const char> linked,
                                     clock::time_point listed_at);

  /// Every user of the unmanaged index, ordered by 8x8 id (empty without migration 0009).
  /// Throws state_error on a read failure or a malformed row.
  std::vector<unmanaged_user> load_unmanaged_users() const;

  /// When the complete listing the unmanaged index holds finished, or nullopt when none was
  /// recorded (a database older than migration 0009 gets one at its next complete listing).
  /// Throws state_error.
  std::optional<clock::time_point> unmanaged_users_listed_at() const;

  /// The site extension URN users were last seen carrying their site under (meta.site_schema),
  /// if any cycle has seen one. Throws state_error.
  std::optional<std::string> site_schema() const;

  /// The site values 8x8 is known to accept (table known_sites), sorted. Throws state_error.
  std::vector<std::string> known_sites() const;

  /// Adds each of `sites` (non-empty values, as 8x8 spells them) to known_sites; returns how
  /// many were new. Throws state_error.
  std::size_t record_known_sites(std::span<const std::string> sites);

  /// Remembers `urn` as the account's site extension URN. Throws state_error.
  void record_site_schema(std::string_view urn);

  /// The next lifecycle event the last cycle found in its export (meta.next_lifecycle_event),
  /// as the cycle engine recorded it (a JSON object; empty when none lay ahead); nullopt when no
  /// cycle recorded one. `status` reads it instead of the export. Throws state_error.
  std::optional<std::string> next_lifecycle_event() const;

  /// Records `event` as the next lifecycle event (empty: none ahead). Throws state_error.
  void record_next_lifecycle_event(std::string_view event);

  // ---- transactions ---------------------------------------------------------------------

  /// Runs `f()` inside one write transaction (BEGIN IMMEDIATE) and commits; rolls back and
  /// rethrows if `f` throws. Nested calls join the outer transaction. Returns what `f` returns.
  /// Throws state_error when the transaction cannot begin or commit, or whatever `f` throws.
  template <class F>
  decltype(auto) in_transaction(F&& f) {
    if (!begin_if_outermost()) return std::forward<F>(f)();
    try {
      if constexpr (std::is_void_v<decltype(std::forward<F>(f)())>) {
        std::forward<F>(f)();
        commit();
      } else {
        decltype(auto) result = std::forward<F>(f)();
        commit();
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }

  /// The underlying connection, for the audit tables that share this file and for tests.
  /// Never throws.
  SQLite::Database& database() noexcept;

 private:
  struct impl;

  bool begin_if_outermost();
  void commit();
  void rollback() noexcept;

  std::unique_ptr<impl> impl_;
};

}  // namespace eightsync::core
