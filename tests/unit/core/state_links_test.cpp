// state_store: the per-user links the planner reads and the executor writes.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::at_ms;
using testing::test_url;
using testing::without_remote;

user_link sample(std::string key, std::string id, std::uint64_t hash) {
  user_link l;
  l.hr_key = std::move(key);
  l.scim_id = std::move(id);
  l.user_name = l.hr_key + "@example.com";
  l.how = managed_by::created;
  l.applied_hash = hash;
  l.applied_active = true;
  l.remote_json = R"({"id":")" + l.scim_id + R"(","userName":")" + l.user_name + R"("})";
  l.fetched_at = at_ms(1'714'566'896'789);
  return l;
}

class state_links : public ::testing::Test {
 protected:
  int total_changes() { return store_.database().getTotalChanges(); }

  manual_clock clock_;
  state_store store_{state_store::in_memory, test_url, [this] {
                       state_store::options o;
                       o.time = &clock_;
                       return o;
                     }()};
};

TEST_F(state_links, round_trip_of_every_field_including_hashes_above_2_63) {
  auto a = sample("00001", "id-a", 0xFFFFFFFFFFFFFFFFULL);
  auto b = sample("00002", "id-b", 0x8000000000000000ULL);
  b.how = managed_by::matched;
  b.applied_active = false;
  auto c = sample("00003", "id-c", 0);
  c.how = managed_by::linked;
  c.applied_hash.reset();
  c.applied_active.reset();
  c.remote_json.clear();
  c.fetched_at.reset();
  store_.upsert_links(std::vector<user_link>{c, a, b});

  EXPECT_EQ(store_.find_link("00001"), a);
  EXPECT_EQ(store_.find_link("00002"), b);
  EXPECT_EQ(store_.find_link("00003"), c);
  EXPECT_EQ(store_.find_link_by_scim_id("id-b"), b);
  EXPECT_FALSE(store_.find_link_by_scim_id("id-z").has_value());
  EXPECT_EQ(store_.load_links(state_store::remote_json_loading::include), (std::vector<user_link>{a, b, c}));
  EXPECT_EQ(store_.load_links(), (std::vector<user_link>{without_remote(a), without_remote(b), c}));
  EXPECT_EQ(store_.load_remote_json("00001"), a.remote_json);
  EXPECT_FALSE(store_.load_remote_json("00003").has_value());
  EXPECT_EQ(store_.link_count(), 3u);

  // The stored text is what `eightsync preview` prints, readable with plain sqlite3.
  auto& db = store_.database();
  EXPECT_EQ(db.execAndGet("SELECT applied_hash FROM user_links WHERE hr_key = '00001'").getString(),
            "ffffffffffffffff");
  EXPECT_EQ(db.execAndGet("SELECT applied_hash FROM user_links WHERE hr_key = '00002'").getString(),
            "8000000000000000");
  EXPECT_TRUE(db.execAndGet("SELECT applied_hash FROM user_links WHERE hr_key = '00003'").isNull());
  EXPECT_EQ(db.execAndGet("SELECT managed_by FROM user_links WHERE hr_key = '00002'").getString(), "matched");
  EXPECT_EQ(db.execAndGet("SELECT fetched_at FROM user_links WHERE hr_key = '00001'").getString(),
            "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(db.execAndGet("SELECT updated_at FROM user_links WHERE hr_key = '00001'").getString(),
            "2024-01-01T00:00:00.000Z");
}

TEST_F(state_links, upsert_replaces_and_erase_removes) {
  auto a = sample("00001", "id-a", 1);
  store_.upsert_link(a);
  a.user_name = "renamed@example.com";
  a.scim_id = "id-a2";
  a.how = managed_by::linked;
  store_.upsert_link(a);
  EXPECT_EQ(store_.find_link("00001"), a);
  EXPECT_EQ(store_.link_count(), 1u);
  EXPECT_TRUE(store_.erase_link("00001"));
  EXPECT_FALSE(store_.erase_link("00001"));
  EXPECT_FALSE(store_.find_link("00001").has_value());
}

TEST_F(state_links, an_id_linked_to_another_key_is_refused_naming_that_key) {
  store_.upsert_link(sample("00001", "id-a", 1));
  try {
    store_.upsert_link(sample("00002", "id-a", 2));
    FAIL() << "two keys linked to one 8x8 user";
  } catch (const state_error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "state database :memory:: cannot link HR key 00002 to 8x8 user id-a: that user is already linked "
        "to HR key 00001");
  }
  EXPECT_FALSE(store_.find_link("00002").has_value());
}

TEST_F(state_links, unchanged_remote_json_is_not_rewritten) {
  auto a = sample("00001", "id-a", 1);
  store_.upsert_link(a);
  const int before = total_changes();

  EXPECT_FALSE(store_.record_remote("00001", a.remote_json, at_ms(1'800'000'000'000)));
  EXPECT_EQ(total_changes(), before);
  EXPECT_EQ(store_.find_link("00001")->fetched_at, a.fetched_at)
      << "an unchanged object keeps its row untouched";

  const std::string changed = R"({"id":"id-a","title":"Director"})";
  EXPECT_TRUE(store_.record_remote("00001", changed, at_ms(1'800'000'000'000)));
  EXPECT_EQ(total_changes(), before + 1);
  EXPECT_EQ(store_.find_link("00001")->remote_json, changed);
  EXPECT_EQ(store_.find_link("00001")->fetched_at, at_ms(1'800'000'000'000));

  EXPECT_TRUE(store_.touch_fetched_at("00001", at_ms(1'900'000'000'000)));
  EXPECT_EQ(store_.find_link("00001")->fetched_at, at_ms(1'900'000'000'000));

  EXPECT_TRUE(store_.record_remote("00001", "", at_ms(1'900'000'000'000)));
  EXPECT_TRUE(store_.find_link("00001")->remote_json.empty());
  EXPECT_FALSE(store_.find_link("00001")->fetched_at.has_value());
  EXPECT_FALSE(store_.touch_fetched_at("00001", at_ms(1'900'000'000'000))) << "no object to touch";
  EXPECT_FALSE(store_.record_remote("99999", changed, at_ms(0))) << "no such link";
}

TEST_F(state_links, an_identical_upsert_writes_nothing) {
  auto a = sample("00001", "id-a", 1);
  store_.upsert_link(a);
  const int before = total_changes();
  clock_.advance(std::chrono::hours(1));
  store_.upsert_link(a);
  EXPECT_EQ(total_changes(), before);
  EXPECT_EQ(store_.database().execAndGet("SELECT updated_at FROM user_links").getString(),
            "2024-01-01T00:00:00.000Z");
}

TEST_F(state_links, applied_hash_and_active_are_recorded) {
  store_.upsert_link(sample("00001", "id-a", 1));
  EXPECT_TRUE(store_.record_applied_hash("00001", 0xDEADBEEFCAFEF00DULL));
  EXPECT_TRUE(store_.record_applied_active("00001", false));
  auto l = store_.find_link("00001");
  EXPECT_EQ(l->applied_hash, 0xDEADBEEFCAFEF00DULL);
  EXPECT_EQ(l->applied_active, false);
  EXPECT_FALSE(store_.record_applied_hash("99999", 1));
  EXPECT_FALSE(store_.record_applied_active("99999", true));
}

TEST_F(state_links, a_transaction_rolls_back_everything_when_it_throws) {
  EXPECT_THROW(store_.in_transaction([&] {
    store_.upsert_link(sample("00001", "id-a", 1));
    store_.in_transaction([&] { store_.upsert_link(sample("00002", "id-b", 2)); });  // joins the outer one
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(store_.link_count(), 0u);
  const int n = store_.in_transaction([&] {
    store_.upsert_link(sample("00001", "id-a", 1));
    return 7;
  });
  EXPECT_EQ(n, 7);
  EXPECT_EQ(store_.link_count(), 1u);
}

TEST_F(state_links, a_bad_bulk_write_leaves_nothing_behind) {
  std::vector<user_link> links{sample("00001", "id-a", 1), sample("00002", "id-a", 2)};
  EXPECT_THROW(store_.upsert_links(links), state_error);
  EXPECT_EQ(store_.link_count(), 0u);
}

TEST_F(state_links, one_hundred_thousand_links_in_one_transaction) {
  constexpr std::size_t n = 100'000;
  std::vector<user_link> links;
  links.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "%07zu", i);
    auto l = sample(key, "id-" + std::string(key), 0x9E3779B97F4A7C15ULL * (i + 1));
    l.how = static_cast<managed_by>(i % 3);
    links.push_back(std::move(l));
  }
  using steady = std::chrono::steady_clock;
  const auto t0 = steady::now();
  store_.upsert_links(links);
  const auto t1 = steady::now();
  const auto loaded = store_.load_links(state_store::remote_json_loading::include);
  const auto t2 = steady::now();
  const auto slim = store_.load_links();
  const auto t3 = steady::now();
  const int before = total_changes();
  store_.upsert_links(links);
  const auto t4 = steady::now();
  auto ms = [](steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf(
      "[ timing ] 100k links: store %.0f ms, load with JSON %.0f ms, load without %.0f ms, "
      "identical re-store %.0f ms\n",
      ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));

  EXPECT_EQ(loaded, links);
  ASSERT_EQ(slim.size(), n);
  EXPECT_EQ(slim[n - 1], without_remote(links[n - 1]));
  EXPECT_EQ(total_changes(), before) << "re-storing identical links must rewrite no rows";
}

}  // namespace
}  // namespace eightsync::core
