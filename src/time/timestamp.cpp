// ISO-8601 parsing and formatting by hand: timegm() and strptime() depend on the process's
// TZ and locale, and would make the same command mean different instants on different
// machines. The calendar arithmetic is Howard Hinnant's days_from_civil/civil_from_days
// (proleptic Gregorian, exact for every int64 day count we can produce).
#include "memvid/timestamp.hpp"

#include "time/civil.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

namespace memvid {
namespace {

using civil::civil_from_days;
using civil::days_from_civil;
using civil::days_in_month;
using civil::kMsPerDay;
using Civil = civil::Date;

// A cursor over the text that reads fixed-width digit fields; every read fails cleanly at
// the end of input, so the grammar below needs no bounds checks of its own.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c || done()) return false;
    ++i_;
    return true;
  }
  bool digits(std::size_t width, unsigned& out) {
    if (s_.size() - i_ < width) return false;
    out = 0;
    for (std::size_t k = 0; k < width; ++k) {
      char c = s_[i_ + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<unsigned>(c - '0');
    }
    i_ += width;
    return true;
  }
  bool at_digit() const { return !done() && s_[i_] >= '0' && s_[i_] <= '9'; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<std::int64_t> parse_integer_ms(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  if (digits.empty()) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  // from_chars rejects a leading '+', so parse the sign ourselves.
  std::int64_t value = 0;
  const char* first = text.front() == '+' ? text.data() + 1 : text.data();
  auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Parses "Z", "+HH:MM", "+HHMM" or "+HH" into minutes east of UTC.
std::optional<int> parse_offset_minutes(Cursor& c) {
  if (c.eat('Z') || c.eat('z')) return 0;
  int sign = 0;
  if (c.eat('+')) sign = 1;
  else if (c.eat('-')) sign = -1;
  else return std::nullopt;
  unsigned hh = 0, mm = 0;
  if (!c.digits(2, hh)) return std::nullopt;
  if (c.eat(':')) {
    if (!c.digits(2, mm)) return std::nullopt;
  } else if (c.at_digit()) {
    if (!c.digits(2, mm)) return std::nullopt;
  }
  if (hh > 23 || mm > 59) return std::nullopt;
  return sign * static_cast<int>(hh * 60 + mm);
}

std::optional<std::int64_t> parse_iso(std::string_view text) {
  Cursor c(text);
  unsigned year = 0, month = 0, day = 0;
  if (!c.digits(4, year) || !c.eat('-') || !c.digits(2, month) || !c.eat('-') || !c.digits(2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  std::int64_t ms = days_from_civil(year, month, day) * kMsPerDay;
  if (c.done()) return ms;

  if (!(c.eat('T') || c.eat('t') || c.eat(' '))) return std::nullopt;
  unsigned hour = 0, minute = 0, second = 0, millis = 0;
  if (!c.digits(2, hour) || !c.eat(':') || !c.digits(2, minute)) return std::nullopt;
  if (c.eat(':')) {
    if (!c.digits(2, second)) return std::nullopt;
    if (c.eat('.') || c.eat(',')) {
      if (!c.at_digit()) return std::nullopt;
      unsigned scale = 100;
      while (c.at_digit()) {
        unsigned digit = 0;
        c.digits(1, digit);
        millis += digit * scale;  // digits past the third add zero: truncation
        scale /= 10;
      }
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  ms += (static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second) * 1000 + millis;
  if (c.done()) return ms;

  auto offset = parse_offset_minutes(c);
  if (!offset || !c.done()) return std::nullopt;
  return ms - static_cast<std::int64_t>(*offset) * 60'000;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // A date always has '-' after four digits; a bare number never does.
  if (text.size() >= 5 && text[4] == '-' && text.front() != '-' && text.front() != '+') return parse_iso(text);
  return parse_integer_ms(text);
}

std::string format_timestamp_iso(std::int64_t ms) {
  // Floor division, so that instants before 1970 land on the right day and millisecond.
  std::int64_t days = ms / kMsPerDay;
  std::int64_t rem = ms % kMsPerDay;
  if (rem < 0) {
    rem += kMsPerDay;
    --days;
  }
  const Civil date = civil_from_days(days);
  const auto seconds_of_day = static_cast<unsigned>(rem / 1000);
  const auto millis = static_cast<unsigned>(rem % 1000);
  char year[32];
  if (date.year >= 0 && date.year <= 9999)
    std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(date.year));
  else
    std::snprintf(year, sizeof year, "%+05lld", static_cast<long long>(date.year));
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s-%02u-%02uT%02u:%02u:%02u.%03uZ", year, date.month, date.day,
                seconds_of_day / 3600, seconds_of_day / 60 % 60, seconds_of_day % 60, millis);
  return buf;
}

}  // namespace memvid
