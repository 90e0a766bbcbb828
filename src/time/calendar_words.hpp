#pragma once
// The words of the calendar as the time code reads them (folded to lower case): month and
// weekday names and the small counts written as words, shared by the phrase resolver, the
// date-mention extractor and the dates facts take from their text.
#include <array>
#include <string_view>

namespace memvid::calendar {

inline constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december"};
// Monday first (ISO 8601).
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"monday", "tuesday",  "wednesday", "thursday",
                                                                  "friday", "saturday", "sunday"};

// 1..12 for a month's name, its first three letters or "sept"; 0 otherwise. *abbreviated
// (when given) says whether the word was short.
int month_number(std::string_view folded, bool* abbreviated = nullptr);

// 0..12 for "zero" .. "twelve", 1 for "a" and "an"; -1 otherwise.
int number_word(std::string_view folded);

}  // namespace memvid::calendar
