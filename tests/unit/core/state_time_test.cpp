// format_utc_time / parse_utc_time: the time text of the state database.
#include <gtest/gtest.h>

#include "core/state_time.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::at_ms;

TEST(state_time, formats_iso_8601_utc_with_milliseconds) {
  EXPECT_EQ(format_utc_time(at_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_time(at_ms(1'714'566'896'789)), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(format_utc_time(at_ms(951'782'400'000)), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_utc_time(at_ms(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_utc_time(at_ms(1'714'566'896'789) + std::chrono::microseconds{999}),
            "2024-05-01T12:34:56.789Z");
}

TEST(state_time, parses_what_it_formats_and_sqlite_style_text) {
  for (std::int64_t ms : {0LL, 1'714'566'896'789LL, 951'782'400'000LL, -1LL, 4'102'444'800'000LL}) {
    EXPECT_EQ(parse_utc_time(format_utc_time(at_ms(ms))), at_ms(ms)) << ms;
  }
  EXPECT_EQ(parse_utc_time("2024-05-01T12:34:56Z"), at_ms(1'714'566'896'000));
  EXPECT_EQ(parse_utc_time("2024-05-01 12:34:56.5Z"), at_ms(1'714'566'896'500));
  EXPECT_EQ(parse_utc_time("2024-05-01T12:34:56.123456789Z"),
            clock::time_point{std::chrono::nanoseconds{1'714'566'896'123'456'789LL}});
}

TEST(state_time, rejects_anything_else) {
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:34:56", "2024-05-01T12:34:56+00:00", "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:34:56.Z",
        "2024-05-01T12:34:56.1234567890Z", "2024-05-01T12:34:56Zx", "x024-05-01T12:34:56Z"}) {
    EXPECT_FALSE(parse_utc_time(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace eightsync::core
