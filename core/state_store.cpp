#include "core/state_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "core/clock.hpp"
#include "core/content_hash.hpp"
#include "core/remote_user.hpp"
#include "core/sqlite_failure.hpp"
#include "core/state_error.hpp"
#include "core/state_time.hpp"
#include "core/target_account.hpp"
#include "core/unmanaged_user.hpp"

namespace eightsync::core {
namespace {

// PRAGMA application_id of every eightsync state database: "8x8s" in ASCII.
constexpr int application_id = 0x38783873;

constexpr const char* link_columns =
    "hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, remote_json, fetched_at";
constexpr const char* decision_columns = "hr_key, decision, scim_id, decided_at, decided_by";

std::string hash_text(std::uint64_t v) {
  return content_hash_text(v);
}

std::optional<std::uint64_t> parse_hash(std::string_view s) noexcept {
  return parse_content_hash_text(s);
}

// user_links.remote_hash of an object whose canonical text (remote_user::append_json) is
// `canonical`: XXH64 with seeds 0 and 1, as 32 lowercase hex digits (migrations/0005). 128 bits,
// because an equal fingerprint is taken as an unchanged object and the row is not rewritten.
std::string fingerprint(std::string_view canonical) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(xxh64(canonical, 0)),
                static_cast<unsigned long long>(xxh64(canonical, 1)));
  return std::string(buf, 32);
}

// The fingerprint of stored text `json` (any member order), or nullopt when it is not a user
// object with an id: such a row keeps a NULL remote_hash and is compared as text.
std::optional<std::string> fingerprint_of_json(std::string_view json) {
  if (json.empty()) return std::nullopt;
  auto user = remote_user::from_json(json, {});
  if (!user) return std::nullopt;
  std::string canonical;
  user->append_json(canonical);
  return fingerprint(canonical);
}

std::string migration_name(const migrations::migration& m) {
  return std::string(m.file_name);
}

// Resets a shared prepared statement when a use ends, however it ends, so that no statement
// keeps a read transaction open between calls (that would pin the WAL and block checkpoints).
class statement_use {
 public:
  explicit statement_use(SQLite::Statement& s) : s_(s) {
    s_.reset();
    s_.clearBindings();
  }
  ~statement_use() { s_.tryReset(); }
  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;
  SQLite::Statement* operator->() { return &s_; }
  SQLite::Statement& operator*() { return s_; }

 private:
  SQLite::Statement& s_;
};

void bind_text(SQLite::Statement& s, int index, std::string_view text) {
  s.bind(index, std::string(text));
}

void bind_time(SQLite::Statement& s, int index, clock::time_point t) {
  s.bind(index, format_utc_time(t));
}

}  // namespace

struct state_store::impl {
  std::filesystem::path path;
  target_account account;
  const clock* time = nullptr;
  std::shared_ptr<spdlog::logger> log;
  std::optional<SQLite::Database> db;
  int version = 0;
  // Whether user_links has remote_hash and the user_links_summary index (migrations/0005). A
  // store opened with fewer known migrations (tests: "a database made by an older binary")
  // works without them.
  bool link_summary = false;

  // Prepared once, on first use.
  std::optional<SQLite::Statement> all_links, all_links_full, link_by_key, link_by_id, remote_by_key,
      count_links, upsert_link, delete_link, set_remote, listed_scan, touch_fetched, set_hash, set_active,
      fill_remote_hash, all_decisions, decision_by_key, decision_by_id, upsert_decision, delete_decision,
      get_meta, put_meta, all_known_sites, add_known_site;

  SQLite::Statement& stmt(std::optional<SQLite::Statement>& slot, const std::string& sql) {
    if (!slot) slot.emplace(*db, sql);
    return *slot;
  }

  std::string now_text() const { return format_utc_time(time->now()); }

  [[noreturn]] void fail(std::string_view doing, const std::exception& e) const {
    // A full disk or a read-only directory is said in those words, not SQLite's.
    const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
    const std::string why =
        sqlite != nullptr ? describe_sqlite_failure(*sqlite, path, db ? db->getHandle() : nullptr) : e.what();
    throw state_error("state database " + path.string() + ": " + std::string(doing) + ": " + why);
  }

  // Runs `f`, turning SQLite's exceptions into state_error naming the file and the action.
  template <class F>
  decltype(auto) guard(std::string_view doing, F&& f) const {
    try {
      return std::forward<F>(f)();
    } catch (const SQLite::Exception& e) {
      fail(doing, e);
    }
  }

  // Stores `remote_json` ("" clears it) fetched at `fetched_at` with its fingerprint `hash`
  // (nullopt: NULL) for `hr_key`, only when the content differs: the text, and the fingerprint
  // when both are known (the same object in another member order is not rewritten, which would
  // also make the stale-hash trigger clear a correct fingerprint). Returns whether it was written.
  bool write_remote(std::string_view hr_key, std::string_view remote_json, clock::time_point fetched_at,
                    const std::optional<std::string>& hash) {
    statement_use q(link_summary
                        ? stmt(set_remote,
                               "UPDATE user_links SET remote_json = ?2, fetched_at = ?3, updated_at = ?4, "
                               "remote_hash = ?5 WHERE hr_key = ?1 AND remote_json IS NOT ?2 "
                               "AND (?5 IS NULL OR remote_hash IS NULL OR remote_hash IS NOT ?5)")
                        : stmt(set_remote,
                               "UPDATE user_links SET remote_json = ?2, fetched_at = ?3, updated_at = ?4 "
                               "WHERE hr_key = ?1 AND remote_json IS NOT ?2"));
    bind_text(*q, 1, hr_key);
    if (!remote_json.empty()) {
      bind_text(*q, 2, remote_json);
      bind_time(*q, 3, fetched_at);
      if (link_summary && hash) q->bind(5, *hash);
    }
    q->bind(4, now_text());
    return q->exec() > 0;
  }

  user_link read_link(SQLite::Statement& s, bool with_remote) const {
    user_link l;
    l.hr_key = s.getColumn(0).getString();
    l.scim_id = s.getColumn(1).getString();
    l.user_name = s.getColumn(2).getString();
    const std::string how = s.getColumn(3).getString();
    if (auto parsed = enum_from_name<managed_by>(how)) {
      l.how = *parsed;
    } else {
      throw state_error("state database " + path.string() + ": the link of HR key " + l.hr_key +
                        " has an unknown managed_by \"" + how + "\"");
    }
    if (!s.isColumnNull(4)) {
      l.applied_hash = parse_hash(s.getColumn(4).getString());
      if (!l.applied_hash) {
        throw state_error("state database " + path.string() + ": the link of HR key " + l.hr_key +
                          " has a malformed applied_hash \"" + s.getColumn(4).getString() + "\"");
      }
    }
    if (!s.isColumnNull(5)) l.applied_active = s.getColumn(5).getInt() != 0;
    if (with_remote && !s.isColumnNull(6)) {
      l.remote_json = s.getColumn(6).getString();
      l.fetched_at = parse_utc_time(s.getColumn(7).getString());
      if (!l.fetched_at) {
        throw state_error("state database " + path.string() + ": the link of HR key " + l.hr_key +
                          " has a malformed fetched_at \"" + s.getColumn(7).getString() + "\"");
      }
    }
    return l;
  }

  operator_decision read_decision(SQLite::Statement& s) const {
    operator_decision d;
    d.hr_key = s.getColumn(0).getString();
    const std::string kind = s.getColumn(1).getString();
    if (auto parsed = enum_from_name<decision_kind>(kind)) {
      d.kind = *parsed;
    } else {
      throw state_error("state database " + path.string() + ": the decision for HR key " + d.hr_key +
                        " has an unknown kind \"" + kind + "\"");
    }
    if (!s.isColumnNull(2)) d.scim_id = s.getColumn(2).getString();
    const std::string at = s.getColumn(3).getString();
    auto parsed = parse_utc_time(at);
    if (!parsed) {
      throw state_error("state database " + path.string() + ": the decision for HR key " + d.hr_key +
                        " has a malformed decided_at \"" + at + "\"");
    }
    d.decided_at = *parsed;
    d.decided_by = s.getColumn(4).getString();
    return d;
  }

  std::optional<std::string> meta(std::string_view key) {
    statement_use s(stmt(get_meta, "SELECT value FROM meta WHERE key = ?1"));
    bind_text(*s, 1, key);
    if (!s->executeStep()) return std::nullopt;
    return s->getColumn(0).getString();
  }

  void set_meta(std::string_view key, const std::string& value) {
    statement_use s(
        stmt(put_meta,
             "INSERT INTO meta (key, value) VALUES (?1, ?2) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value"));
    bind_text(*s, 1, key);
    s->bind(2, value);
    s->exec();
  }

  int pragma_int(const char* name) { return db->execAndGet(std::string("PRAGMA ") + name).getInt(); }

  // Called on a fresh connection: refuse files that are not eightsync state databases or that are
  // newer than this binary, before anything is written to them.
  void check_identity(std::span<const migrations::migration> known) {
    const int app = pragma_int("application_id");
    version = pragma_int("user_version");
    if (app != 0 && app != application_id) {
      throw state_error(path.string() + " is an SQLite database of another application (application_id " +
                        std::to_string(app) +
                        "), not an eightsync state database; point state.path at "
                        "another file");
    }
    if (version == 0) {
      const int objects = db->execAndGet("SELECT count(*) FROM sqlite_master").getInt();
      if (objects != 0) {
        throw state_error(path.string() +
                          " holds tables but no eightsync schema version, so it is not an "
                          "eightsync state database; point state.path at another file");
      }
    }
    const auto& newest = known.back();
    if (version > newest.version) {
      throw state_error(path.string() + " has schema version " + std::to_string(version) +
                        ", newer than this eightsync binary knows (version " +
                        std::to_string(newest.version) + ", " + migration_name(newest) +
                        "): a newer eightsync wrote it. Run that version or a later one, or restore a "
                        "backup made by this one; eightsync never downgrades a database.");
    }
  }

  // The account the database is bound to, or nullopt before its first binding. A database from
  // before migration 0007 stores only meta.target_url: its account is the one that URL names.
  std::optional<target_account> bound_account() {
    auto url = meta("target_url");
    if (!url) return std::nullopt;
    auto binding = meta("target_account");
    if (!binding) return account_of(*url);
    auto bound = account_from_binding(*binding, *url);
    if (!bound) {
      throw state_error(path.string() + " has an unreadable binding in meta.target_account (\"" + *binding +
                        "\"), so eightsync cannot tell which 8x8 account it belongs to; restore a backup, "
                        "or set state.path to another file");
    }
    return bound;
  }

  [[noreturn]] void refuse_account(const target_account& bound) const {
    const std::string theirs = account.customer_id ? " names " + account.describe() + " (" + account.url + ")"
                                                   : " is " + account.url;
    const std::string ours =
        bound.customer_id ? bound.describe() + " (last opened as " + bound.url + ")" : bound.describe();
    throw state_error(path.string() + " is bound to " + ours + ", but the config's target.url" + theirs +
                      ". A state database belongs to one 8x8 account, so its links never meet another. "
                      "To sync the new target, set state.path to another file; to start over for it, "
                      "move " +
                      path.string() + " (with its -wal and -shm files) away first.");
  }

  void check_binding() {
    if (auto bound = bound_account(); bound && bound->binding() != account.binding()) refuse_account(*bound);
  }

  void migrate(std::span<const migrations::migration> known) {
    for (const auto& m : known) {
      if (m.version <= version) continue;
      try {
        SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
        // Another process may have migrated while this one waited for the write lock.
        const int now_at = pragma_int("user_version");
        if (now_at < m.version) {
          db->exec(std::string(m.sql));
          SQLite::Statement rec(
              *db, "INSERT INTO schema_migrations (version, file_name, applied_at) VALUES (?1, ?2, ?3)");
          rec.bind(1, m.version);
          rec.bind(2, migration_name(m));
          rec.bind(3, now_text());
          rec.exec();
          db->exec("PRAGMA user_version = " + std::to_string(m.version));
          db->exec("PRAGMA application_id = " + std::to_string(application_id));
        }
        tx.commit();
        version = std::max(now_at, m.version);
        if (now_at < m.version) {
          log->info("state.migrate path={} version={} file={}", path.string(), m.version, m.file_name);
        }
      } catch (const SQLite::Exception& e) {
        throw state_error("state database " + path.string() + ": migration " + migration_name(m) +
                          " (version " + std::to_string(m.version) +
                          ") failed and was rolled back, leaving the database at "
                          "version " +
                          std::to_string(version) + ": " + e.what());
      }
    }
  }

  // Whether migration 0009 is in place (a store opened with fewer known migrations has no
  // unmanaged_users table: it keeps no index).
  bool has_unmanaged_users() const noexcept { return version >= 9; }

  // Whether migration 0005 is in place (a store opened with fewer known migrations has no
  // remote_hash column and works without it).
  void detect_link_summary() {
    link_summary =
        db->execAndGet("SELECT count(*) FROM pragma_table_info('user_links') WHERE name = 'remote_hash'")
            .getInt() > 0;
  }

  // options::read_only. SQLite's URI `mode=ro` shares a running writer's -wal and -shm files
  // even when they are not writable. With the writer stopped there are none, and a reader that
  // may not create them in the directory cannot open a WAL database that way: it then reads the
  // file as `immutable`, which is what a stopped writer leaves (a clean stop checkpoints the WAL
  // into the file; after a crash, the -wal's last writes are not seen, and a warning says so).
  void open_read_only(std::span<const migrations::migration> known, std::chrono::milliseconds busy) {
    std::string uri = "file:";
    for (const char c : path.string()) {
      if (c == '%' || c == '?' || c == '#') {
        static constexpr char hex[] = "0123456789ABCDEF";
        uri += '%';
        uri += hex[static_cast<unsigned char>(c) >> 4];
        uri += hex[static_cast<unsigned char>(c) & 0xF];
      } else {
        uri += c;
      }
    }
    const auto open = [&](const std::string& query) {
      db.reset();
      db.emplace(uri + query, SQLite::OPEN_READONLY | SQLite::OPEN_URI, static_cast<int>(busy.count()));
      db->execAndGet("SELECT count(*) FROM sqlite_master");  // opening is lazy: this reads
    };
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw state_error("cannot read the state database " + path.string() + ": it does not exist");
    try {
      try {
        open("?mode=ro");
      } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() != SQLITE_READONLY && e.getErrorCode() != SQLITE_CANTOPEN) throw;
        open("?mode=ro&immutable=1");
        const auto wal = std::filesystem::path(path.string() + "-wal");
        if (std::filesystem::file_size(wal, ec) > 0 && !ec) {
          log->warn(
              "state.read_immutable path={}: {} is left from a writer that did not stop cleanly; its "
              "last writes are not shown until the service or `eightsync sync` opens the database",
              path.string(), wal.string());
        }
      }
    } catch (const SQLite::Exception& e) {
      throw state_error("cannot read the state database " + path.string() + ": " + e.what() +
                        " (as a reader, you need read access to the file, and to its -wal and -shm "
                        "files while the service runs)");
    }
    guard("opening", [&] {
      check_identity(known);
      const auto& newest = known.back();
      if (version < newest.version) {
        throw state_error(path.string() + " has schema version " + std::to_string(version) +
                          "; this eightsync reads version " + std::to_string(newest.version) +
                          ". The service (or `eightsync sync`) upgrades it when it next opens it; read "
                          "it after that.");
      }
      check_binding();
      detect_link_summary();
    });
  }

  void bind_account() {
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    if (auto bound = bound_account()) {
      if (bound->binding() != account.binding()) refuse_account(*bound);
      if (!meta("target_account")) set_meta("target_account", account.binding());
      if (bound->url != account.url) record_target_change(*bound);
    } else {
      set_meta("target_url", account.url);
      set_meta("target_account", account.binding());
      if (!meta("created_at")) set_meta("created_at", now_text());
    }
    tx.commit();
  }

  // The same customer under another URL (another 8x8 host, a proxy in front): accepted, and
  // kept in target_changes so that an admin can see when and from where it moved.
  void record_target_change(const target_account& bound) {
    SQLite::Statement insert(*db,
                             "INSERT INTO target_changes (changed_at, customer_id, old_url, new_url) "
                             "VALUES (?1, ?2, ?3, ?4)");
    insert.bind(1, now_text());
    insert.bind(2, account.customer_id.value_or(""));
    insert.bind(3, bound.url);
    insert.bind(4, account.url);
    insert.exec();
    set_meta("target_url", account.url);
    log->warn(
        "state.target_moved customer={} from={} to={} (the same 8x8 account under another URL; "
        "recorded in the state database's target_changes table)",
        account.customer_id.value_or(""), bound.url, account.url);
  }
};

state_store::state_store(const std::filesystem::path& path, std::string_view target_url)
    : state_store(path, target_url, options{}) {}

state_store::state_store(const std::filesystem::path& path, std::string_view target_url, options opts)
    : impl_(std::make_unique<impl>()) {
  if (target_url.empty()) throw std::invalid_argument("state_store: empty target URL");
  auto known = opts.known_migrations.empty() ? std::span<const migrations::migration>(migrations::all())
                                             : opts.known_migrations;
  if (known.empty()) throw std::invalid_argument("state_store: no migrations");
  impl& s = *impl_;
  s.path = path;
  s.account = account_of(target_url);
  s.time = opts.time != nullptr ? opts.time : &wall_clock::instance();
  s.log = opts.logger ? std::move(opts.logger) : spdlog::default_logger();
  const bool memory = path == in_memory;
  if (opts.read_only && !memory) {
    s.open_read_only(known, opts.busy_timeout);
    return;
  }

  if (!memory) {
    // Create the file ourselves, so that it is not world-readable: it holds names and emails.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
      const int err = errno;
      if (auto why = file_environment_failure(err, path))
        throw state_error("cannot open or create the state database " + path.string() + ": " + *why);
      throw state_error("cannot open or create the state database " + path.string() + ": " +
                        std::strerror(err) +
                        " (check that state.path's directory exists and is writable by this user)");
    }
    ::close(fd);
  }
  try {
    s.db.emplace(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                 static_cast<int>(opts.busy_timeout.count()));
  } catch (const SQLite::Exception& e) {
    throw state_error("cannot open the state database " + path.string() + ": " +
                      describe_sqlite_failure(e, path));
  }
  try {
    if (!memory) {
      const std::string mode = s.db->execAndGet("PRAGMA journal_mode = WAL").getString();
      if (mode != "wal") {
        s.log->warn("state.journal_mode path={} mode={} (WAL unavailable: is it on a network file system?)",
                    path.string(), mode);
      }
    }
    s.db->exec("PRAGMA synchronous = FULL");
    s.db->exec("PRAGMA foreign_keys = ON");
  } catch (const SQLite::Exception& e) {
    // Opening in WAL mode creates the -wal and -shm files: on a full disk or in a read-only
    // directory that fails as an I/O error, which says nothing about the file itself.
    if (auto why = sqlite_environment_failure(e, path, s.db->getHandle()))
      throw state_error("cannot use " + path.string() + " as the state database: " + *why);
    throw state_error("cannot use " + path.string() + " as the state database: " + e.what() +
                      " (is it an SQLite file? point state.path at another file)");
  }
  s.guard("opening", [&] {
    s.check_identity(known);
    if (s.version >= 1) s.check_binding();
    s.migrate(known);
    s.bind_account();
    s.detect_link_summary();
  });
}

state_store::state_store(state_store&&) noexcept = default;
state_store& state_store::operator=(state_store&&) noexcept = default;
state_store::~state_store() = default;

int state_store::newest_schema_version() noexcept {
  const auto& all = migrations::all();
  return all.empty() ? 0 : all.back().version;
}

const std::filesystem::path& state_store::path() const noexcept {
  return impl_->path;
}
const std::string& state_store::target_url() const noexcept {
  return impl_->account.url;
}
const target_account& state_store::account() const noexcept {
  return impl_->account;
}
int state_store::schema_version() const noexcept {
  return impl_->version;
}
SQLite::Database& state_store::database() noexcept {
  return *impl_->db;
}

// ---- links ------------------------------------------------------------------------------------

std::vector<user_link> state_store::load_links(remote_json_loading loading) const {
  impl& s = *impl_;
  return s.guard("loading the links", [&] {
    const bool full = loading == remote_json_loading::include;
    // Without remote_json, the user_links_summary index holds every column asked for, in hr_key
    // order: SQLite scans it (about a tenth of the table's pages) and the rows come sorted.
    // Otherwise in table order, then sorted here: ORDER BY hr_key would walk the key index and
    // fetch each row at random, reading every page of the table twice.
    const bool from_index = !full && s.link_summary;
    statement_use q(
        full ? s.stmt(s.all_links_full, std::string("SELECT ") + link_columns + " FROM user_links")
             : s.stmt(s.all_links, std::string("SELECT hr_key, scim_id, user_name, managed_by, applied_hash, "
                                               "applied_active FROM user_links") +
                                       (from_index ? " ORDER BY hr_key" : "")));
    std::vector<user_link> out;
    out.reserve(static_cast<std::size_t>(s.db->execAndGet("SELECT count(*) FROM user_links").getInt64()));
    while (q->executeStep())
      out.push_back(s.read_link(*q, full));
    // Byte order, as SQLite's BINARY collation compares.
    if (!from_index) {
      std::sort(out.begin(), out.end(),
                [](const user_link& a, const user_link& b) { return a.hr_key < b.hr_key; });
    }
    return out;
  });
}

std::optional<user_link> state_store::find_link(std::string_view hr_key) const {
  impl& s = *impl_;
  return s.guard("reading a link", [&]() -> std::optional<user_link> {
    statement_use q(
        s.stmt(s.link_by_key, std::string("SELECT ") + link_columns + " FROM user_links WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    if (!q->executeStep()) return std::nullopt;
    return s.read_link(*q, true);
  });
}

std::optional<user_link> state_store::find_link_by_scim_id(std::string_view scim_id) const {
  impl& s = *impl_;
  return s.guard("reading a link", [&]() -> std::optional<user_link> {
    statement_use q(
        s.stmt(s.link_by_id, std::string("SELECT ") + link_columns + " FROM user_links WHERE scim_id = ?1"));
    bind_text(*q, 1, scim_id);
    if (!q->executeStep()) return std::nullopt;
    return s.read_link(*q, true);
  });
}

std::optional<std::string> state_store::load_remote_json(std::string_view hr_key) const {
  impl& s = *impl_;
  return s.guard("reading a remote object", [&]() -> std::optional<std::string> {
    statement_use q(s.stmt(s.remote_by_key, "SELECT remote_json FROM user_links WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    if (!q->executeStep() || q->isColumnNull(0)) return std::nullopt;
    return q->getColumn(0).getString();
  });
}

std::size_t state_store::link_count() const {
  impl& s = *impl_;
  return s.guard("counting the links", [&] {
    statement_use q(s.stmt(s.count_links, "SELECT count(*) FROM user_links"));
    q->executeStep();
    return static_cast<std::size_t>(q->getColumn(0).getInt64());
  });
}

void state_store::upsert_link(const user_link& link) {
  impl& s = *impl_;
  try {
    const std::string hash_column = s.link_summary ? ", remote_hash" : "";
    // Whether the stored object's content differs from the new one: the text, unless both
    // fingerprints are known and equal (the same object in another member order keeps its text,
    // so the stale-hash trigger does not clear a correct fingerprint).
    const std::string differs =
        s.link_summary
            ? "(remote_json IS NOT excluded.remote_json AND (remote_hash IS NULL OR excluded.remote_hash "
              "IS NULL OR remote_hash IS NOT excluded.remote_hash))"
            : "remote_json IS NOT excluded.remote_json";
    statement_use q(s.stmt(
        s.upsert_link,
        "INSERT INTO user_links (hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, "
        "remote_json, fetched_at, updated_at" +
            hash_column + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9" + (s.link_summary ? ", ?10" : "") +
            ") "
            "ON CONFLICT (hr_key) DO UPDATE SET scim_id = excluded.scim_id, user_name = excluded.user_name, "
            "managed_by = excluded.managed_by, applied_hash = excluded.applied_hash, "
            "applied_active = excluded.applied_active, remote_json = CASE WHEN " +
            differs +
            " THEN excluded.remote_json ELSE remote_json END, "
            "fetched_at = excluded.fetched_at, updated_at = excluded.updated_at" +
            (s.link_summary ? ", remote_hash = excluded.remote_hash " : " ") +
            // An identical upsert writes nothing, so a no-change cycle rewrites no rows.
            "WHERE scim_id IS NOT excluded.scim_id OR user_name IS NOT excluded.user_name "
            "OR managed_by IS NOT excluded.managed_by OR applied_hash IS NOT excluded.applied_hash "
            "OR applied_active IS NOT excluded.applied_active OR " +
            differs + (s.link_summary ? " OR remote_hash IS NOT excluded.remote_hash" : "") +
            " OR fetched_at IS NOT excluded.fetched_at"));
    q->bind(1, link.hr_key);
    q->bind(2, link.scim_id);
    q->bind(3, link.user_name);
    q->bind(4, std::string(enum_name(link.how)));
    if (link.applied_hash) q->bind(5, hash_text(*link.applied_hash));
    if (link.applied_active) q->bind(6, *link.applied_active ? 1 : 0);
    if (!link.remote_json.empty()) {
      q->bind(7, link.remote_json);
      q->bind(8, format_utc_time(link.fetched_at.value_or(s.time->now())));
      if (s.link_summary) {
        if (auto hash = fingerprint_of_json(link.remote_json)) q->bind(10, *hash);
      }
    }
    q->bind(9, s.now_text());
    q->exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      std::string holder = "another HR key";
      try {
        if (auto other = find_link_by_scim_id(link.scim_id)) holder = "HR key " + other->hr_key;
      } catch (const state_error&) {
        // Keep the generic wording; the original failure is what matters.
      }
      throw state_error("state database " + s.path.string() + ": cannot link HR key " + link.hr_key +
                        " to 8x8 user " + link.scim_id + ": that user is already linked to " + holder);
    }
    s.fail("writing the link of HR key " + link.hr_key, e);
  }
}

void state_store::upsert_links(std::span<const user_link> links) {
  in_transaction([&] {
    for (const auto& l : links)
      upsert_link(l);
  });
}

bool state_store::erase_link(std::string_view hr_key) {
  impl& s = *impl_;
  return s.guard("removing a link", [&] {
    statement_use q(s.stmt(s.delete_link, "DELETE FROM user_links WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    return q->exec() > 0;
  });
}

bool state_store::record_remote(std::string_view hr_key, std::string_view remote_json,
                                clock::time_point fetched_at) {
  impl& s = *impl_;
  return s.guard("recording a remote object", [&] {
    return s.write_remote(hr_key, remote_json, fetched_at,
                          s.link_summary ? fingerprint_of_json(remote_json) : std::nullopt);
  });
}

std::size_t state_store::record_listed_remotes(std::span<const remote_user> listed,
                                               std::vector<char>* linked) {
  impl& s = *impl_;
  if (linked != nullptr) linked->assign(listed.size(), 0);
  if (listed.empty()) return 0;
  struct changed_row {
    std::string hr_key;
    std::size_t index;  // into `listed`
  };
  std::vector<changed_row> changed;
  // Rows whose stored object has no fingerprint (written before migration 0005, or by hand):
  // compared as text after the scan.
  std::vector<changed_row> unfingerprinted;
  s.guard("comparing the listed remote objects", [&] {
    std::unordered_map<std::string_view, std::size_t> by_id;
    by_id.reserve(listed.size());
    for (std::size_t i = 0; i < listed.size(); ++i)
      by_id.emplace(listed[i].id(), i);
    std::string text;
    std::string stored_text;
    std::optional<clock::time_point> last_time;
    std::string last_time_text;
    // With migration 0005 this reads the user_links_summary index, not the table: the listed
    // object is compared with the stored one by fingerprint, so a no-change cycle reads no
    // remote_json at all (the table is about ten times the index).
    statement_use q(
        s.link_summary
            ? s.stmt(s.listed_scan, "SELECT hr_key, scim_id, fetched_at, remote_hash FROM user_links")
            : s.stmt(s.listed_scan, "SELECT hr_key, scim_id, fetched_at, remote_json FROM user_links"));
    while (q->executeStep()) {
      const auto column = [&](int i) {
        const SQLite::Column c = q->getColumn(i);
        return std::string_view(c.getText(), static_cast<std::size_t>(c.getBytes()));
      };
      const auto it = by_id.find(column(1));
      if (it == by_id.end()) continue;
      if (linked != nullptr) (*linked)[it->second] = 1;
      const remote_user& u = listed[it->second];
      // fetched_at is NULL exactly when remote_json is (a CHECK of user_links).
      if (!q->isColumnNull(2)) {
        if (last_time != u.fetched_at()) {
          last_time = u.fetched_at();
          last_time_text = format_utc_time(u.fetched_at());
        }
        // Never replace an object with an older one (same-format UTC text sorts by time).
        if (column(2) > std::string_view(last_time_text)) continue;
        text.clear();
        u.append_json(text);
        if (s.link_summary) {
          if (q->isColumnNull(3)) {
            unfingerprinted.push_back({std::string(column(0)), it->second});
            continue;
          }
          // The fingerprint is of the stored object in canonical member order, so this is the
          // content comparison below, without reading the object.
          if (column(3) == fingerprint(text)) continue;
        } else {
          const std::string_view stored = column(3);
          if (stored == text) continue;
          // The same content in another member order (an answer stored as 8x8 sent it): unchanged.
          if (auto parsed = remote_user::from_json(stored, u.fetched_at())) {
            stored_text.clear();
            parsed->append_json(stored_text);
            if (stored_text == text) continue;
          }
        }
      }
      changed.push_back({std::string(column(0)), it->second});
    }
  });
  std::string text;
  if (!unfingerprinted.empty()) {
    s.guard("comparing the listed remote objects", [&] {
      std::string stored_text;
      for (auto& c : unfingerprinted) {
        const remote_user& u = listed[c.index];
        text.clear();
        u.append_json(text);
        const auto stored = load_remote_json(c.hr_key);
        bool same = stored && *stored == text;
        std::optional<std::string> hash;
        if (stored) {
          if (auto parsed = remote_user::from_json(*stored, u.fetched_at())) {
            stored_text.clear();
            parsed->append_json(stored_text);
            same = same || stored_text == text;
            hash = fingerprint(stored_text);
          }
        }
        if (!same) {
          changed.push_back(std::move(c));
        } else if (hash) {
          // Fill the fingerprint in, so the next cycle compares without reading the object.
          // remote_json and updated_at stay as they are: the row's content is unchanged.
          statement_use q(
              s.stmt(s.fill_remote_hash,
                     "UPDATE user_links SET remote_hash = ?2 WHERE hr_key = ?1 AND remote_hash IS NULL"));
          bind_text(*q, 1, c.hr_key);
          q->bind(2, *hash);
          q->exec();
        }
      }
    });
  }
  std::size_t rewritten = 0;
  for (const auto& c : changed) {
    text.clear();
    listed[c.index].append_json(text);
    const auto written = s.guard("recording a remote object", [&] {
      // `text` is canonical already: its fingerprint needs no parse.
      return s.write_remote(c.hr_key, text, listed[c.index].fetched_at(),
                            s.link_summary ? std::optional<std::string>(fingerprint(text)) : std::nullopt);
    });
    if (written) ++rewritten;
  }
  return rewritten;
}

bool state_store::touch_fetched_at(std::string_view hr_key, clock::time_point fetched_at) {
  impl& s = *impl_;
  return s.guard("recording a fetch time", [&] {
    statement_use q(s.stmt(s.touch_fetched,
                           "UPDATE user_links SET fetched_at = ?2, updated_at = ?3 "
                           "WHERE hr_key = ?1 AND remote_json IS NOT NULL"));
    bind_text(*q, 1, hr_key);
    bind_time(*q, 2, fetched_at);
    q->bind(3, s.now_text());
    return q->exec() > 0;
  });
}

bool state_store::record_applied_hash(std::string_view hr_key, std::uint64_t hash) {
  impl& s = *impl_;
  return s.guard("recording an applied hash", [&] {
    statement_use q(
        s.stmt(s.set_hash, "UPDATE user_links SET applied_hash = ?2, updated_at = ?3 WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    q->bind(2, hash_text(hash));
    q->bind(3, s.now_text());
    return q->exec() > 0;
  });
}

bool state_store::record_applied_active(std::string_view hr_key, bool active) {
  impl& s = *impl_;
  return s.guard("recording an applied active", [&] {
    statement_use q(
        s.stmt(s.set_active, "UPDATE user_links SET applied_active = ?2, updated_at = ?3 WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    q->bind(2, active ? 1 : 0);
    q->bind(3, s.now_text());
    return q->exec() > 0;
  });
}

// ---- operator decisions -----------------------------------------------------------------------

std::vector<operator_decision> state_store::load_decisions() const {
  impl& s = *impl_;
  return s.guard("loading the operator decisions", [&] {
    statement_use q(s.stmt(s.all_decisions, std::string("SELECT ") + decision_columns +
                                                " FROM operator_decisions ORDER BY hr_key"));
    std::vector<operator_decision> out;
    while (q->executeStep())
      out.push_back(s.read_decision(*q));
    return out;
  });
}

std::optional<operator_decision> state_store::find_decision(std::string_view hr_key) const {
  impl& s = *impl_;
  return s.guard("reading an operator decision", [&]() -> std::optional<operator_decision> {
    statement_use q(s.stmt(s.decision_by_key, std::string("SELECT ") + decision_columns +
                                                  " FROM operator_decisions WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    if (!q->executeStep()) return std::nullopt;
    return s.read_decision(*q);
  });
}

std::optional<operator_decision> state_store::find_decision_by_scim_id(std::string_view scim_id) const {
  impl& s = *impl_;
  return s.guard("reading an operator decision", [&]() -> std::optional<operator_decision> {
    statement_use q(s.stmt(s.decision_by_id, std::string("SELECT ") + decision_columns +
                                                 " FROM operator_decisions WHERE scim_id = ?1"));
    bind_text(*q, 1, scim_id);
    if (!q->executeStep()) return std::nullopt;
    return s.read_decision(*q);
  });
}

void state_store::put_decision(const operator_decision& d) {
  impl& s = *impl_;
  const std::string where = "state database " + s.path.string() + ": cannot record the decision for HR key " +
                            (d.hr_key.empty() ? std::string("\"\"") : d.hr_key);
  if (d.hr_key.empty()) throw state_error(where + ": the HR key is empty");
  if (d.kind == decision_kind::link && d.scim_id.empty())
    throw state_error(where + ": a link needs an 8x8 id");
  try {
    statement_use q(
        s.stmt(s.upsert_decision,
               "INSERT INTO operator_decisions (hr_key, decision, scim_id, decided_at, decided_by) "
               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hr_key) DO UPDATE SET "
               "decision = excluded.decision, scim_id = excluded.scim_id, "
               "decided_at = excluded.decided_at, decided_by = excluded.decided_by"));
    q->bind(1, d.hr_key);
    q->bind(2, std::string(enum_name(d.kind)));
    if (d.kind == decision_kind::link) q->bind(3, d.scim_id);
    bind_time(*q, 4, d.decided_at);
    q->bind(5, d.decided_by);
    q->exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      throw state_error(where + ": 8x8 user " + d.scim_id + " is already chosen for another HR key");
    }
    s.fail("recording the decision for HR key " + d.hr_key, e);
  }
}

bool state_store::erase_decision(std::string_view hr_key) {
  impl& s = *impl_;
  return s.guard("removing an operator decision", [&] {
    statement_use q(s.stmt(s.delete_decision, "DELETE FROM operator_decisions WHERE hr_key = ?1"));
    bind_text(*q, 1, hr_key);
    return q->exec() > 0;
  });
}

// ---- cycle facts --------------------------------------------------------------------------------

std::optional<last_good_cycle> state_store::read_last_good_cycle() const {
  impl& s = *impl_;
  return s.guard("reading the last good cycle", [&]() -> std::optional<last_good_cycle> {
    auto rows = s.meta("last_good_cycle.source_rows");
    auto managed = s.meta("last_good_cycle.managed_users");
    auto at = s.meta("last_good_cycle.completed_at");
    if (!rows || !managed || !at) return std::nullopt;
    last_good_cycle f;
    auto parse_count = [&](const std::string& text, std::uint64_t& out, const char* key) {
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (ec != std::errc{} || end != text.data() + text.size()) {
        throw state_error("state database " + s.path.string() + ": meta " + key + " is not a count: \"" +
                          text + "\"");
      }
    };
    parse_count(*rows, f.source_rows, "last_good_cycle.source_rows");
    parse_count(*managed, f.managed_users, "last_good_cycle.managed_users");
    auto when = parse_utc_time(*at);
    if (!when) {
      throw state_error("state database " + s.path.string() +
                        ": meta last_good_cycle.completed_at is not a time: \"" + *at + "\"");
    }
    f.completed_at = *when;
    return f;
  });
}

void state_store::record_good_cycle(const last_good_cycle& facts) {
  impl& s = *impl_;
  s.guard("recording the last good cycle", [&] {
    in_transaction([&] {
      s.set_meta("last_good_cycle.source_rows", std::to_string(facts.source_rows));
      s.set_meta("last_good_cycle.managed_users", std::to_string(facts.managed_users));
      s.set_meta("last_good_cycle.completed_at", format_utc_time(facts.completed_at));
    });
  });
}

std::optional<clock::time_point> state_store::last_full_listing() const {
  impl& s = *impl_;
  return s.guard("reading the last full listing time", [&]() -> std::optional<clock::time_point> {
    auto at = s.meta("last_full_listing_at");
    if (!at) return std::nullopt;
    auto when = parse_utc_time(*at);
    if (!when) {
      throw state_error("state database " + s.path.string() +
                        ": meta last_full_listing_at is not a time: \"" + *at + "\"");
    }
    return when;
  });
}

void state_store::record_full_listing(clock::time_point at, std::optional<std::size_t> users) {
  impl& s = *impl_;
  s.guard("recording the last full listing time", [&] {
    s.set_meta("last_full_listing_at", format_utc_time(at));
    if (users) s.set_meta("last_full_listing_users", std::to_string(*users));
  });
}

std::optional<std::size_t> state_store::last_full_listing_users() const {
  impl& s = *impl_;
  return s.guard("reading the last full listing's size", [&]() -> std::optional<std::size_t> {
    auto text = s.meta("last_full_listing_users");
    if (!text) return std::nullopt;
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc{} || end != text->data() + text->size()) {
      throw state_error("state database " + s.path.string() +
                        ": meta last_full_listing_users is not a count: \"" + *text + "\"");
    }
    return n;
  });
}

std::size_t state_store::record_unmanaged_users(std::span<const remote_user> listed,
                                                std::span<const char> linked, clock::time_point listed_at) {
  impl& s = *impl_;
  if (!s.has_unmanaged_users()) return 0;
  return s.guard("recording the unmanaged 8x8 users", [&] {
    return in_transaction([&] {
      s.db->exec("DELETE FROM unmanaged_users");
      SQLite::Statement put(
          *s.db,
          "INSERT INTO unmanaged_users (scim_id, user_name, external_id, email, given_name, "
          "family_name, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT (scim_id) DO UPDATE SET user_name = excluded.user_name, "
          "external_id = excluded.external_id, email = excluded.email, "
          "given_name = excluded.given_name, family_name = excluded.family_name, "
          "active = excluded.active");
      for (std::size_t i = 0; i < listed.size(); ++i) {
        // Linked users are most of a listing: skipping them spares writing (and journaling)
        // rows only to delete them again.
        if (i < linked.size() && linked[i]) continue;
        const unmanaged_user u = unmanaged_user::from_remote(listed[i]);
        put.reset();
        bind_text(put, 1, u.scim_id());
        bind_text(put, 2, u.user_name());
        bind_text(put, 3, u.external_id());
        bind_text(put, 4, u.email());
        bind_text(put, 5, u.given_name());
        bind_text(put, 6, u.family_name());
        put.bind(7, u.active() ? 1 : 0);
        put.exec();
      }
      s.set_meta("unmanaged_users.listed_at", format_utc_time(listed_at));
      return static_cast<std::size_t>(s.db->execAndGet("SELECT count(*) FROM unmanaged_users").getInt64());
    });
  });
}

std::vector<unmanaged_user> state_store::load_unmanaged_users() const {
  impl& s = *impl_;
  std::vector<unmanaged_user> out;
  if (!s.has_unmanaged_users()) return out;
  s.guard("reading the unmanaged 8x8 users", [&] {
    SQLite::Statement q(*s.db,
                        "SELECT scim_id, user_name, external_id, email, given_name, family_name, active "
                        "FROM unmanaged_users ORDER BY scim_id");
    const auto text = [&](int i) {
      const SQLite::Column c = q.getColumn(i);
      return std::string_view(c.getText(), static_cast<std::size_t>(c.getBytes()));
    };
    while (q.executeStep())
      out.emplace_back(text(0), text(1), text(2), text(3), text(4), text(5), q.getColumn(6).getInt() != 0);
  });
  return out;
}

std::optional<clock::time_point> state_store::unmanaged_users_listed_at() const {
  impl& s = *impl_;
  return s.guard("reading when the unmanaged 8x8 users were listed",
                 [&]() -> std::optional<clock::time_point> {
                   auto at = s.meta("unmanaged_users.listed_at");
                   if (!at) return std::nullopt;
                   auto when = parse_utc_time(*at);
                   if (!when) {
                     throw state_error("state database " + s.path.string() +
                                       ": meta unmanaged_users.listed_at is not a time: \"" + *at + "\"");
                   }
                   return when;
                 });
}

std::optional<std::string> state_store::site_schema() const {
  impl& s = *impl_;
  return s.guard("reading the site extension URN", [&] { return s.meta("site_schema"); });
}

void state_store::record_site_schema(std::string_view urn) {
  impl& s = *impl_;
  s.guard("recording the site extension URN", [&] { s.set_meta("site_schema", std::string(urn)); });
}

std::optional<std::string> state_store::next_lifecycle_event() const {
  impl& s = *impl_;
  return s.guard("reading the next lifecycle event", [&] { return s.meta("next_lifecycle_event"); });
}

void state_store::record_next_lifecycle_event(std::string_view event) {
  impl& s = *impl_;
  s.guard("recording the next lifecycle event",
          [&] { s.set_meta("next_lifecycle_event", std::string(event)); });
}

std::vector<std::string> state_store::known_sites() const {
  impl& s = *impl_;
  return s.guard("reading the known sites", [&] {
    std::vector<std::string> out;
    statement_use q(s.stmt(s.all_known_sites, "SELECT site FROM known_sites ORDER BY site"));
    while (q->executeStep())
      out.push_back(q->getColumn(0).getString());
    return out;
  });
}

std::size_t state_store::record_known_sites(std::span<const std::string> sites) {
  impl& s = *impl_;
  if (sites.empty()) return 0;
  return s.guard("recording the known sites", [&] {
    std::size_t added = 0;
    in_transaction([&] {
      const std::string now = s.now_text();
      for (const auto& site : sites) {
        statement_use q(s.stmt(s.add_known_site,
                               "INSERT INTO known_sites (site, first_seen_at) VALUES (?1, ?2) "
                               "ON CONFLICT (site) DO NOTHING"));
        bind_text(*q, 1, site);
        bind_text(*q, 2, now);
        added += static_cast<std::size_t>(q->exec());
      }
    });
    return added;
  });
}

// ---- transactions -------------------------------------------------------------------------------

bool state_store::begin_if_outermost() {
  impl& s = *impl_;
  if (sqlite3_get_autocommit(s.db->getHandle()) == 0) return false;
  s.guard("beginning a transaction", [&] { s.db->exec("BEGIN IMMEDIATE"); });
  return true;
}

void state_store::commit() {
  impl& s = *impl_;
  s.guard("committing", [&] { s.db->exec("COMMIT"); });
}

void state_store::rollback() noexcept {
  if (sqlite3_get_autocommit(impl_->db->getHandle()) == 0) impl_->db->tryExec("ROLLBACK");
}

}  // namespace eightsync::core
