#pragma once
// The date-mention extractor behind find_time_mentions (memvid/time.hpp) and the date-mention
// index part: finds the spans of a text that name a calendar time and resolves each through
// the one time resolver (resolve_time_phrase, in UTC, anchored at the text's date) into a run
// of calendar days.
//
// It is tuned for precision: a bare number is a year only with a cue around it ("in 2019",
// "Copyright 1998-2004", "(2019)"), a short month or weekday word only next to a day or a
// year ("Mar 5", "Tue, 12 Mar 2024"), and words that merely look like dates ("May I", "march
// forward", "version 2.4", "24/7", "pages 12-15") are left alone. tests/time/
// time_mentions_eval_test.cpp measures it on a labelled set.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::mentions {

enum class Grain : std::uint8_t { Day = 1, Week, Weekend, Month, Quarter, Season, Half, Year, Decade, Range };
const char* grain_name(Grain grain);
bool valid_grain(std::uint8_t value);

struct MentionSpan {
  std::uint32_t begin = 0, end = 0;       // byte span in the text
  std::int64_t first_day = 0, end_day = 0;  // days since 1970-01-01, [first, end)
  Grain grain = Grain::Day;
  bool relative = false, ambiguous = false;
};

// At most this many mentions are kept per text (a bound on what one frame adds to the part).
inline constexpr std::size_t kMaxMentionsPerText = 65'536;

// In text order; spans do not overlap. A text longer than 256 KiB is read in parts that end at
// blank lines (base/paragraphs.hpp), so memory stays bounded; no mention spans a blank line.
// Never throws.
std::vector<MentionSpan> extract_mentions(std::string_view text, std::int64_t written_ms);

// "2024-03-05" for a day number.
std::string iso_day(std::int64_t day);

}  // namespace memvid::mentions
