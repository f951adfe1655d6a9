#include "core/state_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "core/remote_user.hpp"
#include "core/state_error.hpp"
#include "core/state_time.hpp"
#include "core/wall_clock.hpp"

namespace eightsync::core {
namespace {

// PRAGMA application_id of every eightsync state database: "8x8s" in ASCII.
constexpr int application_id = 0x38783873;

constexpr const char* link_columns =
    "hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, remote_json, fetched_at";
constexpr const char* decision_columns = "hr_key, decision, scim_id, decided_at, decided_by";

std::string hash_text(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<std::uint64_t> parse_hash(std::string_view s) noexcept {
  std::uint64_t v = 0;
  if (s.size() != 16) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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
  std::string target_url;
  const clock* time = nullptr;
  std::shared_ptr<spdlog::logger> log;
  std::optional<SQLite::Database> db;
  int version = 0;

  // Prepared once, on first use.
  std::optional<SQLite::Statement> all_links, all_links_full, link_by_key, link_by_id, remote_by_key,
      count_links, upsert_link, delete_link, set_remote, listed_scan, touch_fetched, set_hash, set_active,
      all_decisions, decision_by_key, decision_by_id, upsert_decision, delete_decision, get_meta, put_meta;

  SQLite::Statement& stmt(std::optional<SQLite::Statement>& slot, const std::string& sql) {
    if (!slot) slot.emplace(*db, sql);
    return *slot;
  }

  std::string now_text() const { return format_utc_time(time->now()); }

  [[noreturn]] void fail(std::string_view doing, const std::exception& e) const {
    throw state_error("state database " + path.string() + ": " + std::string(doing) + ": " + e.what());
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

  user_link read_link(SQLite::Statement& s, bool with_remote) const {
    user_link l;
    l.hr_key = s.getColumn(0).getString();
    l.scim_id = s.getColumn(1).getString();
    l.user_name = s.getColumn(2).getString();
    const std::string how = s.getColumn(3).getString();
    if (how == "created") {
      l.how = managed_by::created;
    } else if (how == "matched") {
      l.how = managed_by::matched;
    } else if (how == "linked") {
      l.how = managed_by::linked;
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
    if (kind == "link") {
      d.kind = decision_kind::link;
    } else if (kind == "create_new") {
      d.kind = decision_kind::create_new;
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

  [[noreturn]] void refuse_url(const std::string& bound) const {
    throw state_error(path.string() + " is bound to target " + bound + ", but the config's target.url is " +
                      target_url +
                      ". A state database belongs to one 8x8 account, so its links never meet another. "
                      "To sync the new target, set state.path to another file; to start over for it, "
                      "move " +
                      path.string() + " (with its -wal and -shm files) away first.");
  }

  void check_binding() {
    if (auto bound = meta("target_url"); bound && *bound != target_url) refuse_url(*bound);
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

  void bind_url() {
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    if (auto bound = meta("target_url")) {
      if (*bound != target_url) refuse_url(*bound);
    } else {
      set_meta("target_url", target_url);
      if (!meta("created_at")) set_meta("created_at", now_text());
    }
    tx.commit();
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
  s.target_url = normalize_url(target_url);
  s.time = opts.time != nullptr ? opts.time : &wall_clock::instance();
  s.log = opts.logger ? std::move(opts.logger) : spdlog::default_logger();
  const bool memory = path == in_memory;

  if (!memory) {
    // Create the file ourselves, so that it is not world-readable: it holds names and emails.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
      const int err = errno;
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
    throw state_error("cannot open the state database " + path.string() + ": " + e.what());
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
    throw state_error("cannot use " + path.string() + " as the state database: " + e.what() +
                      " (is it an SQLite file? point state.path at another file)");
  }
  s.guard("opening", [&] {
    s.check_identity(known);
    if (s.version >= 1) s.check_binding();
    s.migrate(known);
    s.bind_url();
  });
}

state_store::state_store(state_store&&) noexcept = default;
state_store& state_store::operator=(state_store&&) noexcept = default;
state_store::~state_store() = default;

std::string state_store::normalize_url(std::string_view url) {
  while (!url.empty() && url.back() == '/')
    url.remove_suffix(1);
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::string(url);
  const auto host_start = sep + 3;
  auto host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  // Keep any userinfo as written; only the scheme and the host[:port] are case-insensitive.
  auto at = url.substr(host_start, host_end - host_start).rfind('@');
  const auto lower_from = at == std::string_view::npos ? host_start : host_start + at + 1;
  return lower_ascii(url.substr(0, sep)) + std::string(url.substr(sep, lower_from - sep)) +
         lower_ascii(url.substr(lower_from, host_end - lower_from)) + std::string(url.substr(host_end));
}

int state_store::newest_schema_version() noexcept {
  const auto& all = migrations::all();
  return all.empty() ? 0 : all.back().version;
}

const std::filesystem::path& state_store::path() const noexcept {
  return impl_->path;
}
const std::string& state_store::target_url() const noexcept {
  return impl_->target_url;
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
    // In table order, then sorted here: ORDER BY hr_key walks the key index and fetches each
    // row at random, reading every page of the table (remote_json fills most of it) twice.
    statement_use q(full
                        ? s.stmt(s.all_links_full, std::string("SELECT ") + link_columns + " FROM user_links")
                        : s.stmt(s.all_links,
                                 "SELECT hr_key, scim_id, user_name, managed_by, applied_hash, "
                                 "applied_active FROM user_links"));
    std::vector<user_link> out;
    out.reserve(static_cast<std::size_t>(s.db->execAndGet("SELECT count(*) FROM user_links").getInt64()));
    while (q->executeStep())
      out.push_back(s.read_link(*q, full));
    // Byte order, as SQLite's BINARY collation compares.
    std::sort(out.begin(), out.end(),
              [](const user_link& a, const user_link& b) { return a.hr_key < b.hr_key; });
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
    statement_use q(s.stmt(
        s.upsert_link,
        "INSERT INTO user_links (hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, "
        "remote_json, fetched_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT (hr_key) DO UPDATE SET scim_id = excluded.scim_id, user_name = excluded.user_name, "
        "managed_by = excluded.managed_by, applied_hash = excluded.applied_hash, "
        "applied_active = excluded.applied_active, remote_json = excluded.remote_json, "
        "fetched_at = excluded.fetched_at, updated_at = excluded.updated_at "
        // An identical upsert writes nothing, so a no-change cycle rewrites no rows.
        "WHERE scim_id IS NOT excluded.scim_id OR user_name IS NOT excluded.user_name "
        "OR managed_by IS NOT excluded.managed_by OR applied_hash IS NOT excluded.applied_hash "
        "OR applied_active IS NOT excluded.applied_active OR remote_json IS NOT excluded.remote_json "
        "OR fetched_at IS NOT excluded.fetched_at"));
    q->bind(1, link.hr_key);
    q->bind(2, link.scim_id);
    q->bind(3, link.user_name);
    q->bind(4, std::string(managed_by_name(link.how)));
    if (link.applied_hash) q->bind(5, hash_text(*link.applied_hash));
    if (link.applied_active) q->bind(6, *link.applied_active ? 1 : 0);
    if (!link.remote_json.empty()) {
      q->bind(7, link.remote_json);
      q->bind(8, format_utc_time(link.fetched_at.value_or(s.time->now())));
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
    statement_use q(s.stmt(s.set_remote,
                           "UPDATE user_links SET remote_json = ?2, fetched_at = ?3, updated_at = ?4 "
                           "WHERE hr_key = ?1 AND remote_json IS NOT ?2"));
    bind_text(*q, 1, hr_key);
    if (!remote_json.empty()) {
      bind_text(*q, 2, remote_json);
      bind_time(*q, 3, fetched_at);
    }
    q->bind(4, s.now_text());
    return q->exec() > 0;
  });
}

std::size_t state_store::record_listed_remotes(std::span<const remote_user> listed) {
  impl& s = *impl_;
  if (listed.empty()) return 0;
  struct changed_row {
    std::string hr_key;
    std::size_t index;  // into `listed`
  };
  std::vector<changed_row> changed;
  s.guard("comparing the listed remote objects", [&] {
    std::unordered_map<std::string_view, std::size_t> by_id;
    by_id.reserve(listed.size());
    for (std::size_t i = 0; i < listed.size(); ++i)
      by_id.emplace(listed[i].id(), i);
    std::string text;
    std::string stored_text;
    std::optional<clock::time_point> last_time;
    std::string last_time_text;
    statement_use q(s.stmt(s.listed_scan, "SELECT hr_key, scim_id, remote_json, fetched_at FROM user_links"));
    while (q->executeStep()) {
      const auto column = [&](int i) {
        const SQLite::Column c = q->getColumn(i);
        return std::string_view(c.getText(), static_cast<std::size_t>(c.getBytes()));
      };
      const auto it = by_id.find(column(1));
      if (it == by_id.end()) continue;
      const remote_user& u = listed[it->second];
      if (!q->isColumnNull(2)) {
        if (last_time != u.fetched_at()) {
          last_time = u.fetched_at();
          last_time_text = format_utc_time(u.fetched_at());
        }
        // Never replace an object with an older one (same-format UTC text sorts by time).
        if (!q->isColumnNull(3) && column(3) > std::string_view(last_time_text)) continue;
        text.clear();
        u.append_json(text);
        const std::string_view stored = column(2);
        if (stored == text) continue;
        // The same content in another member order (an answer stored as 8x8 sent it): unchanged.
        if (auto parsed = remote_user::from_json(stored, u.fetched_at())) {
          stored_text.clear();
          parsed->append_json(stored_text);
          if (stored_text == text) continue;
        }
      }
      changed.push_back({std::string(column(0)), it->second});
    }
  });
  std::size_t rewritten = 0;
  std::string text;
  for (const auto& c : changed) {
    text.clear();
    listed[c.index].append_json(text);
    if (record_remote(c.hr_key, text, listed[c.index].fetched_at())) ++rewritten;
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
    q->bind(2, std::string(decision_kind_name(d.kind)));
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

std::optional<good_cycle_facts> state_store::last_good_cycle() const {
  impl& s = *impl_;
  return s.guard("reading the last good cycle", [&]() -> std::optional<good_cycle_facts> {
    auto rows = s.meta("last_good_cycle.source_rows");
    auto managed = s.meta("last_good_cycle.managed_users");
    auto at = s.meta("last_good_cycle.completed_at");
    if (!rows || !managed || !at) return std::nullopt;
    good_cycle_facts f;
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

void state_store::record_good_cycle(const good_cycle_facts& facts) {
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

void state_store::record_full_listing(clock::time_point at) {
  impl& s = *impl_;
  s.guard("recording the last full listing time",
          [&] { s.set_meta("last_full_listing_at", format_utc_time(at)); });
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
