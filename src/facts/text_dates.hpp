#pragma once
// When a sentence says a fact began: "in 2024", "since March 2023", "on 2024-05-06",
// "last year", "two years ago", "in May", resolved against the frame's time (UTC) by the
// product's one time resolver (memvid/time.hpp), so they mean what `when` says they do. The
// start of the period it names is the fact's valid_from: a year is its January 1st, a month
// its first day. Dates that say when something ended ("until 2020") are not starts and are
// ignored.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "facts/words.hpp"

namespace memvid::facts {

struct TextDate {
  std::int64_t start_ms = 0;
  std::size_t first_word = 0, end_word = 0;  // the words that say it, [first, end)
};

std::optional<TextDate> find_start_date(const Sentence& s, std::int64_t frame_ms);

// "two" -> 2 ... "twelve" -> 12, "a" / "an" -> 1, digits as digits; else -1.
int small_number(std::string_view folded);

}  // namespace memvid::facts
