#include "time/calendar_words.hpp"

namespace memvid::calendar {

int month_number(std::string_view w, bool* abbreviated) {
  if (w.size() < 3 || w.size() > 9) return 0;  // "may" .. "september"
  for (int m = 0; m < 12; ++m) {
    const std::string_view name = kMonthNames[static_cast<std::size_t>(m)];
    const bool full = w == name;
    if (full || w == name.substr(0, 3) || (m == 8 && w == "sept")) {
      if (abbreviated) *abbreviated = !full;
      return m + 1;
    }
  }
  return 0;
}

int number_word(std::string_view w) {
  static constexpr std::string_view kWords[] = {"zero", "one", "two",   "three",  "four",   "five",  "six",
                                                "seven", "eight", "nine", "ten", "eleven", "twelve"};
  for (int n = 0; n <= 12; ++n)
    if (w == kWords[n]) return n;
  if (w == "a" || w == "an") return 1;
  return -1;
}

}  // namespace memvid::calendar
