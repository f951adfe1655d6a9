// state_store: migrations are replayed on a fresh database, upgrade an older one, and refuse a
// newer one; the connection pragmas are what the design asks for.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "migrations/embedded_migrations.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::temp_dir;
using testing::test_url;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const state_error& e) {
    return e.what();
  }
  return "(no state_error thrown)";
}

std::vector<std::string> table_names(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::vector<std::string> out;
  while (q.executeStep())
    out.push_back(q.getColumn(0).getString());
  return out;
}

// "1,2,…,N": every migration this binary knows, as schema_migrations lists them.
std::string all_versions() {
  std::string v;
  for (const auto& m : migrations::all())
    v += (v.empty() ? "" : ",") + std::to_string(m.version);
  return v;
}

TEST(state_store_migrations, fresh_database_replays_every_migration) {
  const auto& all = migrations::all();
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(all.front().file_name, "0001_initial.sql");
  EXPECT_EQ(all[1].file_name, "0002_operator_decisions.sql");
  EXPECT_EQ(all[2].file_name, "0003_audit.sql");

  state_store store(state_store::in_memory, test_url);
  EXPECT_EQ(store.schema_version(), all.back().version);
  EXPECT_EQ(store.schema_version(), state_store::newest_schema_version());

  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), all.back().version);
  EXPECT_EQ(db.execAndGet("PRAGMA application_id").getInt(), 0x38783873);
  SQLite::Statement q(db, "SELECT version, file_name, applied_at FROM schema_migrations ORDER BY version");
  for (const auto& m : all) {
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getInt(), m.version);
    EXPECT_EQ(q.getColumn(1).getString(), m.file_name);
    EXPECT_FALSE(q.getColumn(2).getString().empty());
  }
  EXPECT_FALSE(q.executeStep());
  EXPECT_EQ(table_names(db), (std::vector<std::string>{
                                 "approvals", "cycles", "held_operations", "known_sites", "manual_actions",
                                 "meta", "operations", "operator_decisions", "quarantined_rows",
                                 "rate_limit_slots", "schema_migrations", "sqlite_sequence", "target_changes",
                                 "unmanaged_users", "upcoming_approvals", "user_backoff", "user_links"}));
}

TEST(state_store_migrations, empty_database_is_a_normal_state) {
  state_store store(state_store::in_memory, test_url);
  EXPECT_TRUE(store.load_links().empty());
  EXPECT_EQ(store.link_count(), 0u);
  EXPECT_TRUE(store.load_decisions().empty());
  EXPECT_FALSE(store.read_last_good_cycle().has_value());
  EXPECT_FALSE(store.last_full_listing().has_value());
  EXPECT_FALSE(store.find_link("00123").has_value());
}

TEST(state_store_migrations, reopening_applies_nothing_again) {
  temp_dir dir;
  const auto file = dir / "state.db";
  std::string first_applied;
  {
    state_store store(file, test_url);
    first_applied =
        store.database().execAndGet("SELECT applied_at FROM schema_migrations WHERE version = 1").getString();
  }
  state_store again(file, test_url);
  EXPECT_EQ(again.schema_version(), state_store::newest_schema_version());
  auto& db = again.database();
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM schema_migrations").getInt(),
            static_cast<int>(migrations::all().size()));
  EXPECT_EQ(db.execAndGet("SELECT applied_at FROM schema_migrations WHERE version = 1").getString(),
            first_applied);
}

TEST(state_store_migrations, upgrade_from_a_database_made_by_the_first_migration_keeps_its_data) {
  temp_dir dir;
  const auto file = dir / "state.db";
  const auto& all = migrations::all();
  user_link link{"00123",
                 "8x8-id-1",
                 "ada@example.com",
                 managed_by::matched,
                 0xFEDCBA9876543210ULL,
                 true,
                 R"({"id":"8x8-id-1"})",
                 clock::time_point{std::chrono::milliseconds{1'714'566'896'789}}};
  {
    // What an eightsync binary that only knew 0001 left behind.
    state_store::options old;
    old.known_migrations = std::span(all).first(1);
    state_store store(file, test_url, old);
    EXPECT_EQ(store.schema_version(), 1);
    EXPECT_FALSE(store.database().tableExists("operator_decisions"));
    store.upsert_link(link);
    store.record_good_cycle({250, 240, clock::time_point{std::chrono::seconds{1'714'566'000}}});
  }
  state_store store(file, test_url);
  EXPECT_EQ(store.schema_version(), all.back().version);
  EXPECT_EQ(store.find_link("00123"), link);
  ASSERT_TRUE(store.read_last_good_cycle().has_value());
  EXPECT_EQ(store.read_last_good_cycle()->source_rows, 250u);
  EXPECT_EQ(store.target_url(), test_url);
  // The new table from 0002 works.
  store.put_decision({"00456", decision_kind::create_new, "", clock::time_point{}, "alice"});
  EXPECT_EQ(store.load_decisions().size(), 1u);
  EXPECT_EQ(store.database().execAndGet("SELECT group_concat(version) FROM schema_migrations").getString(),
            all_versions());
}

TEST(state_store_migrations, upgrade_from_the_raw_sql_of_the_first_migration) {
  temp_dir dir;
  const auto file = dir / "state.db";
  {
    SQLite::Database raw(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(std::string(migrations::all().front().sql));
    raw.exec("PRAGMA user_version = 1");
    raw.exec("INSERT INTO meta (key, value) VALUES ('target_url', '" + std::string(test_url) + "')");
    raw.exec(
        "INSERT INTO user_links (hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, "
        "updated_at) "
        "VALUES ('00777', 'id-777', 'bob@example.com', 'created', '8000000000000001', 0, "
        "'2024-05-01T00:00:00.000Z')");
  }
  state_store store(file, test_url);
  EXPECT_EQ(store.schema_version(), state_store::newest_schema_version());
  auto l = store.find_link("00777");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->scim_id, "id-777");
  EXPECT_EQ(l->how, managed_by::created);
  EXPECT_EQ(l->applied_hash, 0x8000000000000001ULL);
  EXPECT_EQ(l->applied_active, false);
  EXPECT_TRUE(l->remote_json.empty());
}

TEST(state_store_migrations, a_newer_database_is_refused_and_left_untouched) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  {
    SQLite::Database raw(file, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  const auto& newest = migrations::all().back();
  EXPECT_EQ(message_of([&] { state_store store(file, test_url); }),
            file.string() + " has schema version 99, newer than this eightsync binary knows (version " +
                std::to_string(newest.version) + ", " + std::string(newest.file_name) +
                "): a newer eightsync wrote it. Run that version or a later one, or "
                "restore a backup made by this one; eightsync never downgrades a database.");
  SQLite::Database raw(file, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 99);
}

TEST(state_store_migrations, an_older_binary_refuses_a_database_a_newer_one_migrated) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  state_store::options old;
  old.known_migrations = std::span(migrations::all()).first(1);
  const auto msg = message_of([&] { state_store store(file, test_url, old); });
  EXPECT_NE(msg.find("has schema version " + std::to_string(state_store::newest_schema_version()) +
                     ", newer than this eightsync binary knows (version 1, 0001_initial.sql)"),
            std::string::npos)
      << msg;
}

TEST(state_store_migrations, a_failing_migration_is_rolled_back_and_named) {
  temp_dir dir;
  const auto file = dir / "state.db";
  const std::vector<migrations::migration> known{
      migrations::all().front(),
      {2, "0002_broken.sql", "CREATE TABLE half_done (a INTEGER); INSERT INTO no_such_table VALUES (1);"}};
  state_store::options opts;
  opts.known_migrations = known;
  const auto msg = message_of([&] { state_store store(file, test_url, opts); });
  EXPECT_EQ(msg.rfind("state database " + file.string() +
                          ": migration 0002_broken.sql (version 2) failed and was rolled back, leaving "
                          "the database at version 1: no such table: no_such_table",
                      0),
            0u)
      << msg;
  SQLite::Database raw(file, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 1);
  EXPECT_FALSE(raw.tableExists("half_done"));
}

TEST(state_store_migrations, another_applications_database_is_refused) {
  temp_dir dir;
  const auto file = dir / "other.db";
  {
    SQLite::Database raw(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE customers (id INTEGER)");
  }
  EXPECT_EQ(message_of([&] { state_store store(file, test_url); }),
            file.string() +
                " holds tables but no eightsync schema version, so it is not an eightsync state database; "
                "point state.path at another file");
}

TEST(state_store_migrations, a_file_that_is_not_sqlite_is_refused_naming_it) {
  temp_dir dir;
  const auto file = dir / "notes.txt";
  std::ofstream(file) << "this is not a database, it is a text file with enough bytes in it to be noticed\n";
  const auto msg = message_of([&] { state_store store(file, test_url); });
  EXPECT_EQ(msg.rfind("cannot use " + file.string() + " as the state database: file is not a database", 0),
            0u)
      << msg;
}

TEST(state_store_migrations, a_missing_directory_is_reported_with_the_path) {
  temp_dir dir;
  const auto file = dir / "no-such-dir" / "state.db";
  EXPECT_EQ(
      message_of([&] { state_store store(file, test_url); }),
      "cannot open or create the state database " + file.string() +
          ": No such file or directory (check that state.path's directory exists and is writable by this "
          "user)");
}

TEST(state_store_migrations, pragmas_on_a_file_database) {
  temp_dir dir;
  const auto file = dir / "state.db";
  state_store store(file, test_url);
  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db.execAndGet("PRAGMA foreign_keys").getInt(), 1);
  EXPECT_EQ(db.execAndGet("PRAGMA synchronous").getInt(), 2);  // FULL
  EXPECT_EQ(db.execAndGet("PRAGMA busy_timeout").getInt(), 5000);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0007, 0u) << "the state database holds names and emails: not world-readable";
}

TEST(state_store_migrations, pragmas_in_memory) {
  state_store::options opts;
  opts.busy_timeout = std::chrono::milliseconds{1234};
  state_store store(state_store::in_memory, test_url, opts);
  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "memory");
  EXPECT_EQ(db.execAndGet("PRAGMA foreign_keys").getInt(), 1);
  EXPECT_EQ(db.execAndGet("PRAGMA synchronous").getInt(), 2);
  EXPECT_EQ(db.execAndGet("PRAGMA busy_timeout").getInt(), 1234);
}

state_store::options read_only() {
  state_store::options o;
  o.read_only = true;
  return o;
}

TEST(state_store_read_only, reads_what_a_writer_left_and_writes_nothing) {
  temp_dir dir;
  const auto file = dir / "state.db";
  user_link link;
  link.hr_key = "00123";
  link.scim_id = "id-1";
  link.user_name = "ada@example.com";
  link.how = managed_by::matched;
  { state_store(file, test_url).upsert_link(link); }  // closed cleanly
  state_store reader(file, test_url, read_only());
  EXPECT_EQ(reader.find_link("00123"), link);
  EXPECT_THROW(reader.upsert_link(link), state_error);
  // Next to a running writer (which holds the -wal and -shm files), it sees committed writes.
  state_store writer(file, test_url);
  link.user_name = "ada.lovelace@example.com";
  writer.upsert_link(link);
  state_store again(file, test_url, read_only());
  EXPECT_EQ(again.find_link("00123")->user_name, "ada.lovelace@example.com");
}

TEST(state_store_read_only, never_creates_a_database) {
  temp_dir dir;
  const auto file = dir / "state.db";
  const auto msg = message_of([&] { state_store s(file, test_url, read_only()); });
  EXPECT_EQ(msg, "cannot read the state database " + file.string() + ": it does not exist");
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(state_store_read_only, an_older_schema_is_refused_untouched) {
  temp_dir dir;
  const auto file = dir / "state.db";
  {
    state_store::options old;
    old.known_migrations = std::span(migrations::all()).first(2);
    state_store s(file, test_url, old);
  }
  const auto msg = message_of([&] { state_store s(file, test_url, read_only()); });
  EXPECT_NE(msg.find("has schema version 2; this eightsync reads version " +
                     std::to_string(state_store::newest_schema_version()) +
                     ". The service (or `eightsync sync`) upgrades it"),
            std::string::npos)
      << msg;
  SQLite::Database raw(file, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 2);
}

TEST(state_store_read_only, another_target_is_refused_as_for_a_writer) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store s(file, test_url); }
  const auto msg = message_of([&] { state_store s(file, "https://other.example.com/scim/v2", read_only()); });
  EXPECT_NE(msg.find("is bound to 8x8 customer C0FFEE"), std::string::npos) << msg;
}

}  // namespace
}  // namespace eightsync::core
