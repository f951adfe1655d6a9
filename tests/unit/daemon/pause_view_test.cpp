// What `eightsync status` and the metrics show of a wait for 8x8 (read_pause), and what `sync`
// and `plan` say when they refuse one (wait_limit): issue 13, findings 1 and 2.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <string>

#include "config/config_loader.hpp"
#include "core/clock.hpp"
#include "core/sliding_window_rate_limiter.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"
#include "daemon/operator_snapshot.hpp"
#include "daemon/wait_limit.hpp"

namespace eightsync::daemon {
namespace {

using namespace std::chrono_literals;

const core::clock::time_point now = core::manual_clock{}.now();  // 2024-01-01T00:00:00Z

class pause_view : public ::testing::Test {
 protected:
  core::state_store store_{core::state_store::in_memory,
                           "https://platform-cloud.8x8.com/udi/customers/C1/scim/v2"};

  void pause(const std::string& until) {
    SQLite::Statement s(store_.database(),
                        "INSERT INTO meta (key, value) VALUES ('rate_limit.paused_until', ?1)");
    s.bind(1, until);
    s.exec();
  }
  void slot(const std::string& at) {
    SQLite::Statement s(store_.database(), "INSERT INTO rate_limit_slots (sent_at) VALUES (?1)");
    s.bind(1, at);
    s.exec();
  }
  std::optional<operator_pause> read() { return read_pause(store_, 10, 60s, 1h, now); }
};

TEST_F(pause_view, nothing_stored_is_no_pause) {
  EXPECT_FALSE(read());
}

TEST_F(pause_view, a_stored_pause_in_the_future_shows_with_its_end) {
  pause("2024-01-01T00:30:00.000Z");
  const auto p = read();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->until, now + 30min);
  EXPECT_EQ(p->reason, "retry_after");
  EXPECT_FALSE(p->stored);
}

// Issue 17 point 3: requests are spaced, so the slot the service took at the pause's end holds the
// next one a gap (6.06 s) later. That wait is still 8x8's pause, and no request goes before it ends.
TEST_F(pause_view, a_slot_taken_at_the_pauses_end_still_shows_the_pause) {
  pause("2024-01-01T00:30:00.000Z");
  slot("2024-01-01T00:30:00.000Z");
  const auto p = read();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->until, now + 30min) << "the pause's end, when the waiting request goes";
  EXPECT_EQ(p->reason, "retry_after");
}

TEST_F(pause_view, slots_well_beyond_a_pause_are_the_rate_limit) {
  pause("2024-01-01T00:01:00.000Z");
  slot("2024-01-01T00:10:00.000Z");  // another process's slot, far beyond a window after the pause
  const auto p = read();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->until, now + 10min + 6060ms) << "a gap after that slot";
  EXPECT_EQ(p->reason, "rate_limit");
}

TEST_F(pause_view, a_pause_that_ended_is_no_pause) {
  pause("2023-12-31T23:00:00.000Z");
  EXPECT_FALSE(read());
}

TEST_F(pause_view, a_pause_beyond_max_pause_shows_as_the_next_request_will_cut_it) {
  pause("2099-01-01T00:00:00.000Z");
  const auto p = read();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->until, now + 1h);
  ASSERT_TRUE(p->stored);
  EXPECT_EQ(*p->stored, *core::parse_utc_time("2099-01-01T00:00:00.000Z"));
}

TEST_F(pause_view, the_rate_limits_own_pacing_is_no_pause) {
  for (int i = 0; i < 10; ++i)
    slot("2024-01-01T00:00:00.000Z");
  EXPECT_FALSE(read()) << "the next slot is one window away: ordinary pacing";
  slot("2024-01-01T00:00:50.000Z");
  EXPECT_FALSE(read()) << "nor is one gap after the last";
}

TEST_F(pause_view, a_slot_from_a_clock_stepped_back_is_no_pause) {
  slot("2099-01-01T00:00:00.000Z");
  EXPECT_FALSE(read()) << "the next request clamps it to now";
}

TEST(wait_limit, the_refusal_names_the_wait_its_end_and_the_limit) {
  const connectors::long_wait pause{now + 59min + 58s, 59min + 58s, "retry_after"};
  EXPECT_EQ(
      refused_wait_text(pause, 60s),
      "8x8 asked eightsync to pause (Retry-After) until 2024-01-01T00:59:58.000Z, in 59m58s: longer than "
      "--max-wait (1m)");
  EXPECT_EQ(
      refused_wait_message("sync", pause, 60s, "nothing was sent"),
      "eightsync sync: 8x8 asked eightsync to pause (Retry-After) until 2024-01-01T00:59:58.000Z, in 59m58s: "
      "longer than --max-wait (1m), so nothing was sent.\n"
      "eightsync sync: run it again after that time, or with a longer --max-wait; `eightsync status` shows "
      "the pause, and `eightsync status --clear-pause` clears it.\n");
  const connectors::long_wait slots{now + 2min, 2min, "rate_limit"};
  EXPECT_EQ(refused_wait_text(slots, 30s),
            "the send slots the rate limit recorded (target.rate_limit) hold the next request until "
            "2024-01-01T00:02:00.000Z, in 2m: longer than --max-wait (30s)");
}

TEST(wait_limit, only_a_wait_beyond_max_wait_and_the_window_is_reported) {
  auto cfg =
      config::load_config_file(std::filesystem::path(EIGHTSYNC_SOURCE_DIR) / "config/eightsync.example.yaml");
  core::manual_clock clk;
  core::sliding_window_rate_limiter limiter(1, 60s, clk);
  cfg.target.rate_limit.requests = 1;
  cfg.target.rate_limit.per = 60s;
  limiter.acquire();
  EXPECT_FALSE(wait_beyond(limiter, clk, cfg, 10s)) << "one window of pacing: never refused";
  limiter.on_retry_after(clk.now() + 10min);
  const auto w = wait_beyond(limiter, clk, cfg, 60s);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->until, clk.now() + 10min);
  EXPECT_EQ(w->reason, "retry_after");
  limiter.acquire();  // another process takes the slot at the pause's end
  const auto after = wait_beyond(limiter, clk, cfg, 60s);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->until, clk.now() + 10min + 60600ms) << "one gap after it";
  EXPECT_EQ(after->reason, "retry_after") << "still the pause's doing";
  EXPECT_FALSE(wait_beyond(limiter, clk, cfg, 2h)) << "--max-wait 2h waits it out";
}

}  // namespace
}  // namespace eightsync::daemon
