// Pacing against the emulator's own sliding-window limit, read back from its request log.
#include "client_fixture.hpp"
#include "core/clock.hpp"
#include "core/sliding_window_rate_limiter.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_outcome;
using namespace std::chrono_literals;

class pacing : public client_test {};

TEST_F(pacing, NothingIsSentBeforeRetryAfter) {
  // The emulator allows 2 requests per 3 s; the client has no limit of its own, so its third
  // request meets a 429 with Retry-After (about 3 s).
  start({"--rate-limit", "2/3s"});
  const auto ids = seed_many(1);
  auto o = options();
  o.retry.max_delay = 10s;  // wait for Retry-After inside the call
  auto limiter = o.rate_limiter;
  auto& c = client(o);
  ASSERT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok);
  ASSERT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok);
  const auto r = run(c.get(ids[0]));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_TRUE(r.retry_after);
  // Another call after the pause is paced by the same limiter, and is served.
  EXPECT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok);

  const auto entries = log();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[2].status, 429u);
  const auto pause = *r.retry_after - entries[2].time;
  EXPECT_GE(pause, 1s) << "Retry-After was honoured as given (the header is at least 1 s)";
  for (std::size_t i = 3; i < entries.size(); ++i) {
    // Log times are truncated to the millisecond; the deadline is not.
    EXPECT_GE(entries[i].time + 1ms, *r.retry_after)
        << "request " << entries[i].seq << " came before Retry-After";
    EXPECT_NE(entries[i].status, 429u);
  }
  ASSERT_TRUE(limiter->export_state().paused_until);
  EXPECT_EQ(*limiter->export_state().paused_until, *r.retry_after)
      << "the pause lives in the limiter's state";
}

TEST_F(pacing, A429BeyondMaxDelayReturnsAndPausesTheNextCall) {
  start({"--rate-limit", "1/3s"});
  const auto ids = seed_many(1);
  auto o = options();
  o.retry.max_delay = 100ms;  // too short to wait for a 3 s Retry-After inside the call
  auto& c = client(o);
  ASSERT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok);
  const auto limited = run(c.get(ids[0]));
  EXPECT_EQ(limited.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.attempts, 1u);
  ASSERT_TRUE(limited.retry_after);
  const auto next = run(c.get(ids[0]));  // a different call: the limiter still holds the pause
  EXPECT_EQ(next.outcome, scim_outcome::ok) << next.detail;
  const auto entries = log();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_GE(entries[2].time + 1ms, *limited.retry_after);
}

TEST_F(pacing, A429OnPostIsSentAgainAfterRetryAfter) {
  // 429 is a refusal before processing: the POST is sent again once the pause has passed, and
  // exactly one user is created.
  start({"--rate-limit", "1/2s"});
  auto o = options();
  o.retry.max_delay = 10s;
  auto& c = client(o);
  ASSERT_EQ(run(c.create(user("a@example.com"))).outcome, scim_outcome::ok);
  const auto r = run(c.create(user("b@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_TRUE(r.retry_after);
  const auto entries = log();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].status, 429u);
  EXPECT_FALSE(entries[1].applied);
  EXPECT_GE(entries[2].time + 1ms, *r.retry_after) << "the POST came back before Retry-After";
  EXPECT_EQ(entries[2].status, 201u);
  EXPECT_EQ(dump().size(), 2u);
}

TEST_F(pacing, A429OnPostBeyondMaxDelayIsNotResent) {
  start({"--rate-limit", "1/5s"});
  auto o = options();
  o.retry.max_delay = 100ms;  // too short to wait for a 5 s Retry-After inside the call
  auto& c = client(o);
  ASSERT_EQ(run(c.create(user("a@example.com"))).outcome, scim_outcome::ok);
  const auto r = run(c.create(user("b@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(log().size(), 2u);
  EXPECT_EQ(dump().size(), 1u);
}

TEST_F(pacing, SameLimitNeverExceedsTheWindowAndNever429s) {
  // Client and emulator both at 3 requests per 2 s; 10 requests take three windows and more.
  start({"--rate-limit", "3/2s"});
  const auto ids = seed_many(4);
  auto o = options();
  o.rate_limiter = std::make_shared<core::sliding_window_rate_limiter>(3, 2s, core::wall_clock::instance());
  auto& c = client(o);
  for (int i = 0; i < 10; ++i) {
    const auto r = run(c.get(ids[static_cast<std::size_t>(i) % ids.size()]));
    ASSERT_EQ(r.outcome, scim_outcome::ok) << r.detail;
    ASSERT_EQ(r.attempts, 1u);
  }
  const auto entries = log();
  ASSERT_EQ(entries.size(), 10u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_NE(entries[i].status, 429u) << "request " << entries[i].seq;
    if (i + 3 < entries.size()) {
      // Any 4 consecutive requests span more than the window (log times truncated to ms).
      EXPECT_GE(entries[i + 3].time - entries[i].time + 1ms, 2s)
          << "requests " << entries[i].seq << ".." << entries[i + 3].seq;
    }
  }
}

}  // namespace
}  // namespace eightsync::client_test
