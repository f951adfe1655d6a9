// Retry-After values: delay-seconds and the three HTTP-date forms.
#include <gtest/gtest.h>

#include "core/retry_after.hpp"

namespace eightsync::core {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// 1994-11-06T08:49:37Z, RFC 9110's example date.
const clock::time_point example_date =
    time_point_cast<clock::duration>(sys_days{1994y / November / 6} + 8h + 49min + 37s);

TEST(retry_after, DelaySeconds) {
  const auto now = example_date;
  EXPECT_EQ(parse_retry_after("120", now), now + 120s);
  EXPECT_EQ(parse_retry_after("0", now), now);
  EXPECT_EQ(parse_retry_after(" 3 ", now), now + 3s);
}

TEST(retry_after, HugeDelaysAreCutToAYear) {
  const auto now = example_date;
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), now + 366 * 24h);
}

TEST(retry_after, ImfFixdate) {
  const auto now = example_date - 10s;
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), example_date);
}

TEST(retry_after, ObsoleteRfc850AndAsctime) {
  const auto now = example_date - 10s;
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), example_date);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), example_date);
}

TEST(retry_after, ADateInThePastMeansNow) {
  const auto now = example_date + 1h;
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), now);
}

TEST(retry_after, GarbageIsRefused) {
  const auto now = example_date;
  for (const char* bad :
       {"", " ", "-5", "1.5", "12abc", "soon", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_retry_after(bad, now)) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace eightsync::core
