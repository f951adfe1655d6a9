// state_store: a database is bound to the 8x8 account its target URL names (the customer id of
// an 8x8 URL, else the whole URL), accepts that account under another host, and refuses another.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <span>
#include <string>

#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"
#include "migrations/embedded_migrations.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::temp_dir;
using testing::test_url;

// What an eightsync binary that knew migrations up to 0006 left behind at `file`, bound to
// test_url: meta.target_url only.
void make_database_from_before_0007(const std::filesystem::path& file) {
  state_store::options old;
  old.known_migrations = std::span(migrations::all()).first(6);
  state_store store(file, test_url, old);
  store.database().exec("DELETE FROM meta WHERE key = 'target_account'");
}

TEST(state_store_binding, first_open_records_the_normalized_url_and_creation_time) {
  manual_clock clk;
  state_store::options opts;
  opts.time = &clk;
  state_store store(state_store::in_memory, "HTTPS://Platform-Cloud.8x8.COM/udi/customers/C0FFEE/scim/v2/",
                    opts);
  EXPECT_EQ(store.target_url(), test_url);
  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'target_url'").getString(), test_url);
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'created_at'").getString(),
            "2024-01-01T00:00:00.000Z");
}

TEST(state_store_binding, the_same_target_written_differently_is_accepted) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  state_store again(file, "https://PLATFORM-CLOUD.8x8.com/udi/customers/C0FFEE/scim/v2//");
  EXPECT_EQ(again.target_url(), test_url);
}

TEST(state_store_binding, another_customer_is_refused_naming_both_ids) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  const std::string other = "https://platform-cloud.8x8.com/udi/customers/BEEF/scim/v2";
  try {
    state_store store(file, other);
    FAIL() << "opened a database bound to another customer";
  } catch (const state_error& e) {
    EXPECT_EQ(std::string(e.what()),
              file.string() + " is bound to 8x8 customer C0FFEE (last opened as " + std::string(test_url) +
                  "), but the config's target.url names 8x8 customer BEEF (" + other +
                  "). A state database belongs to one 8x8 account, so its links never meet another. To sync "
                  "the new target, set state.path to another file; to start over for it, move " +
                  file.string() + " (with its -wal and -shm files) away first.");
  }
  // The refusal wrote nothing: the original binding stands.
  state_store store(file, test_url);
  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'target_url'").getString(), test_url);
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'target_account'").getString(),
            "8x8-customer:C0FFEE");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM target_changes").getInt(), 0);
}

TEST(state_store_binding, the_same_customer_at_another_host_is_accepted_and_recorded) {
  temp_dir dir;
  const auto file = dir / "state.db";
  manual_clock clk;
  state_store::options opts;
  opts.time = &clk;
  { state_store store(file, test_url, opts); }
  const std::string older_host = "https://platform.8x8.com/udi/customers/C0FFEE/scim/v2";
  clk.advance(std::chrono::hours(1));
  state_store store(file, older_host, opts);
  EXPECT_EQ(store.target_url(), older_host);
  EXPECT_EQ(store.account().customer_id, "C0FFEE");
  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'target_url'").getString(), older_host);
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'target_account'").getString(),
            "8x8-customer:C0FFEE");
  SQLite::Statement change(db, "SELECT changed_at, customer_id, old_url, new_url FROM target_changes");
  ASSERT_TRUE(change.executeStep());
  EXPECT_EQ(change.getColumn(0).getString(), "2024-01-01T01:00:00.000Z");
  EXPECT_EQ(change.getColumn(1).getString(), "C0FFEE");
  EXPECT_EQ(change.getColumn(2).getString(), test_url);
  EXPECT_EQ(change.getColumn(3).getString(), older_host);
  EXPECT_FALSE(change.executeStep());
}

TEST(state_store_binding, opening_at_the_same_url_again_records_no_change) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  state_store store(file, test_url);
  EXPECT_EQ(store.database().execAndGet("SELECT count(*) FROM target_changes").getInt(), 0);
}

TEST(state_store_binding, a_reader_accepts_another_host_and_writes_nothing) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  state_store::options reader;
  reader.read_only = true;
  { state_store store(file, "https://platform.8x8.com/udi/customers/C0FFEE/scim/v2", reader); }
  EXPECT_THROW(state_store(file, "https://platform.8x8.com/udi/customers/BEEF/scim/v2", reader), state_error);
  state_store store(file, test_url);
  EXPECT_EQ(store.database().execAndGet("SELECT count(*) FROM target_changes").getInt(), 0);
}

TEST(state_store_binding, a_database_bound_to_a_url_before_0007_is_migrated_to_its_customer) {
  temp_dir dir;
  const auto file = dir / "state.db";
  make_database_from_before_0007(file);
  const std::string older_host = "https://platform.8x8.com/udi/customers/C0FFEE/scim/v2";
  state_store store(file, older_host);
  auto& db = store.database();
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'target_account'").getString(),
            "8x8-customer:C0FFEE");
  EXPECT_EQ(db.execAndGet("SELECT old_url || ' -> ' || new_url FROM target_changes").getString(),
            std::string(test_url) + " -> " + older_host);
}

TEST(state_store_binding, a_database_from_before_0007_still_refuses_another_customer) {
  temp_dir dir;
  const auto file = dir / "state.db";
  make_database_from_before_0007(file);
  EXPECT_THROW(state_store(file, "https://platform.8x8.com/udi/customers/BEEF/scim/v2"), state_error);
  // Refused before its migrations ran: the file is as it was.
  SQLite::Database db(file.string());
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), 6);
}

TEST(state_store_binding, any_other_url_binds_whole_and_refuses_another) {
  temp_dir dir;
  const auto file = dir / "state.db";
  const std::string proxy = "https://proxy.example.com/8x8/scim/v2";
  { state_store store(file, proxy); }
  try {
    state_store store(file, "https://other-proxy.example.com/8x8/scim/v2");
    FAIL() << "opened a database bound to another URL";
  } catch (const state_error& e) {
    EXPECT_EQ(std::string(e.what()).find(file.string() + " is bound to target " + proxy +
                                         ", but the config's target.url is https://other-proxy.example.com/"),
              0u)
        << e.what();
  }
  // Nor does a URL of 8x8's shape take over a database bound to a whole URL.
  EXPECT_THROW(state_store(file, test_url), state_error);
}

TEST(state_store_binding, an_unreadable_binding_is_named) {
  temp_dir dir;
  const auto file = dir / "state.db";
  {
    state_store store(file, test_url);
    store.database().exec("UPDATE meta SET value = 'customer C0FFEE' WHERE key = 'target_account'");
  }
  try {
    state_store store(file, test_url);
    FAIL() << "opened a database with an unreadable binding";
  } catch (const state_error& e) {
    EXPECT_NE(std::string(e.what()).find("unreadable binding in meta.target_account (\"customer C0FFEE\")"),
              std::string::npos)
        << e.what();
  }
}

TEST(state_store_binding, the_path_of_the_url_keeps_its_case) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  EXPECT_THROW(state_store(file, "https://platform-cloud.8x8.com/udi/customers/c0ffee/scim/v2"), state_error);
}

TEST(state_store_binding, an_empty_target_is_a_bug) {
  EXPECT_THROW(state_store(state_store::in_memory, ""), std::invalid_argument);
}

}  // namespace
}  // namespace eightsync::core
