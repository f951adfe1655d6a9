// state_store: the remote_hash fingerprint of migrations/0005 (user_links.remote_hash, the
// user_links_summary index and the user_links_remote_hash_stale trigger), and the comparison of
// a full listing with the stored objects that relies on it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/remote_user.hpp"
#include "core/state_store.hpp"
#include "migrations/embedded_migrations.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::at_ms;
using testing::temp_dir;
using testing::test_url;
using testing::without_remote;

const clock::time_point t1 = at_ms(1'714'566'896'789);  // 2024-05-01T12:34:56.789Z
const clock::time_point t2 = at_ms(1'714'600'000'000);
const clock::time_point t3 = at_ms(1'714'700'000'000);

constexpr const char* initial_updated_at = "2024-01-01T00:00:00.000Z";  // manual_clock's start

// An 8x8 user object in a member order of its own (not the canonical one), and with `title`.
std::string object_text(const std::string& id, const std::string& title) {
  return R"({"meta":{"resourceType":"User","location":"https://x/Users/)" + id + R"("},"title":")" + title +
         R"(","active":true,"name":{"familyName":"Lovelace","givenName":"Ada"},"userName":")" + id +
         R"(@example.com","id":")" + id + R"(","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]})";
}

remote_user remote_of(std::string_view text, clock::time_point fetched_at) {
  auto r = remote_user::from_json(text, fetched_at);
  if (!r) throw std::runtime_error("test object does not parse: " + std::string(text));
  return std::move(r).value();
}

// The object as eightsync re-serializes it (the text record_listed_remotes writes).
std::string canonical(std::string_view text) {
  return remote_of(text, t1).to_json();
}

user_link link_with(std::string key, std::string id, std::string remote_json) {
  user_link l;
  l.hr_key = std::move(key);
  l.scim_id = std::move(id);
  l.user_name = l.scim_id + "@example.com";
  l.how = managed_by::matched;
  l.applied_hash = 0x0123456789ABCDEFULL;
  l.applied_active = true;
  l.remote_json = std::move(remote_json);
  if (!l.remote_json.empty()) l.fetched_at = t1;
  return l;
}

bool is_32_hex(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

state_store::options options_with(const clock& c, std::span<const migrations::migration> known = {}) {
  state_store::options o;
  o.time = &c;
  o.known_migrations = known;
  return o;
}

// Raw reads of one row, as plain sqlite3 would see it.
std::optional<std::string> text_column(state_store& store, const std::string& column,
                                       const std::string& key) {
  SQLite::Statement q(store.database(), "SELECT " + column + " FROM user_links WHERE hr_key = ?1");
  q.bind(1, key);
  if (!q.executeStep()) throw std::runtime_error("no row " + key);
  if (q.isColumnNull(0)) return std::nullopt;
  return q.getColumn(0).getString();
}

std::optional<std::string> hash_of(state_store& store, const std::string& key) {
  return text_column(store, "remote_hash", key);
}

std::string updated_at_of(state_store& store, const std::string& key) {
  return text_column(store, "updated_at", key).value_or("(NULL)");
}

// The fingerprint the store gives `remote_json`, from a fresh store of its own.
std::string fingerprint_by_store(const std::string& remote_json) {
  state_store other(state_store::in_memory, test_url);
  other.upsert_link(link_with("k", "fingerprint-probe", remote_json));
  return hash_of(other, "k").value_or("(NULL)");
}

class state_fingerprint : public ::testing::Test {
 protected:
  int total_changes() { return store_.database().getTotalChanges(); }

  manual_clock clock_;
  state_store store_{state_store::in_memory, test_url, options_with(clock_)};
};

TEST_F(state_fingerprint, a_stored_object_gets_a_32_hex_fingerprint_independent_of_member_order) {
  const std::string reordered = object_text("id-a", "Engineer");
  const std::string canon = canonical(reordered);
  ASSERT_NE(reordered, canon) << "the test object must not already be in canonical order";

  store_.upsert_link(link_with("00001", "id-a", reordered));
  const auto hash = hash_of(store_, "00001");
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(is_32_hex(*hash)) << *hash;
  EXPECT_EQ(fingerprint_by_store(canon), *hash) << "same content, other member order: same fingerprint";

  // record_remote stores the same fingerprint upsert_link does.
  store_.upsert_link(link_with("00002", "id-b", ""));
  EXPECT_FALSE(hash_of(store_, "00002").has_value()) << "no object, no fingerprint";
  EXPECT_TRUE(store_.record_remote("00002", object_text("id-b", "Engineer"), t1));
  EXPECT_EQ(hash_of(store_, "00002"), fingerprint_by_store(canonical(object_text("id-b", "Engineer"))));
  EXPECT_NE(hash_of(store_, "00002"), hash) << "another object, another fingerprint";

  // The listed copy (canonical order, fetched later) is the same object: nothing is rewritten.
  clock_.advance(std::chrono::hours(1));
  const int before = total_changes();
  const std::vector<remote_user> listed{remote_of(canon, t2)};
  EXPECT_EQ(store_.record_listed_remotes(listed), 0u);
  EXPECT_EQ(total_changes(), before);
  EXPECT_EQ(store_.load_remote_json("00001"), reordered) << "the stored text is kept as it was";
  EXPECT_EQ(updated_at_of(store_, "00001"), initial_updated_at);
  EXPECT_EQ(store_.find_link("00001")->fetched_at, t1);
  EXPECT_EQ(hash_of(store_, "00001"), hash);
}

TEST_F(state_fingerprint, objects_that_are_not_user_objects_have_no_fingerprint) {
  store_.upsert_link(link_with("00001", "id-a", R"({"userName":"no id here"})"));
  EXPECT_FALSE(hash_of(store_, "00001").has_value());
  EXPECT_EQ(store_.load_remote_json("00001"), R"({"userName":"no id here"})");

  store_.upsert_link(link_with("00002", "id-b", object_text("id-b", "X")));
  ASSERT_TRUE(hash_of(store_, "00002").has_value());
  EXPECT_TRUE(store_.record_remote("00002", "", t2));
  EXPECT_FALSE(hash_of(store_, "00002").has_value()) << "a cleared object clears its fingerprint";
  EXPECT_FALSE(store_.load_remote_json("00002").has_value());
}

TEST_F(state_fingerprint, an_unchanged_listing_rewrites_nothing_and_one_change_rewrites_one_row) {
  const std::vector<std::string> keys{"00001", "00002", "00003"};
  const std::vector<std::string> ids{"id-a", "id-b", "id-c"};
  std::vector<std::optional<std::string>> hashes;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    store_.upsert_link(link_with(keys[i], ids[i], canonical(object_text(ids[i], "Engineer"))));
    hashes.push_back(hash_of(store_, keys[i]));
    ASSERT_TRUE(hashes.back().has_value());
  }

  clock_.advance(std::chrono::hours(1));
  std::vector<remote_user> listing;
  for (const auto& id : ids)
    listing.push_back(remote_of(object_text(id, "Engineer"), t2));
  listing.push_back(remote_of(object_text("id-unlinked", "Engineer"), t2));  // not ours: ignored
  int before = total_changes();
  EXPECT_EQ(store_.record_listed_remotes(listing), 0u);
  EXPECT_EQ(total_changes(), before);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(updated_at_of(store_, keys[i]), initial_updated_at) << keys[i];
    EXPECT_EQ(hash_of(store_, keys[i]), hashes[i]) << keys[i];
    EXPECT_EQ(store_.find_link(keys[i])->fetched_at, t1) << keys[i];
  }

  // id-b has a new title: only its row is rewritten, with the listed object and a new fingerprint.
  clock_.advance(std::chrono::hours(1));
  const std::string changed = object_text("id-b", "Director");
  listing[1] = remote_of(changed, t3);
  listing[0] = remote_of(object_text("id-a", "Engineer"), t3);
  listing[2] = remote_of(object_text("id-c", "Engineer"), t3);
  before = total_changes();
  EXPECT_EQ(store_.record_listed_remotes(listing), 1u);
  EXPECT_EQ(total_changes(), before + 1);
  EXPECT_EQ(store_.load_remote_json("00002"), canonical(changed));
  EXPECT_EQ(store_.find_link("00002")->fetched_at, t3);
  EXPECT_EQ(updated_at_of(store_, "00002"), "2024-01-01T02:00:00.000Z");
  const auto new_hash = hash_of(store_, "00002");
  ASSERT_TRUE(new_hash.has_value());
  EXPECT_TRUE(is_32_hex(*new_hash));
  EXPECT_NE(new_hash, hashes[1]);
  EXPECT_EQ(new_hash, fingerprint_by_store(changed));
  for (std::size_t i : {0u, 2u}) {
    EXPECT_EQ(updated_at_of(store_, keys[i]), initial_updated_at) << keys[i];
    EXPECT_EQ(hash_of(store_, keys[i]), hashes[i]) << keys[i];
  }

  // The same listing again: nothing left to rewrite.
  before = total_changes();
  EXPECT_EQ(store_.record_listed_remotes(listing), 0u);
  EXPECT_EQ(total_changes(), before);

  // A listing older than the stored object never replaces it, even when it differs.
  const std::vector<remote_user> stale{remote_of(object_text("id-b", "Intern"), t2)};
  EXPECT_EQ(store_.record_listed_remotes(stale), 0u);
  EXPECT_EQ(store_.load_remote_json("00002"), canonical(changed));
  EXPECT_EQ(hash_of(store_, "00002"), new_hash);
}

TEST_F(state_fingerprint, a_row_without_a_fingerprint_gets_it_filled_in_when_unchanged) {
  // 00001: unchanged content, stored in 8x8's order; 00002: its listed object has changed.
  const std::string a = object_text("id-a", "Engineer");
  store_.upsert_link(link_with("00001", "id-a", a));
  store_.upsert_link(link_with("00002", "id-b", object_text("id-b", "Engineer")));
  const auto hash_a = hash_of(store_, "00001");
  ASSERT_TRUE(hash_a.has_value());
  // As a row written before migration 0005 would be.
  store_.database().exec("UPDATE user_links SET remote_hash = NULL");
  ASSERT_FALSE(hash_of(store_, "00001").has_value());
  ASSERT_FALSE(hash_of(store_, "00002").has_value());
  ASSERT_EQ(updated_at_of(store_, "00001"), initial_updated_at);

  clock_.advance(std::chrono::hours(1));
  const std::string b_changed = object_text("id-b", "Director");
  const std::vector<remote_user> listing{remote_of(a, t2), remote_of(b_changed, t2)};
  int before = total_changes();
  EXPECT_EQ(store_.record_listed_remotes(listing), 1u);
  EXPECT_EQ(total_changes(), before + 2) << "one fingerprint filled in, one row rewritten";

  EXPECT_EQ(hash_of(store_, "00001"), hash_a) << "the fingerprint of the stored object is filled in";
  EXPECT_EQ(updated_at_of(store_, "00001"), initial_updated_at);
  EXPECT_EQ(store_.load_remote_json("00001"), a) << "the stored text is not rewritten";
  EXPECT_EQ(store_.find_link("00001")->fetched_at, t1);

  EXPECT_EQ(store_.load_remote_json("00002"), canonical(b_changed));
  EXPECT_EQ(hash_of(store_, "00002"), fingerprint_by_store(b_changed));
  EXPECT_EQ(updated_at_of(store_, "00002"), "2024-01-01T01:00:00.000Z");
  EXPECT_EQ(store_.find_link("00002")->fetched_at, t2);

  // Next cycle: both have fingerprints now, and nothing is written.
  before = total_changes();
  EXPECT_EQ(store_.record_listed_remotes(listing), 0u);
  EXPECT_EQ(total_changes(), before);
}

TEST_F(state_fingerprint, a_hand_edit_of_remote_json_clears_the_fingerprint) {
  const std::string a = canonical(object_text("id-a", "Engineer"));
  store_.upsert_link(link_with("00001", "id-a", a));
  store_.upsert_link(link_with("00002", "id-b", canonical(object_text("id-b", "Engineer"))));
  const auto hash_a = hash_of(store_, "00001");
  const auto hash_b = hash_of(store_, "00002");
  ASSERT_TRUE(hash_a.has_value());
  ASSERT_TRUE(hash_b.has_value());

  // plain sqlite3: a new title, remote_hash left alone.
  SQLite::Statement edit(store_.database(), "UPDATE user_links SET remote_json = ?1 WHERE hr_key = '00001'");
  edit.bind(1, canonical(object_text("id-a", "Hand edited")));
  ASSERT_EQ(edit.exec(), 1);
  EXPECT_FALSE(hash_of(store_, "00001").has_value()) << "the trigger clears the stale fingerprint";
  EXPECT_EQ(hash_of(store_, "00002"), hash_b) << "other rows keep theirs";

  // An UPDATE that does set a new remote_hash keeps it.
  const std::string fresh(32, 'a');
  store_.database().exec("UPDATE user_links SET remote_json = '{\"id\":\"id-b\"}', remote_hash = '" + fresh +
                         "' WHERE hr_key = '00002'");
  EXPECT_EQ(hash_of(store_, "00002"), fresh);
  // And an UPDATE of other columns leaves the fingerprint alone.
  store_.database().exec("UPDATE user_links SET user_name = 'x' WHERE hr_key = '00002'");
  EXPECT_EQ(hash_of(store_, "00002"), fresh);

  // The next listing has the original object: the hand edit differs from it, so it is rewritten.
  clock_.advance(std::chrono::hours(1));
  const std::vector<remote_user> listing{remote_of(a, t2)};
  const int before = total_changes();
  EXPECT_EQ(store_.record_listed_remotes(listing), 1u);
  EXPECT_EQ(total_changes(), before + 1);
  EXPECT_EQ(store_.load_remote_json("00001"), a);
  EXPECT_EQ(hash_of(store_, "00001"), hash_a);
  EXPECT_EQ(updated_at_of(store_, "00001"), "2024-01-01T01:00:00.000Z");
  EXPECT_EQ(store_.find_link("00001")->fetched_at, t2);
}

TEST_F(state_fingerprint, a_hand_reordering_of_remote_json_is_filled_in_again_not_rewritten) {
  const std::string a = canonical(object_text("id-a", "Engineer"));
  store_.upsert_link(link_with("00001", "id-a", a));
  const auto hash_a = hash_of(store_, "00001");
  ASSERT_TRUE(hash_a.has_value());

  SQLite::Statement edit(store_.database(), "UPDATE user_links SET remote_json = ?1 WHERE hr_key = '00001'");
  edit.bind(1, object_text("id-a", "Engineer"));  // same content, 8x8's member order
  ASSERT_EQ(edit.exec(), 1);
  EXPECT_FALSE(hash_of(store_, "00001").has_value());

  clock_.advance(std::chrono::hours(1));
  const std::vector<remote_user> listing{remote_of(a, t2)};
  EXPECT_EQ(store_.record_listed_remotes(listing), 0u);
  EXPECT_EQ(hash_of(store_, "00001"), hash_a);
  EXPECT_EQ(store_.load_remote_json("00001"), object_text("id-a", "Engineer"));
  EXPECT_EQ(updated_at_of(store_, "00001"), initial_updated_at);
}

TEST(state_fingerprint_old_schema, a_store_without_migration_0005_upserts_loads_and_compares) {
  const auto& all = migrations::all();
  ASSERT_GE(all.size(), 5u);
  ASSERT_EQ(all[4].file_name, "0005_link_summary.sql");
  temp_dir dir;
  const auto file = dir / "state.db";
  manual_clock clock;
  const std::string a = object_text("id-a", "Engineer");  // 8x8's order
  const std::string b = canonical(object_text("id-b", "Engineer"));
  {
    state_store store(file, test_url, options_with(clock, std::span(all).first(4)));
    ASSERT_EQ(store.schema_version(), 4);
    ASSERT_EQ(
        store.database()
            .execAndGet("SELECT count(*) FROM pragma_table_info('user_links') WHERE name = 'remote_hash'")
            .getInt(),
        0);
    const std::vector<user_link> links{link_with("00002", "id-b", b), link_with("00001", "id-a", a),
                                       link_with("00003", "id-c", "")};
    store.upsert_links(links);
    EXPECT_EQ(store.load_links(state_store::remote_json_loading::include),
              (std::vector<user_link>{links[1], links[0], links[2]}));
    EXPECT_EQ(store.load_links(), (std::vector<user_link>{without_remote(links[1]), without_remote(links[0]),
                                                          without_remote(links[2])}));
    EXPECT_EQ(store.find_link("00001"), links[1]);

    // Unchanged (00001 in another member order): nothing written.
    clock.advance(std::chrono::hours(1));
    std::vector<remote_user> listing{remote_of(a, t2), remote_of(b, t2)};
    int before = store.database().getTotalChanges();
    EXPECT_EQ(store.record_listed_remotes(listing), 0u);
    EXPECT_EQ(store.database().getTotalChanges(), before);
    EXPECT_EQ(store.load_remote_json("00001"), a);
    EXPECT_EQ(updated_at_of(store, "00001"), initial_updated_at);

    // One changed: that row only.
    listing[1] = remote_of(object_text("id-b", "Director"), t2);
    before = store.database().getTotalChanges();
    EXPECT_EQ(store.record_listed_remotes(listing), 1u);
    EXPECT_EQ(store.database().getTotalChanges(), before + 1);
    EXPECT_EQ(store.load_remote_json("00002"), canonical(object_text("id-b", "Director")));
    EXPECT_EQ(updated_at_of(store, "00002"), "2024-01-01T01:00:00.000Z");
    EXPECT_EQ(updated_at_of(store, "00001"), initial_updated_at);

    EXPECT_TRUE(store.record_remote("00003", object_text("id-c", "X"), t2));
    EXPECT_EQ(store.load_remote_json("00003"), object_text("id-c", "X"));
  }

  // Upgraded by the current binary: old rows have no fingerprint until a listing confirms them.
  state_store store(file, test_url, options_with(clock));
  ASSERT_EQ(store.schema_version(), all.back().version);
  EXPECT_FALSE(hash_of(store, "00001").has_value());
  EXPECT_FALSE(hash_of(store, "00002").has_value());
  clock.advance(std::chrono::hours(1));
  const std::vector<remote_user> listing{remote_of(a, t3), remote_of(object_text("id-b", "Director"), t3)};
  EXPECT_EQ(store.record_listed_remotes(listing), 0u);
  EXPECT_EQ(hash_of(store, "00001"), fingerprint_by_store(a));
  EXPECT_EQ(hash_of(store, "00002"), fingerprint_by_store(object_text("id-b", "Director")));
  EXPECT_EQ(updated_at_of(store, "00001"), initial_updated_at);
  EXPECT_EQ(updated_at_of(store, "00002"), "2024-01-01T01:00:00.000Z");
  EXPECT_EQ(store.load_remote_json("00001"), a);
}

TEST(state_fingerprint_load, load_links_without_remote_json_matches_the_full_load_in_hr_key_order) {
  const auto& all = migrations::all();
  for (const bool with_0005 : {true, false}) {
    SCOPED_TRACE(with_0005 ? "with migration 0005" : "without migration 0005");
    manual_clock clock;
    state_store store(
        state_store::in_memory, test_url,
        options_with(clock, with_0005 ? std::span<const migrations::migration>{} : std::span(all).first(4)));
    // Inserted out of order; byte order puts digits before upper case before lower case, and
    // "00010" before "0002".
    std::vector<user_link> links{link_with("b-key", "id-1", object_text("id-1", "T")),
                                 link_with("0002", "id-2", ""),
                                 link_with("B-key", "id-3", canonical(object_text("id-3", "T"))),
                                 link_with("00010", "id-4", R"({"userName":"no id"})"),
                                 link_with("a", "id-5", object_text("id-5", "U"))};
    links[1].how = managed_by::created;
    links[1].applied_hash.reset();
    links[1].applied_active.reset();
    links[2].how = managed_by::linked;
    links[2].applied_active = false;
    links[3].applied_hash = 0xFFFFFFFFFFFFFFFFULL;
    store.upsert_links(links);

    const auto full = store.load_links(state_store::remote_json_loading::include);
    const auto slim = store.load_links();
    ASSERT_EQ(full.size(), links.size());
    ASSERT_EQ(slim.size(), links.size());
    const std::vector<std::string> order{"00010", "0002", "B-key", "a", "b-key"};
    for (std::size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(full[i].hr_key, order[i]);
      EXPECT_EQ(slim[i], without_remote(full[i])) << order[i];
      EXPECT_TRUE(slim[i].remote_json.empty());
      EXPECT_FALSE(slim[i].fetched_at.has_value());
    }
    EXPECT_EQ(full[0], links[3]);
    EXPECT_EQ(full[1], links[1]);
    EXPECT_EQ(full[2], links[2]);
    EXPECT_EQ(full[3], links[4]);
    EXPECT_EQ(full[4], links[0]);
  }
}

// The store's own write of the same object in another member order (a GET's or a write's answer
// comes in 8x8's order; a listing's copy was stored in eightsync's) is no change: the row and its
// fingerprint stay as they are, and the stale-hash trigger never sees a rewrite to undo.
TEST_F(state_fingerprint, record_remote_of_the_same_object_reordered_keeps_the_row_and_its_fingerprint) {
  const std::string canon = canonical(object_text("id-a", "Engineer"));
  store_.upsert_link(link_with("00001", "id-a", canon));
  const auto hash = hash_of(store_, "00001");
  ASSERT_TRUE(hash.has_value());
  EXPECT_FALSE(store_.record_remote("00001", object_text("id-a", "Engineer"), t2)) << "same content";
  EXPECT_EQ(hash_of(store_, "00001"), hash);
  EXPECT_EQ(store_.load_remote_json("00001"), canon);
  // Another content is a change, as always.
  EXPECT_TRUE(store_.record_remote("00001", object_text("id-a", "Manager"), t2));
  EXPECT_NE(hash_of(store_, "00001"), hash);
  EXPECT_TRUE(hash_of(store_, "00001").has_value());
}

TEST_F(state_fingerprint, upsert_of_the_same_object_reordered_keeps_the_stored_text_and_fingerprint) {
  const std::string canon = canonical(object_text("id-a", "Engineer"));
  store_.upsert_link(link_with("00001", "id-a", canon));
  const auto hash = hash_of(store_, "00001");
  ASSERT_TRUE(hash.has_value());
  store_.upsert_link(link_with("00001", "id-a", object_text("id-a", "Engineer")));
  EXPECT_EQ(store_.load_remote_json("00001"), canon);
  EXPECT_EQ(hash_of(store_, "00001"), hash);
  store_.upsert_link(link_with("00001", "id-a", object_text("id-a", "Manager")));
  EXPECT_EQ(store_.load_remote_json("00001"), object_text("id-a", "Manager"));
  EXPECT_NE(hash_of(store_, "00001"), hash);
}

}  // namespace
}  // namespace eightsync::core
