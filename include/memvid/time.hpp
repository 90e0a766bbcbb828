#pragma once
// Time phrases ("last monday", "Q4 2025", "in the last 24 hours", "2025-11-17") resolved to
// windows of real instants in an IANA time zone read from the system's tz database. One
// resolver serves `when`, --since/--until/--at-time, `date:` in queries and the dates facts
// take from their text, so a phrase means the same window everywhere.
//
// A day is [00:00, next 00:00) local, so a DST day lasts 23 or 25 hours; ranges include their
// last day ("nov 1 to nov 3" ends at Nov 4 00:00). Bad phrases, unknown zones and values
// outside years 0001-9999 throw Error(InvalidArgument) with a message that says why.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memvid {

struct TimeContext {
  std::int64_t anchor_ms = 0;  // "now": what today, last week and 3 days ago count from
  std::string zone = "UTC";    // IANA name, "UTC", an offset such as "+05:30", or "local"
};

struct TimeWindow {
  // [start_ms, end_ms) in milliseconds since the epoch; an absent end is open ("since may").
  std::optional<std::int64_t> start_ms, end_ms;
  // What the phrase named: instant, second, minute, hour, day, week, weekend, month,
  // quarter, year, decade, part-of-day, rolling or range.
  std::string granularity;
  std::string zone;  // the zone's canonical name, as resolved
  // The edges as local ISO-8601 with their offset (2025-11-17T00:00:00-05:00).
  std::optional<std::string> start_local, end_local;
  // A reading had to be chosen: 03/04/2025 is read month-first (March 4), and `note` says
  // so; a two-digit year is read in 1970-2069.
  bool ambiguous = false;
  std::string note;
};

// Resolves a phrase. Accepted (case-insensitive; "on", "in", "during" in front are ignored):
//   now, today, yesterday, tomorrow, tonight, the day before yesterday, the day after tomorrow
//   monday, last/this/next monday, (yesterday|today|monday...) morning/afternoon/evening/night
//   this/last/next/previous day|week|weekend|month|quarter|year|decade, last night
//   N minutes|hours|days|weeks|months|quarters|years ago, in N days, N days from now
//   in the last N hours, past N days, next N weeks (rolling windows from the anchor)
//   2025, 2025-11, 2025-11-17, 2025-W47, 2025-11-17T15:00[:00][Z|+01:00], @1700000000 (epoch s)
//   November 2025, nov 17, nov 17 2025, 17 november 2025, Q4 2025, 2025 Q4, the 1990s
//   11/17/2025, 17/11/2025, 17.11.2025, 03/04/2025 (ambiguous: month first)
//   since X, after X, before X, until X, between X and Y, from X to Y, X to Y, X..Y
// A year-less date ("nov 17", "march") is the most recent one on or before the anchor's day.
TimeWindow resolve_time_phrase(std::string_view phrase, const TimeContext& context);

// A date or date range that a text mentions ("on March 5, 2024", "last week", "Q4 2025",
// "Copyright 1998-2004"), found by find_time_mentions and stored for every text frame of a
// memory (the date-mention part, docs/FORMAT.md), so that `when --mentions` and the query
// filter `mentions:` find frames that talk about a time. Days are calendar days as written,
// in no time zone: "March 5" is March 5 wherever the reader is. Relative phrases ("last
// week") count from the day the text was written (the frame's timestamp, in UTC).
struct TimeMention {
  std::uint64_t frame = 0;           // the frame it is in (0 outside a memory)
  std::uint64_t begin = 0, end = 0;  // byte span in the text
  std::string text;                  // the words, as written
  std::string first_day, last_day;   // YYYY-MM-DD, both included
  // day, week, weekend, month, quarter, season, half, year, decade or range
  std::string granularity;
  bool relative = false;   // counted from the day the text was written
  bool ambiguous = false;  // 03/04/2025 read month first, a two-digit year
};

// The mentions in a text written at written_ms (epoch ms), in text order. Never throws on
// any text; a span that names no real day (February 30) is not a mention.
std::vector<TimeMention> find_time_mentions(std::string_view text, std::int64_t written_ms);

// The instants a time value covers, both included; an absent edge is open ("since 2024").
struct TimeSpan {
  std::optional<std::int64_t> first, last;
  bool phrase = false;  // read as a phrase in the context's zone (not an instant or a UTC day)
};
// A time value as flags and query fields take it: epoch milliseconds or an ISO-8601 instant is
// that instant, a bare day (2025-11-17) its whole UTC day, and anything else (a bare four-digit
// year included: 2025 is the year, not 2025 ms) a phrase's window [start, end - 1 ms]. Throws
// what resolve_time_phrase throws.
TimeSpan resolve_time_value(std::string_view text, const TimeContext& context);

// Throws Error(InvalidArgument) naming the zone unless it can be loaded.
void check_time_zone(std::string_view zone);

// An instant as local ISO-8601 with its offset: 2025-11-17T00:00:00-05:00.
std::string format_local_time(std::int64_t ms, std::string_view zone);

}  // namespace memvid
