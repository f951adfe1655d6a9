// state_store: a database is bound to the target URL it was created for and refuses another.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <string>

#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::temp_dir;
using testing::test_url;

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

TEST(state_store_binding, another_target_is_refused_naming_both_urls) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  const std::string other = "https://platform-cloud.8x8.com/udi/customers/BEEF/scim/v2";
  try {
    state_store store(file, other);
    FAIL() << "opened a database bound to another target";
  } catch (const state_error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        file.string() + " is bound to target " + std::string(test_url) + ", but the config's target.url is " +
            other +
            ". A state database belongs to one 8x8 account, so its links never meet another. To sync the "
            "new target, set state.path to another file; to start over for it, move " +
            file.string() + " (with its -wal and -shm files) away first.");
  }
  // The refusal wrote nothing: the original binding stands.
  state_store store(file, test_url);
  EXPECT_EQ(store.database().execAndGet("SELECT value FROM meta WHERE key = 'target_url'").getString(),
            test_url);
}

TEST(state_store_binding, the_path_of_the_url_keeps_its_case) {
  temp_dir dir;
  const auto file = dir / "state.db";
  { state_store store(file, test_url); }
  EXPECT_THROW(state_store(file, "https://platform-cloud.8x8.com/udi/customers/c0ffee/scim/v2"), state_error);
}

TEST(state_store_binding, normalize_url) {
  EXPECT_EQ(state_store::normalize_url("HTTPS://Example.COM/Scim/V2/"), "https://example.com/Scim/V2");
  EXPECT_EQ(state_store::normalize_url("http://127.0.0.1:8443/scim/v2"), "http://127.0.0.1:8443/scim/v2");
  EXPECT_EQ(state_store::normalize_url("https://HOST:443"), "https://host:443");
  EXPECT_EQ(state_store::normalize_url("https://host///"), "https://host");
  EXPECT_EQ(state_store::normalize_url("https://User@HOST/p"), "https://User@host/p");
  EXPECT_EQ(state_store::normalize_url("https://[::1]:8443/x/"), "https://[::1]:8443/x");
  EXPECT_EQ(state_store::normalize_url("not a url/"), "not a url");
}

TEST(state_store_binding, an_empty_target_is_a_bug) {
  EXPECT_THROW(state_store(state_store::in_memory, ""), std::invalid_argument);
}

}  // namespace
}  // namespace eightsync::core
