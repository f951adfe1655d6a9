// persistent_rate_limiter: every process sharing a state file shares one request budget and
// one Retry-After pause, across restarts (invariant 8); when the file cannot be used, pacing
// goes on in memory and the failure is reported once.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/pacing.hpp"
#include "core/persistent_rate_limiter.hpp"
#include "core/state_store.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using namespace std::chrono_literals;
using testing::temp_dir;
using testing::test_url;

constexpr std::size_t per_window = 3;
constexpr auto window = 60s;
constexpr auto guard = pacing_guard(window);          // 600 ms
constexpr auto gap = pacing_gap(per_window, window);  // 20.2 s

// No window of `window` holds more than `per_window` of `slots`.
::testing::AssertionResult within_budget(std::vector<clock::time_point> slots) {
  std::sort(slots.begin(), slots.end());
  for (std::size_t i = 0; i + per_window < slots.size(); ++i) {
    if (slots[i + per_window] - slots[i] < window + guard) {
      return ::testing::AssertionFailure()
             << "slots " << i << " and " << i + per_window << " are only "
             << std::chrono::duration_cast<std::chrono::milliseconds>(slots[i + per_window] - slots[i])
                    .count()
             << " ms apart";
    }
  }
  return ::testing::AssertionSuccess();
}

struct captured_log {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("pacing-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(text));

  std::size_t count(std::string_view event) const {
    const std::string all = text.str();
    std::size_t n = 0;
    for (auto at = all.find(event); at != std::string::npos; at = all.find(event, at + 1))
      ++n;
    return n;
  }
};

class pacing_persistent_test : public ::testing::Test {
 protected:
  temp_dir dir_;
  std::filesystem::path file_ = dir_ / "state.db";
  manual_clock clock_;
  captured_log log_;
  state_store store_{file_, test_url};  // creates and migrates the file, as the daemon does

  persistent_rate_limiter::options opts(std::chrono::milliseconds busy = 5000ms) {
    persistent_rate_limiter::options o;
    o.busy_timeout = busy;
    o.logger = log_.logger;
    return o;
  }

  std::unique_ptr<persistent_rate_limiter> process(std::chrono::milliseconds busy = 5000ms) {
    return std::make_unique<persistent_rate_limiter>(file_, per_window, window, clock_, opts(busy));
  }

  int stored_slots() {
    return store_.database().execAndGet("SELECT count(*) FROM rate_limit_slots").getInt();
  }

  std::string stored_pause() {
    return store_.database()
        .execAndGet("SELECT coalesce(max(value), '') FROM meta WHERE key = 'rate_limit.paused_until'")
        .getString();
  }
};

TEST_F(pacing_persistent_test, two_processes_on_one_file_never_exceed_the_budget_together) {
  auto a = process();
  auto b = process();
  std::vector<clock::time_point> slots;
  for (int i = 0; i < 12; ++i) {
    auto& p = (i % 3 == 0) ? *b : *a;
    const auto slot = p.acquire();
    slots.push_back(slot);
    // The caller waits for its slot; sometimes it is early, sometimes later.
    if (slot > clock_.now() && i % 2 == 0) clock_.set(slot);
  }
  EXPECT_TRUE(within_budget(slots));
  std::sort(slots.begin(), slots.end());
  const auto start = manual_clock{}.now();
  EXPECT_EQ(slots[0], start);
  for (std::size_t i = 1; i < slots.size(); ++i)
    EXPECT_EQ(slots[i] - slots[i - 1], gap) << "one gap apart, whichever process asked: slot " << i;
  EXPECT_EQ(slots[3], start + window + guard);
  EXPECT_FALSE(a->persist_failed());
  EXPECT_FALSE(b->persist_failed());
  EXPECT_EQ(log_.count("pacing.persist_failed"), 0u);
}

TEST_F(pacing_persistent_test, a_retry_after_pause_set_by_one_process_is_honoured_by_another) {
  auto a = process();
  auto b = process();
  const auto deadline = clock_.now() + 30s + 500us;
  a->on_retry_after(deadline);
  const auto slot = b->acquire();
  EXPECT_GE(slot, deadline);
  EXPECT_EQ(slot, clock_.now() + 30s + 1ms);  // rounded up, never down
  EXPECT_EQ(store_.database()
                .execAndGet("SELECT value FROM meta WHERE key = 'rate_limit.paused_until'")
                .getString(),
            "2024-01-01T00:00:30.001Z");
  // An earlier deadline changes nothing.
  b->on_retry_after(clock_.now() + 1s);
  EXPECT_GE(a->acquire(), deadline);
}

TEST_F(pacing_persistent_test, a_restart_keeps_the_budget) {
  std::vector<clock::time_point> slots;
  {
    auto first = process();
    for (std::size_t i = 0; i < per_window; ++i)
      slots.push_back(first->acquire());
  }
  clock_.advance(5s);
  auto second = process();
  const auto next = second->acquire();
  EXPECT_EQ(next, slots[0] + window + guard);
  slots.push_back(next);
  EXPECT_TRUE(within_budget(slots));
  EXPECT_EQ(second->export_state().sent.size(), per_window);
}

TEST_F(pacing_persistent_test, slots_outside_the_window_are_not_kept) {
  auto a = process();
  for (std::size_t i = 0; i < per_window; ++i)
    a->acquire();
  EXPECT_EQ(stored_slots(), 3);
  clock_.advance(2 * window);
  a->acquire();
  EXPECT_EQ(stored_slots(), 1);
}

TEST_F(pacing_persistent_test, an_imported_state_joins_the_stored_one_without_counting_a_slot_twice) {
  auto a = process();
  const auto s1 = a->acquire();
  // The same slot imported again, plus one more.
  a->import_state({{s1, s1 + 1s}, std::nullopt, std::nullopt});
  EXPECT_EQ(stored_slots(), 2);
  auto b = process();
  EXPECT_EQ(b->acquire(), s1 + 1s + gap) << "one gap after the latest slot, imported or not";
  EXPECT_EQ(b->acquire(), s1 + window + guard) << "the window after the first";
}

// Issue 17 point 3: a state exported by one limiter and imported by another keeps the spacing,
// whichever kind each is.
TEST_F(pacing_persistent_test, an_exported_state_keeps_its_spacing_where_it_is_imported) {
  auto a = process();
  const auto s1 = a->acquire();
  const auto s2 = a->acquire();
  EXPECT_EQ(s2 - s1, gap);
  const auto exported = a->export_state();
  EXPECT_EQ(exported.sent, (std::vector<clock::time_point>{s1, s2}));
  // In memory (a plan without a state database, say): the next slot is a gap after the last.
  sliding_window_rate_limiter memory(per_window, window, clock_);
  memory.import_state(exported);
  EXPECT_EQ(memory.next_slot(), s2 + gap);
  // Into another file: stored, and its next slot is a gap after the last too.
  state_store other_store(dir_ / "other.db", test_url);
  persistent_rate_limiter other(dir_ / "other.db", per_window, window, clock_, opts());
  other.import_state(exported);
  EXPECT_EQ(persistent_rate_limiter::stored_state(other_store).sent, exported.sent);
  EXPECT_EQ(other.acquire(), s2 + gap);
  EXPECT_EQ(other.acquire(), s1 + window + guard);
  EXPECT_FALSE(other.persist_failed());
}

TEST_F(pacing_persistent_test, an_in_memory_store_can_be_shared_through_its_connection) {
  state_store memory(state_store::in_memory, test_url);
  persistent_rate_limiter a(memory, per_window, window, clock_, opts());
  persistent_rate_limiter b(memory, per_window, window, clock_, opts());
  std::vector<clock::time_point> slots;
  for (int i = 0; i < 8; ++i)
    slots.push_back((i % 2 == 0 ? a : b).acquire());
  EXPECT_TRUE(within_budget(slots));
  EXPECT_FALSE(a.persist_failed());
}

TEST_F(pacing_persistent_test, a_locked_file_falls_back_to_memory_and_says_so_once) {
  auto a = process(20ms);
  SQLite::Database other(file_, SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");  // another writer holds the file past the busy timeout
  std::vector<clock::time_point> slots;
  for (int i = 0; i < 7; ++i)
    slots.push_back(a->acquire());
  other.exec("ROLLBACK");
  EXPECT_TRUE(a->persist_failed());
  EXPECT_TRUE(within_budget(slots));  // still paced, in memory
  EXPECT_EQ(slots[3], slots[0] + window + guard);
  EXPECT_EQ(log_.count("pacing.persist_failed"), 1u);
  EXPECT_NE(log_.text.str().find(file_.string()), std::string::npos);
}

TEST_F(pacing_persistent_test, a_file_that_refuses_writes_falls_back_and_reports) {
  auto a = process();
  a->acquire();
  // What a full disk or a read-only file looks like from here: every write of the table fails.
  store_.database().exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON rate_limit_slots BEGIN SELECT RAISE(ABORT, 'disk I/O error'); "
      "END");
  std::vector<clock::time_point> slots{clock_.now()};
  for (int i = 0; i < 5; ++i)
    slots.push_back(a->acquire());
  EXPECT_TRUE(a->persist_failed());
  EXPECT_TRUE(within_budget(slots));
  EXPECT_EQ(log_.count("pacing.persist_failed"), 1u);
  a->on_retry_after(clock_.now() + 1h);  // no throw, no second report
  EXPECT_GE(a->acquire(), clock_.now() + 1h);
  EXPECT_EQ(log_.count("pacing.persist_failed"), 1u);
  // The failed transaction left the stored state as it was.
  EXPECT_EQ(stored_slots(), 1);
}

TEST_F(pacing_persistent_test, a_missing_or_unmigrated_file_falls_back_at_once) {
  persistent_rate_limiter missing(dir_ / "no-such.db", per_window, window, clock_, opts());
  EXPECT_TRUE(missing.persist_failed());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no-such.db"));  // never created here
  {
    SQLite::Database raw(dir_ / "empty.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE x (a INTEGER)");
  }
  persistent_rate_limiter unmigrated(dir_ / "empty.db", per_window, window, clock_, opts());
  EXPECT_TRUE(unmigrated.persist_failed());
  std::vector<clock::time_point> slots;
  for (int i = 0; i < 5; ++i)
    slots.push_back(unmigrated.acquire());
  EXPECT_TRUE(within_budget(slots));
  EXPECT_EQ(log_.count("pacing.persist_failed"), 2u);  // once per limiter
}

// Issue 13, finding 2: one stored slot in the future (a wall clock stepped back since: NTP, a VM
// restore) held every command until that time.
TEST_F(pacing_persistent_test, a_stored_slot_far_in_the_future_is_clamped_with_one_warning) {
  store_.database().exec("INSERT INTO rate_limit_slots (sent_at) VALUES ('2099-01-01T00:00:00.000Z')");
  auto a = process();
  EXPECT_EQ(a->next_slot(), clock_.now() + gap) << "a gap after the slot moved back to now";
  EXPECT_EQ(a->acquire(), clock_.now() + gap) << "not 2099";
  EXPECT_EQ(log_.count("pacing.clamped"), 1u) << log_.text.str();
  EXPECT_NE(log_.text.str().find("1 send slot up to 2099-01-01T00:00:00.000Z moved back to now"),
            std::string::npos)
      << log_.text.str();
  EXPECT_EQ(
      store_.database().execAndGet("SELECT count(*) FROM rate_limit_slots WHERE sent_at >= '2099'").getInt(),
      0)
      << "stored clamped";
  a->acquire();
  EXPECT_EQ(log_.count("pacing.clamped"), 1u) << "reported once";
  EXPECT_FALSE(a->persist_failed());
}

// Issue 13, finding 2, as it happens: the wall clock steps back two hours (NTP, a VM restore)
// after a process stored its slots and a pause; the next process used to wait those two hours.
TEST_F(pacing_persistent_test, a_wall_clock_stepped_back_moves_every_stored_time_back_by_as_much) {
  {
    auto first = process();
    for (std::size_t i = 0; i < per_window; ++i)
      first->acquire();
    first->on_retry_after(clock_.now() + 30s);
  }
  clock_.advance(-2h);
  auto second = process();
  EXPECT_EQ(second->acquire(), clock_.now() + window + guard)
      << "the window still holds (3 sends just now), but not the two hours";
  EXPECT_EQ(log_.count("pacing.clamped"), 1u) << log_.text.str();
  EXPECT_NE(log_.text.str().find("the wall clock stepped back 7200 s"), std::string::npos) << log_.text.str();
  EXPECT_EQ(stored_pause(), "2023-12-31T22:00:30.000Z") << "the pause moved back as well, and stored so";
}

// Issue 13, finding 1: a pause stored beyond max_pause (an older eightsync kept a year) is cut to
// max_pause when loaded, and stored so: the next command does not cut it afresh, later.
TEST_F(pacing_persistent_test, a_stored_pause_beyond_max_pause_is_clamped_and_stored_so) {
  store_.database().exec(
      "INSERT INTO meta (key, value) VALUES ('rate_limit.paused_until', '2099-01-01T00:00:00.000Z')");
  auto o = opts();
  o.max_pause = 10min;
  persistent_rate_limiter a(file_, per_window, window, clock_, o);
  EXPECT_EQ(a.next_slot(), clock_.now() + 10min);
  EXPECT_EQ(log_.count("pacing.clamped"), 1u) << log_.text.str();
  EXPECT_EQ(stored_pause(), "2024-01-01T00:10:00.000Z") << "a look (next_slot) stores the clamp too";
  clock_.advance(5min);
  persistent_rate_limiter b(file_, per_window, window, clock_, o);
  EXPECT_EQ(b.acquire(), manual_clock{}.now() + 10min) << "the stored pause ends where it was cut";
  // A Retry-After beyond max_pause is cut too.
  b.on_retry_after(clock_.now() + std::chrono::years{31});
  EXPECT_EQ(stored_pause(), "2024-01-01T00:15:00.000Z");
}

TEST_F(pacing_persistent_test, next_slot_reserves_nothing) {
  auto a = process();
  for (std::size_t i = 0; i < per_window; ++i)
    a->acquire();
  EXPECT_EQ(a->next_slot(), clock_.now() + window + guard);
  EXPECT_EQ(a->next_slot(), clock_.now() + window + guard);
  EXPECT_EQ(stored_slots(), 3);
  a->on_retry_after(clock_.now() + 30min);
  EXPECT_EQ(a->next_slot(), clock_.now() + 30min);
  EXPECT_EQ(a->export_state().paused_until, clock_.now() + 30min) << "the state behind the answer";
}

TEST_F(pacing_persistent_test, clear_pause_removes_the_pause_and_moves_future_slots_to_now) {
  auto a = process();
  a->acquire();
  a->on_retry_after(clock_.now() + 30min);
  a->acquire();  // handed out at the pause's end
  EXPECT_EQ(persistent_rate_limiter::stored_state(store_).paused_until, clock_.now() + 30min);
  const auto cleared = persistent_rate_limiter::clear_pause(store_, clock_.now());
  EXPECT_EQ(cleared.pause, clock_.now() + 30min);
  EXPECT_EQ(cleared.slots, 1u);
  const auto st = persistent_rate_limiter::stored_state(store_);
  EXPECT_FALSE(st.paused_until);
  EXPECT_EQ(st.sent, (std::vector<clock::time_point>{clock_.now(), clock_.now()})) << "no send forgotten";
  EXPECT_EQ(a->acquire(), clock_.now() + gap) << "one gap after the sends moved to now, not the pause's end";
  EXPECT_FALSE(persistent_rate_limiter::clear_pause(store_, clock_.now()).pause);
}

TEST_F(pacing_persistent_test, invalid_limits_are_refused) {
  EXPECT_THROW(persistent_rate_limiter(file_, 0, window, clock_), std::invalid_argument);
  EXPECT_THROW(persistent_rate_limiter(store_, 1, 0s, clock_), std::invalid_argument);
}

}  // namespace
}  // namespace eightsync::core
