// The retry policy: data plus full-jitter backoff.
#include <random>

#include <gtest/gtest.h>

#include "core/retry_policy.hpp"

namespace eightsync::core {
namespace {

using namespace std::chrono_literals;

TEST(retry_policy, DefaultsRetryTheUsual5xx) {
  const retry_policy p;
  EXPECT_EQ(p.attempts, 5u);
  for (unsigned s : {500u, 502u, 503u, 504u})
    EXPECT_TRUE(p.is_retryable_status(s)) << s;
  for (unsigned s : {400u, 401u, 403u, 404u, 409u, 429u, 501u})
    EXPECT_FALSE(p.is_retryable_status(s)) << s;
  EXPECT_TRUE(p.retry_transport_errors);
}

TEST(retry_policy, AttemptsCountTheFirstTry) {
  retry_policy p;
  p.attempts = 3;
  EXPECT_TRUE(p.may_try_again(1));
  EXPECT_TRUE(p.may_try_again(2));
  EXPECT_FALSE(p.may_try_again(3));
  p.attempts = 1;
  EXPECT_FALSE(p.may_try_again(1)) << "one attempt means no retry";
}

TEST(retry_policy, BackoffCapDoublesUpToMaxDelay) {
  retry_policy p;
  p.base_delay = 100ms;
  p.max_delay = 1000ms;
  EXPECT_EQ(p.backoff_cap(1), 100ms);
  EXPECT_EQ(p.backoff_cap(2), 200ms);
  EXPECT_EQ(p.backoff_cap(3), 400ms);
  EXPECT_EQ(p.backoff_cap(4), 800ms);
  EXPECT_EQ(p.backoff_cap(5), 1000ms);
  EXPECT_EQ(p.backoff_cap(1'000'000), 1000ms) << "no overflow";
  p.base_delay = 5000ms;
  EXPECT_EQ(p.backoff_cap(1), 1000ms) << "a base over the max is capped";
}

TEST(retry_policy, FullJitterStaysWithinTheCapAndSpreads) {
  retry_policy p;
  p.base_delay = 1000ms;
  p.max_delay = 60'000ms;
  std::mt19937_64 rng(12345);
  for (std::size_t attempt = 1; attempt <= 10; ++attempt) {
    const auto cap = p.backoff_cap(attempt);
    std::chrono::milliseconds lo = cap;
    std::chrono::milliseconds hi{0};
    double sum = 0;
    constexpr int draws = 2000;
    for (int i = 0; i < draws; ++i) {
      const auto d = p.delay_for(attempt, rng);
      ASSERT_GE(d, 0ms);
      ASSERT_LE(d, cap);
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      sum += static_cast<double>(d.count());
    }
    const double mean = sum / draws;
    EXPECT_NEAR(mean, static_cast<double>(cap.count()) / 2, static_cast<double>(cap.count()) * 0.05)
        << attempt;
    EXPECT_LT(lo, cap / 10) << "full jitter reaches near zero";
    EXPECT_GT(hi, cap * 9 / 10) << "and near the cap";
  }
}

TEST(retry_policy, SameSeedSameDelays) {
  const retry_policy p;
  std::mt19937_64 a(7);
  std::mt19937_64 b(7);
  for (std::size_t i = 1; i < 20; ++i)
    EXPECT_EQ(p.delay_for(i, a), p.delay_for(i, b));
}

TEST(retry_policy, ZeroBaseDelayMeansNoWait) {
  retry_policy p;
  p.base_delay = 0ms;
  std::mt19937_64 rng(1);
  for (std::size_t i = 1; i < 10; ++i)
    EXPECT_EQ(p.delay_for(i, rng), 0ms);
}

TEST(retry_policy, RetryableStatusesAreData) {
  retry_policy p;
  p.retryable_statuses = {503};
  EXPECT_TRUE(p.is_retryable_status(503));
  EXPECT_FALSE(p.is_retryable_status(500));
}

// How a status is read is data: the default rules, and a policy that changes them.
TEST(retry_policy, StatusesAreClassifiedByTheRules) {
  const retry_policy p;
  EXPECT_EQ(p.classify(200), scim_outcome::ok);
  EXPECT_EQ(p.classify(201), scim_outcome::ok);
  EXPECT_EQ(p.classify(204), scim_outcome::ok);
  EXPECT_EQ(p.classify(401), scim_outcome::auth_failed);
  EXPECT_EQ(p.classify(403), scim_outcome::write_forbidden);
  EXPECT_EQ(p.classify(404), scim_outcome::not_found);
  EXPECT_EQ(p.classify(409), scim_outcome::conflict);
  EXPECT_EQ(p.classify(429), scim_outcome::rate_limited);
  EXPECT_EQ(p.classify(400), scim_outcome::invalid);
  EXPECT_EQ(p.classify(422), scim_outcome::invalid);
  EXPECT_EQ(p.classify(500), scim_outcome::server);
  EXPECT_EQ(p.classify(503), scim_outcome::server);
  EXPECT_EQ(p.classify(599), scim_outcome::server);
  // No rule: an answer SCIM never gives breaks the protocol.
  EXPECT_EQ(p.classify(101), scim_outcome::protocol);
  EXPECT_EQ(p.classify(302), scim_outcome::protocol);
  EXPECT_EQ(p.classify(0), scim_outcome::protocol);
}

TEST(retry_policy, A429AlwaysPausesA503OnlyWithRetryAfter) {
  const retry_policy p;
  EXPECT_TRUE(p.pauses(429, true));
  EXPECT_TRUE(p.pauses(429, false));
  EXPECT_TRUE(p.pauses(503, true));
  EXPECT_FALSE(p.pauses(503, false));
  EXPECT_FALSE(p.pauses(500, true));
  EXPECT_FALSE(p.pauses(200, true));
}

TEST(retry_policy, ChangedRulesChangeTheReading) {
  retry_policy p;
  p.status_rules.insert(p.status_rules.begin(), status_rule{418, 418, scim_outcome::conflict});
  p.pause_statuses = {502, 503};
  EXPECT_EQ(p.classify(418), scim_outcome::conflict);
  EXPECT_EQ(p.classify(417), scim_outcome::invalid);
  EXPECT_TRUE(p.pauses(502, true));
  p.status_rules.clear();
  EXPECT_EQ(p.classify(200), scim_outcome::protocol);
  EXPECT_FALSE(p.pauses(429, false)) << "without its rule, 429 is no longer a refusal";
}

}  // namespace
}  // namespace eightsync::core
