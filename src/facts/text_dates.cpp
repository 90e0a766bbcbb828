#include "facts/text_dates.hpp"

#include <cstdio>
#include <charconv>
#include <string>

#include "memvid/error.hpp"
#include "memvid/time.hpp"
#include "memvid/timestamp.hpp"
#include "time/calendar_words.hpp"

namespace memvid::facts {

namespace {

int year_of(const Word& w) {
  if (!w.digit || w.text.size() != 4) return 0;
  int y = 0;
  auto [p, ec] = std::from_chars(w.text.data(), w.text.data() + 4, y);
  if (ec != std::errc() || p != w.text.data() + 4 || y < 1900 || y > 2100) return 0;
  return y;
}

int day_of(const Word& w) {
  std::string_view t = w.folded;
  for (std::string_view suffix : {"st", "nd", "rd", "th"})
    if (t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix) t.remove_suffix(suffix.size());
  int d = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec != std::errc() || p != t.data() + t.size() || d < 1 || d > 31) return 0;
  return d;
}

bool is_start_word(const Word& w) {
  for (std::string_view s : {"in", "since", "from", "on", "starting", "during", "as", "of", "back", "early", "mid",
                             "late", "around", "by"})
    if (w.is(s)) return true;
  return false;
}

bool is_end_word(const Word& w) {
  for (std::string_view s : {"until", "till", "til", "through", "before", "to"})
    if (w.is(s)) return true;
  return false;
}

// Where the window a phrase names starts, through the product's one time resolver (UTC,
// anchored at the frame's time): the phrases below are the resolver's own words, so a fact's
// valid_from is the same instant `when` and `date:` give for them. None when out of range.
std::optional<std::int64_t> start_of(const std::string& phrase, std::int64_t frame_ms) {
  try {
    return resolve_time_phrase(phrase, TimeContext{frame_ms, "UTC"}).start_ms;
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string two_digits(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

// A date expression starting at word i: its start and the index past it.
std::optional<std::pair<std::int64_t, std::size_t>> date_at(const Sentence& s, std::size_t i, std::int64_t frame_ms) {
  const Word& w = s[i];
  const auto next = [&](std::size_t k) -> const Word* { return k < s.size() ? &s[k] : nullptr; };
  const auto found = [&](const std::string& phrase, std::size_t end) -> std::optional<std::pair<std::int64_t, std::size_t>> {
    if (auto t = start_of(phrase, frame_ms)) return std::make_pair(*t, end);
    return std::nullopt;
  };
  // 2024-05-06
  if (w.digit && w.text.size() == 10 && w.text[4] == '-' && w.text[7] == '-') {
    if (!parse_timestamp_ms(w.text)) return std::nullopt;
    return found(std::string(w.text), i + 1);
  }
  if (int y = year_of(w)) return found(std::to_string(y), i + 1);
  if (int m = calendar::month_number(w.folded); m && (w.capital || w.folded.size() > 3)) {
    // March 2023 / March 5, 2023 / March 5 / March
    std::size_t k = i + 1;
    int day = 0;
    if (const Word* d = next(k); d && d->digit && (day = day_of(*d))) ++k;
    if (const Word* c = next(k); c && c->punct && c->text == "," && next(k + 1) && year_of(*next(k + 1))) ++k;
    const std::string month(calendar::kMonthNames[static_cast<std::size_t>(m - 1)]);
    if (const Word* y = next(k); y && year_of(*y)) {
      const std::string ym = std::to_string(year_of(*y)) + "-" + two_digits(m);
      return found(day ? ym + "-" + two_digits(day) : ym, k + 1);
    }
    // No year: the most recent such month (or day) not after the frame.
    return found(day ? month + " " + std::to_string(day) : month, k);
  }
  // last year / this year / last month / this month
  if ((w.is("last") || w.is("this") || w.is("past")) && next(i + 1)) {
    const Word& unit = s[i + 1];
    const std::string rel = w.is("this") ? "this " : "last ";
    if (unit.is("year")) return found(rel + "year", i + 2);
    if (unit.is("month")) return found(rel + "month", i + 2);
  }
  // two years ago / 3 months ago / a year ago
  if (int n = small_number(w.folded); n > 0 && next(i + 1) && next(i + 2) && s[i + 2].is("ago")) {
    const Word& unit = s[i + 1];
    if (unit.is("year") || unit.is("years")) return found(std::to_string(n) + " years ago", i + 3);
    if (unit.is("month") || unit.is("months")) return found(std::to_string(n) + " months ago", i + 3);
  }
  return std::nullopt;
}

}  // namespace

int small_number(std::string_view f) {
  if (f.size() > 6) return -1;  // "eleven", "twelve", or up to three digits
  if (const int n = calendar::number_word(f); n >= 0) return n;
  int n = -1;
  auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), n);
  if (ec != std::errc() || p != f.data() + f.size() || f.size() > 3) return -1;
  return n;
}

std::optional<TextDate> find_start_date(const Sentence& s, std::int64_t frame_ms) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i].punct) continue;
    auto found = date_at(s, i, frame_ms);
    if (!found) continue;
    const bool relative = s[i].is("last") || s[i].is("this") || s[i].is("past") || small_number(s[i].folded) > 0;
    const bool introduced = i > 0 && is_start_word(s[i - 1]);
    const bool ended = i > 0 && is_end_word(s[i - 1]);
    // A bare year or month needs "in"/"since"/...; a relative phrase or a full date stands alone.
    if (ended || (!introduced && !relative && !(s[i].digit && s[i].text.size() == 10))) {
      i = found->second - 1;
      continue;
    }
    TextDate d;
    d.start_ms = found->first;
    d.first_word = introduced ? i - 1 : i;
    d.end_word = found->second;
    return d;
  }
  return std::nullopt;
}

}  // namespace memvid::facts
