#include "memvid/timestamp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

namespace memvid {
namespace {

constexpr std::int64_t kDay = 86'400'000;

TEST(Timestamp, ParsesIntegerMilliseconds) {
  EXPECT_EQ(parse_timestamp_ms("1700000000000"), 1700000000000);
  EXPECT_EQ(parse_timestamp_ms("0"), 0);
  EXPECT_EQ(parse_timestamp_ms("-5"), -5);
  EXPECT_EQ(parse_timestamp_ms("+42"), 42);
  EXPECT_EQ(parse_timestamp_ms("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_timestamp_ms("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
}

TEST(Timestamp, ParsesDates) {
  EXPECT_EQ(parse_timestamp_ms("1970-01-01"), 0);
  EXPECT_EQ(parse_timestamp_ms("1970-01-02"), kDay);
  EXPECT_EQ(parse_timestamp_ms("1969-12-31"), -kDay);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31"), 1706659200000);
  EXPECT_EQ(parse_timestamp_ms("2000-03-01"), 951868800000);
}

TEST(Timestamp, ParsesDateTimesWithFractionsAndSeparators) {
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34:56"), 1706704496000);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31 12:34:56"), 1706704496000);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31t12:34:56z"), 1706704496000);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34:56Z"), 1706704496000);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34"), 1706704440000);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34:56.789Z"), 1706704496789);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34:56.7"), 1706704496700);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34:56.78"), 1706704496780);
  // Sub-millisecond digits are truncated, not rounded.
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T12:34:56.789999"), 1706704496789);
}

TEST(Timestamp, AppliesOffsets) {
  const std::int64_t utc = *parse_timestamp_ms("2024-01-31T12:00:00Z");
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T14:00:00+02:00"), utc);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T14:00:00+0200"), utc);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T14:00:00+02"), utc);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T06:30:00-0530"), utc);
  EXPECT_EQ(parse_timestamp_ms("2024-01-31T06:30:00-05:30"), utc);
  // An offset can move the instant across a day and a year boundary.
  EXPECT_EQ(parse_timestamp_ms("2024-01-01T01:00:00+02:00"), parse_timestamp_ms("2023-12-31T23:00:00Z"));
}

TEST(Timestamp, HandlesLeapYears) {
  EXPECT_TRUE(parse_timestamp_ms("2024-02-29").has_value());
  EXPECT_TRUE(parse_timestamp_ms("2000-02-29").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2023-02-29").has_value());
  EXPECT_FALSE(parse_timestamp_ms("1900-02-29").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2024-02-30").has_value());
  EXPECT_EQ(*parse_timestamp_ms("2024-03-01") - *parse_timestamp_ms("2024-02-28"), 2 * kDay);
  EXPECT_EQ(*parse_timestamp_ms("2023-03-01") - *parse_timestamp_ms("2023-02-28"), kDay);
  EXPECT_EQ(format_timestamp_iso(*parse_timestamp_ms("2024-02-29T23:59:59.999Z")), "2024-02-29T23:59:59.999Z");
}

TEST(Timestamp, RejectsInvalidInput) {
  for (const char* bad :
       {"", " ", "garbage", "12abc", "abc12", "-", "+", "1.5", "1e9", " 123", "123 ", "99999999999999999999",
        "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2024-04-31", "2024-1-31",
        "24-01-31", "2024/01/31", "2024-01-31T", "2024-01-31T24:00:00", "2024-01-31T12:60:00",
        "2024-01-31T12:00:60", "2024-01-31T12", "2024-01-31T12:00:00.", "2024-01-31T12:00:00+",
        "2024-01-31T12:00:00+2", "2024-01-31T12:00:00+24:00", "2024-01-31T12:00:00+02:60",
        "2024-01-31T12:00:00Zjunk", "2024-01-31Z", "2024-01-31 ", "2024-01-31T1:00:00"}) {
    EXPECT_FALSE(parse_timestamp_ms(bad).has_value()) << "accepted '" << bad << "'";
  }
}

TEST(Timestamp, FormatsWithMilliseconds) {
  EXPECT_EQ(format_timestamp_iso(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_iso(1706704496789), "2024-01-31T12:34:56.789Z");
  EXPECT_EQ(format_timestamp_iso(1706704496000), "2024-01-31T12:34:56.000Z");
  EXPECT_EQ(format_timestamp_iso(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_iso(-kDay), "1969-12-31T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_iso(*parse_timestamp_ms("0000-01-01")), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_iso(*parse_timestamp_ms("9999-12-31T23:59:59.999Z")), "9999-12-31T23:59:59.999Z");
}

TEST(Timestamp, FormatsEveryInt64WithoutOverflow) {
  // Out-of-range years get a sign; the point is that nothing traps or prints garbage.
  EXPECT_EQ(format_timestamp_iso(*parse_timestamp_ms("9999-12-31T23:59:59.999Z") + 1), "+10000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_iso(*parse_timestamp_ms("0000-01-01") - 1), "-0001-12-31T23:59:59.999Z");
  EXPECT_FALSE(format_timestamp_iso(std::numeric_limits<std::int64_t>::max()).empty());
  EXPECT_FALSE(format_timestamp_iso(std::numeric_limits<std::int64_t>::min()).empty());
}

TEST(Timestamp, RoundTripsAcrossTheCalendar) {
  const std::int64_t first = *parse_timestamp_ms("0000-01-01");
  const std::int64_t last = *parse_timestamp_ms("9999-12-31T23:59:59.999Z");
  // A stride coprime with days and seconds walks through many dates, times and leap days.
  const std::int64_t stride = 7'777'777'777;  // ~90 days and a fraction of a second
  for (std::int64_t ms = first; ms <= last; ms += stride) {
    const std::string text = format_timestamp_iso(ms);
    ASSERT_EQ(parse_timestamp_ms(text), ms) << text;
  }
  for (std::int64_t ms : {first, last, std::int64_t{0}, std::int64_t{-1}, std::int64_t{951782400000}})
    EXPECT_EQ(parse_timestamp_ms(format_timestamp_iso(ms)), ms);
}

TEST(Timestamp, DayNumbersAreContinuous) {
  // Each calendar day from 1600 to 2400 follows the previous one by exactly 24 hours, which
  // checks the month lengths and leap rules against the day arithmetic.
  std::int64_t previous = *parse_timestamp_ms("1600-01-01") - kDay;
  for (int y = 1600; y < 2400; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= 31; ++d) {
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        auto ms = parse_timestamp_ms(text);
        if (!ms) continue;
        ASSERT_EQ(*ms, previous + kDay) << text;
        previous = *ms;
      }
    }
  }
}

}  // namespace
}  // namespace memvid
