// Time phrases through the public resolver: MEMORY.md acceptance cases 14 and 15, DST days
// in three zones (23 and 25 hours), ranges that keep their last day, and errors that say why.
#include <gtest/gtest.h>

#include <random>

#include "memvid/error.hpp"
#include "memvid/time.hpp"
#include "memvid/timestamp.hpp"

namespace memvid {
namespace {

std::int64_t at(const char* iso) {
  const auto ms = parse_timestamp_ms(iso);
  EXPECT_TRUE(ms) << iso;
  return ms.value_or(0);
}

struct Shown {
  std::string start, end, granularity;
};

Shown resolve(const char* phrase, const char* anchor = "2025-11-21T12:00:00Z", const char* zone = "UTC") {
  const TimeWindow w = resolve_time_phrase(phrase, {at(anchor), zone});
  return {w.start_ms ? format_timestamp_iso(*w.start_ms) : "open", w.end_ms ? format_timestamp_iso(*w.end_ms) : "open",
          w.granularity};
}

#define EXPECT_WINDOW(phrase, want_start, want_end)        \
  do {                                                     \
    const Shown s = resolve(phrase);                       \
    EXPECT_EQ(s.start, want_start) << "start of " << phrase; \
    EXPECT_EQ(s.end, want_end) << "end of " << phrase;       \
  } while (0)

TEST(TimePhrase, AcceptanceCase14LastMonday) {
  EXPECT_WINDOW("last monday", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("Last Monday", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
}

TEST(TimePhrase, AcceptanceCase15) {
  // Anchor Friday 2025-11-21 12:00 UTC.
  EXPECT_WINDOW("2025", "2025-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z");
  EXPECT_WINDOW("this week", "2025-11-17T00:00:00.000Z", "2025-11-24T00:00:00.000Z");
  EXPECT_WINDOW("last year", "2024-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z");
  EXPECT_WINDOW("2 months ago", "2025-09-01T00:00:00.000Z", "2025-10-01T00:00:00.000Z");
  EXPECT_WINDOW("2025-11-17", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("November 2025", "2025-11-01T00:00:00.000Z", "2025-12-01T00:00:00.000Z");
  for (const char* bad : {"in 9999999 days", "99999999999999999999 years ago", "in 8000 years", "9999-12-31T23:00 to 10000"}) {
    try {
      (void)resolve_time_phrase(bad, {at("2025-11-21T12:00:00Z"), "UTC"});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(resolve_time_phrase("today", {at("2025-11-21T12:00:00Z"), "Not/AZone"}), Error);
}

TEST(TimePhrase, DaysWeeksMonthsAndRelativeWords) {
  EXPECT_WINDOW("today", "2025-11-21T00:00:00.000Z", "2025-11-22T00:00:00.000Z");
  EXPECT_WINDOW("yesterday", "2025-11-20T00:00:00.000Z", "2025-11-21T00:00:00.000Z");
  EXPECT_WINDOW("tomorrow", "2025-11-22T00:00:00.000Z", "2025-11-23T00:00:00.000Z");
  EXPECT_WINDOW("the day before yesterday", "2025-11-19T00:00:00.000Z", "2025-11-20T00:00:00.000Z");
  EXPECT_WINDOW("friday", "2025-11-21T00:00:00.000Z", "2025-11-22T00:00:00.000Z");
  EXPECT_WINDOW("last friday", "2025-11-14T00:00:00.000Z", "2025-11-15T00:00:00.000Z");
  EXPECT_WINDOW("this monday", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("next monday", "2025-11-24T00:00:00.000Z", "2025-11-25T00:00:00.000Z");
  EXPECT_WINDOW("on tuesday", "2025-11-18T00:00:00.000Z", "2025-11-19T00:00:00.000Z");
  EXPECT_WINDOW("last week", "2025-11-10T00:00:00.000Z", "2025-11-17T00:00:00.000Z");
  EXPECT_WINDOW("next week", "2025-11-24T00:00:00.000Z", "2025-12-01T00:00:00.000Z");
  EXPECT_WINDOW("this month", "2025-11-01T00:00:00.000Z", "2025-12-01T00:00:00.000Z");
  EXPECT_WINDOW("last month", "2025-10-01T00:00:00.000Z", "2025-11-01T00:00:00.000Z");
  EXPECT_WINDOW("next month", "2025-12-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z");
  EXPECT_WINDOW("this quarter", "2025-10-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z");
  EXPECT_WINDOW("last quarter", "2025-07-01T00:00:00.000Z", "2025-10-01T00:00:00.000Z");
  EXPECT_WINDOW("next year", "2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z");
  EXPECT_WINDOW("3 days ago", "2025-11-18T00:00:00.000Z", "2025-11-19T00:00:00.000Z");
  EXPECT_WINDOW("two weeks ago", "2025-11-03T00:00:00.000Z", "2025-11-10T00:00:00.000Z");
  EXPECT_WINDOW("a year ago", "2024-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z");
  EXPECT_WINDOW("11 months ago", "2024-12-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z");
  EXPECT_WINDOW("in 10 days", "2025-12-01T00:00:00.000Z", "2025-12-02T00:00:00.000Z");
  EXPECT_WINDOW("2 days from now", "2025-11-23T00:00:00.000Z", "2025-11-24T00:00:00.000Z");
  EXPECT_WINDOW("3 hours ago", "2025-11-21T09:00:00.000Z", "2025-11-21T10:00:00.000Z");
  EXPECT_WINDOW("this weekend", "2025-11-22T00:00:00.000Z", "2025-11-24T00:00:00.000Z");
  EXPECT_WINDOW("last weekend", "2025-11-15T00:00:00.000Z", "2025-11-17T00:00:00.000Z");
  EXPECT_WINDOW("weekend", "2025-11-15T00:00:00.000Z", "2025-11-17T00:00:00.000Z");
  EXPECT_WINDOW("yesterday afternoon", "2025-11-20T12:00:00.000Z", "2025-11-20T18:00:00.000Z");
  EXPECT_WINDOW("last night", "2025-11-20T18:00:00.000Z", "2025-11-21T06:00:00.000Z");
  EXPECT_WINDOW("this decade", "2020-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z");
  EXPECT_WINDOW("the 1990s", "1990-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z");
}

TEST(TimePhrase, RollingWindowsEndAtTheAnchor) {
  EXPECT_WINDOW("in the last 24 hours", "2025-11-20T12:00:00.000Z", "2025-11-21T12:00:00.001Z");
  EXPECT_WINDOW("past 3 days", "2025-11-18T12:00:00.000Z", "2025-11-21T12:00:00.001Z");
  EXPECT_WINDOW("last 2 weeks", "2025-11-07T12:00:00.000Z", "2025-11-21T12:00:00.001Z");
  EXPECT_WINDOW("past week", "2025-11-14T12:00:00.000Z", "2025-11-21T12:00:00.001Z");
  EXPECT_WINDOW("within the last hour", "2025-11-21T11:00:00.000Z", "2025-11-21T12:00:00.001Z");
  EXPECT_WINDOW("next 2 days", "2025-11-21T12:00:00.000Z", "2025-11-23T12:00:00.000Z");
  // A month back from March 31 is the last day of February.
  const Shown s = resolve("last 1 month", "2025-03-31T08:00:00Z");
  EXPECT_EQ(s.start, "2025-02-28T08:00:00.000Z");
}

TEST(TimePhrase, WrittenDates) {
  EXPECT_WINDOW("nov 17", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("nov 25", "2024-11-25T00:00:00.000Z", "2024-11-26T00:00:00.000Z");  // not yet this year
  EXPECT_WINDOW("November 17th, 2025", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("17 November 2025", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("the 17th of november 2025", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("march", "2025-03-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z");
  EXPECT_WINDOW("december", "2024-12-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z");
  EXPECT_WINDOW("Q4 2025", "2025-10-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z");
  EXPECT_WINDOW("2025 q1", "2025-01-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z");
  EXPECT_WINDOW("2025-Q2", "2025-04-01T00:00:00.000Z", "2025-07-01T00:00:00.000Z");
  EXPECT_WINDOW("2025-11", "2025-11-01T00:00:00.000Z", "2025-12-01T00:00:00.000Z");
  EXPECT_WINDOW("2025-W47", "2025-11-17T00:00:00.000Z", "2025-11-24T00:00:00.000Z");
  EXPECT_WINDOW("2020-W53", "2020-12-28T00:00:00.000Z", "2021-01-04T00:00:00.000Z");
  EXPECT_WINDOW("2025-11-17T15:00", "2025-11-17T15:00:00.000Z", "2025-11-17T15:01:00.000Z");
  EXPECT_WINDOW("2025-11-17 15:00:30", "2025-11-17T15:00:30.000Z", "2025-11-17T15:00:31.000Z");
  EXPECT_WINDOW("2025-11-17T15:00:00+02:00", "2025-11-17T13:00:00.000Z", "2025-11-17T13:00:01.000Z");
  EXPECT_WINDOW("@1700000000", "2023-11-14T22:13:20.000Z", "2023-11-14T22:13:21.000Z");
  EXPECT_WINDOW("11/17/2025", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("17/11/2025", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("17.11.2025", "2025-11-17T00:00:00.000Z", "2025-11-18T00:00:00.000Z");
  EXPECT_WINDOW("2024-02-29", "2024-02-29T00:00:00.000Z", "2024-03-01T00:00:00.000Z");
  EXPECT_WINDOW("feb 29", "2024-02-29T00:00:00.000Z", "2024-03-01T00:00:00.000Z");
}

TEST(TimePhrase, AmbiguousNumericDatesAreFlagged) {
  const TimeWindow w = resolve_time_phrase("03/04/2025", {at("2025-11-21T12:00:00Z"), "UTC"});
  EXPECT_TRUE(w.ambiguous);
  EXPECT_EQ(format_timestamp_iso(*w.start_ms), "2025-03-04T00:00:00.000Z");
  EXPECT_NE(w.note.find("month first"), std::string::npos);
  EXPECT_FALSE(resolve_time_phrase("11/17/2025", {at("2025-11-21T12:00:00Z"), "UTC"}).ambiguous);
  EXPECT_FALSE(resolve_time_phrase("04/04/2025", {at("2025-11-21T12:00:00Z"), "UTC"}).ambiguous);
  EXPECT_TRUE(resolve_time_phrase("11/17/25", {at("2025-11-21T12:00:00Z"), "UTC"}).ambiguous);
}

TEST(TimePhrase, RangesIncludeTheirLastDayAndOpenEnds) {
  EXPECT_WINDOW("nov 1 to nov 3", "2025-11-01T00:00:00.000Z", "2025-11-04T00:00:00.000Z");
  EXPECT_WINDOW("between 2024-01-01 and 2024-01-31", "2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z");
  EXPECT_WINDOW("from march 2024 to may 2024", "2024-03-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z");
  EXPECT_WINDOW("2025-01..2025-03", "2025-01-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z");
  EXPECT_WINDOW("since last monday", "2025-11-17T00:00:00.000Z", "open");
  EXPECT_WINDOW("after 2024", "2025-01-01T00:00:00.000Z", "open");
  EXPECT_WINDOW("before 2024", "open", "2024-01-01T00:00:00.000Z");
  EXPECT_WINDOW("until yesterday", "open", "2025-11-21T00:00:00.000Z");
  EXPECT_WINDOW("up to 2024-06", "open", "2024-07-01T00:00:00.000Z");
  EXPECT_THROW(resolve_time_phrase("2025 to 2024", {at("2025-11-21T12:00:00Z"), "UTC"}), Error);
}

// A local day is [00:00, next 00:00): 23 hours when clocks go forward, 25 when they go back.
TEST(TimePhrase, DstDaysInThreeZones) {
  struct Case {
    const char* zone;
    const char* day;
    const char* start;
    double hours;
  };
  const Case cases[] = {
      {"America/New_York", "2025-03-09", "2025-03-09T05:00:00.000Z", 23},
      {"America/New_York", "2025-11-02", "2025-11-02T04:00:00.000Z", 25},
      {"Europe/Berlin", "2025-03-30", "2025-03-29T23:00:00.000Z", 23},
      {"Europe/Berlin", "2025-10-26", "2025-10-25T22:00:00.000Z", 25},
      {"Australia/Sydney", "2025-10-05", "2025-10-04T14:00:00.000Z", 23},
      {"Australia/Sydney", "2025-04-06", "2025-04-05T13:00:00.000Z", 25},
      {"Australia/Lord_Howe", "2025-10-05", "2025-10-04T13:30:00.000Z", 23.5},
      {"America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00:00.000Z", 23},  // DST began at midnight
      {"America/New_York", "2040-07-04", "2040-07-04T04:00:00.000Z", 24},   // EDT from the footer rule
  };
  for (const Case& c : cases) {
    const TimeWindow w = resolve_time_phrase(c.day, {at("2025-11-21T12:00:00Z"), c.zone});
    EXPECT_EQ(format_timestamp_iso(*w.start_ms), c.start) << c.zone << " " << c.day;
    EXPECT_DOUBLE_EQ(static_cast<double>(*w.end_ms - *w.start_ms) / 3'600'000, c.hours) << c.zone << " " << c.day;
    EXPECT_EQ(w.zone, c.zone);
  }
  // "last monday" from a Tuesday 02:00 in Tokyo is still the Monday before, in Tokyo time.
  const TimeWindow tokyo = resolve_time_phrase("last monday", {at("2025-11-17T17:00:00Z"), "Asia/Tokyo"});
  EXPECT_EQ(format_timestamp_iso(*tokyo.start_ms), "2025-11-16T15:00:00.000Z");
  EXPECT_EQ(format_local_time(*tokyo.start_ms, "Asia/Tokyo"), "2025-11-17T00:00:00+09:00");
  EXPECT_EQ(format_local_time(*tokyo.start_ms, "UTC"), "2025-11-16T15:00:00Z");
}

TEST(TimePhrase, UnknownWordsAreErrorsThatSayWhy) {
  for (const char* bad : {"", "   ", "banana", "last banana", "2025-13", "2025-02-30", "feb 30", "2025-W54", "17",
                          "between monday", "since", "3 bananas ago", "25:00", "2025-11-17T25:00"}) {
    try {
      (void)resolve_time_phrase(bad, {at("2025-11-21T12:00:00Z"), "UTC"});
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << bad;
    }
  }
}

// Random phrases built from the resolver's own words never crash it and, when they resolve,
// give a window whose end is after its start.
TEST(TimePhrase, RandomPhrasesResolveOrFailCleanly) {
  const char* words[] = {"last", "next", "this", "in", "ago", "3", "99999999999", "days", "week", "monday", "nov",
                         "17th", "2025", "q4", "to", "since", "before", "-", "..", "@-5", "2025-11-17t15:00+14:00",
                         "the", "night", "from", "now", "between", "and", "31/12/99", "0", "1"};
  std::mt19937 rng(7);
  int resolved = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string phrase;
    const int n = 1 + static_cast<int>(rng() % 5);
    for (int k = 0; k < n; ++k) phrase += std::string(k ? " " : "") + words[rng() % std::size(words)];
    try {
      const TimeWindow w = resolve_time_phrase(phrase, {at("2025-11-21T12:00:00Z"), "Europe/Berlin"});
      if (w.start_ms && w.end_ms) {
        EXPECT_LT(*w.start_ms, *w.end_ms) << phrase;
      }
      ++resolved;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << phrase;
    }
  }
  EXPECT_GT(resolved, 500);
}

}  // namespace
}  // namespace memvid
