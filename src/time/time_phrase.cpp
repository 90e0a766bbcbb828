// The time-phrase resolver: words to a window of instants. Calendar arithmetic happens on
// local day numbers and local seconds; only the edges of a window are converted to UTC,
// through the zone, so a DST day keeps its 23 or 25 hours and "last week" starts at the
// local Monday midnight whatever the offsets in between.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <vector>

#include "memvid/error.hpp"
#include "memvid/time.hpp"
#include "memvid/timestamp.hpp"
#include "time/calendar_words.hpp"
#include "time/civil.hpp"
#include "time/time_zone.hpp"

namespace memvid {
namespace {

using timezone::TimeZone;
using timezone::format_local_time;
using Words = std::vector<std::string>;

using civil::kEndDay;
using civil::kFirstDay;
constexpr std::int64_t kMaxCount = 1'000'000'000;

enum class Unit { Second, Minute, Hour, Day, Week, Fortnight, Month, Quarter, Year, Decade };

std::optional<Unit> unit_of(std::string_view w) {
  if (w.size() > 1 && w.back() == 's' && w != "s") w.remove_suffix(1);
  if (w == "second" || w == "sec" || w == "s") return Unit::Second;
  if (w == "minute" || w == "min") return Unit::Minute;
  if (w == "hour" || w == "hr" || w == "h") return Unit::Hour;
  if (w == "day" || w == "d") return Unit::Day;
  if (w == "week" || w == "wk" || w == "w") return Unit::Week;
  if (w == "fortnight") return Unit::Fortnight;
  if (w == "month" || w == "mo" || w == "mon") return Unit::Month;
  if (w == "quarter" || w == "qtr") return Unit::Quarter;
  if (w == "year" || w == "yr" || w == "y") return Unit::Year;
  if (w == "decade") return Unit::Decade;
  return std::nullopt;
}

const char* unit_name(Unit u) {
  switch (u) {
    case Unit::Second: return "second";
    case Unit::Minute: return "minute";
    case Unit::Hour: return "hour";
    case Unit::Day: return "day";
    case Unit::Week:
    case Unit::Fortnight: return "week";
    case Unit::Month: return "month";
    case Unit::Quarter: return "quarter";
    case Unit::Year: return "year";
    case Unit::Decade: return "decade";
  }
  return "day";
}

// A month's name or any start of it of three letters or more ("sep", "septem"), or "sept".
int month_of(std::string_view w) {
  for (int m = 0; m < 12; ++m)
    if (w.size() >= 3 && calendar::kMonthNames[static_cast<std::size_t>(m)].starts_with(w)) return m + 1;
  return w == "sept" ? 9 : 0;
}

// 1 = Monday ... 7 = Sunday (ISO), for a weekday's name or any start of it of three letters or more.
int weekday_of(std::string_view w) {
  for (int d = 0; d < 7; ++d)
    if (w.size() >= 3 && calendar::kWeekdayNames[static_cast<std::size_t>(d)].starts_with(w)) return d + 1;
  return 0;
}

std::optional<std::int64_t> integer(std::string_view w) {
  if (w.empty() || w.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size() || v < 0) return std::nullopt;
  return v;
}

// "3", "three", "a", "an", "a couple" is not counted.
std::optional<std::int64_t> count_of(std::string_view w) {
  if (const int n = calendar::number_word(w); n >= 0) return n;
  if (w.size() > 1 && w.find_first_not_of("0123456789") == std::string_view::npos && w.size() > 10)
    return kMaxCount + 1;  // too large to mean anything; reported as out of range
  return integer(w);
}

// "17", "17th", "1st", "2nd", "3rd": 1..31.
int day_number(std::string_view w) {
  for (std::string_view suffix : {"st", "nd", "rd", "th"})
    if (w.size() > suffix.size() && w.ends_with(suffix)) {
      w.remove_suffix(suffix.size());
      break;
    }
  if (w.empty() || w.size() > 2) return 0;
  const auto v = integer(w);
  return v && *v >= 1 && *v <= 31 ? static_cast<int>(*v) : 0;
}

int year_number(std::string_view w) {
  if (w.size() != 4) return 0;
  const auto v = integer(w);
  return v && *v >= 1 ? static_cast<int>(*v) : 0;
}

// A window in progress: edges as local seconds (converted through the zone at the end), or
// as UTC milliseconds when the phrase fixed the instant itself (an offset, a rolling window).
struct Edge {
  enum class Kind { Open, Local, Utc } kind = Kind::Open;
  std::int64_t value = 0;
};

struct Span {
  Edge start, end;
  std::string granularity;
};

Edge local_edge(std::int64_t local_s) { return {Edge::Kind::Local, local_s}; }
Edge utc_edge(std::int64_t ms) { return {Edge::Kind::Utc, ms}; }

class Resolver {
 public:
  Resolver(std::string_view phrase, const TimeContext& context)
      : phrase_(phrase), zone_(TimeZone::load(context.zone)), anchor_ms_(context.anchor_ms) {
    const std::int64_t anchor_s = civil::floor_div(anchor_ms_, 1000);
    anchor_local_s_ = anchor_s + zone_.offset_at(anchor_s);
    today_ = civil::floor_div(anchor_local_s_, civil::kSecondsPerDay);
    if (today_ < kFirstDay || today_ >= kEndDay) fail("the anchor is outside years 0001-9999");
  }

  TimeWindow resolve() {
    Words words = tokenize(phrase_);
    if (words.empty()) fail("the phrase is empty");
    Span span = range(words);
    TimeWindow w;
    w.granularity = span.granularity;
    w.zone = zone_.name();
    w.start_ms = to_ms(span.start);
    w.end_ms = to_ms(span.end);
    if (w.start_ms && w.end_ms && *w.end_ms <= *w.start_ms) fail("the range ends before it starts");
    w.ambiguous = ambiguous_;
    w.note = note_;
    if (w.start_ms) w.start_local = format_local_time(*w.start_ms, zone_);
    if (w.end_ms) w.end_local = format_local_time(*w.end_ms, zone_);
    return w;
  }

 private:
  std::string phrase_;
  TimeZone zone_;
  std::int64_t anchor_ms_;
  std::int64_t anchor_local_s_ = 0;
  std::int64_t today_ = 0;
  bool ambiguous_ = false;
  std::string note_;

  [[noreturn]] void fail(const std::string& why) const {
    const std::string shown = phrase_.size() <= 80 ? phrase_ : phrase_.substr(0, 77) + "...";
    throw Error(ErrorCode::InvalidArgument, "cannot resolve the time phrase '" + shown + "': " + why);
  }

  void note(const std::string& text) {
    ambiguous_ = true;
    if (!note_.empty()) note_ += "; ";
    note_ += text;
  }

  static Words tokenize(std::string_view text) {
    Words words;
    std::string current;
    auto flush = [&] {
      if (!current.empty() && current != "the" && current != "of") words.push_back(current);
      current.clear();
    };
    for (char c : text) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
        flush();
        continue;
      }
      current += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    flush();
    // "2025-01..2025-03" is a range written as one word.
    for (std::size_t i = 0; i < words.size(); ++i) {
      const auto dots = words[i].find("..");
      if (dots != std::string::npos && dots > 0 && dots + 2 < words[i].size()) {
        std::string right = words[i].substr(dots + 2);
        words[i].resize(dots);
        words.insert(words.begin() + static_cast<std::ptrdiff_t>(i) + 1, {"..", right});
        break;
      }
    }
    return words;
  }

  std::optional<std::int64_t> to_ms(const Edge& e) const {
    switch (e.kind) {
      case Edge::Kind::Open: return std::nullopt;
      case Edge::Kind::Utc: return e.value;
      case Edge::Kind::Local: return zone_.to_utc(e.value) * 1000;
    }
    return std::nullopt;
  }

  // ---- ranges -------------------------------------------------------------------------

  Span range(const Words& w) {
    const std::string& first = w.front();
    auto rest = [&](std::size_t from, std::size_t to) { return Words(w.begin() + static_cast<std::ptrdiff_t>(from), w.begin() + static_cast<std::ptrdiff_t>(to)); };
    if (first == "between") {
      const auto and_at = std::find(w.begin(), w.end(), "and");
      if (and_at == w.end()) fail("'between' needs 'and'");
      return join(rest(1, static_cast<std::size_t>(and_at - w.begin())), rest(static_cast<std::size_t>(and_at - w.begin()) + 1, w.size()));
    }
    if (first == "up" && w.size() >= 3 && w[1] == "to") {
      Span inner = single(rest(2, w.size()));
      if (inner.end.kind == Edge::Kind::Open) fail("'up to' needs a bounded time");
      return Span{Edge{}, inner.end, "range"};
    }
    for (std::size_t k = 1; k + 1 < w.size(); ++k) {
      const std::string& s = w[k];
      if (s == "to" || s == "until" || s == "till" || s == "through" || s == "thru" || s == "-" || s == "..") {
        const std::size_t from = first == "from" ? 1 : 0;
        return join(rest(from, k), rest(k + 1, w.size()));
      }
    }
    if (w.size() >= 2) {
      if (first == "since" || first == "after" || first == "from") {
        Span inner = single(rest(1, w.size()));
        Span s;
        s.start = first == "after" ? inner.end : inner.start;
        s.granularity = "range";
        if (s.start.kind == Edge::Kind::Open) fail("'" + first + "' needs a bounded time");
        return s;
      }
      if (first == "before" || first == "until" || first == "till") {
        Span inner = single(rest(1, w.size()));
        Span s;
        s.end = first == "before" ? inner.start : inner.end;
        s.granularity = "range";
        if (s.end.kind == Edge::Kind::Open) fail("'" + first + "' needs a bounded time");
        return s;
      }
    }
    return single(w);
  }

  Span join(const Words& a, const Words& b) {
    if (a.empty() || b.empty()) fail("a range needs a time on each side");
    Span left = single(a);
    Span right = single(b);
    Span s;
    s.start = left.start;
    s.end = right.end;  // ranges include their last day (or month, or year)
    s.granularity = "range";
    return s;
  }

  // ---- single times ------------------------------------------------------------------

  Span single(Words w) {
    if (auto s = try_single(w)) return *s;
    // Leading prepositions: "on monday", "in 2024", "during last week", "within the last 3 days".
    while (w.size() >= 2 && (w[0] == "on" || w[0] == "in" || w[0] == "during" || w[0] == "at" ||
                             w[0] == "within" || w[0] == "over" || w[0] == "for")) {
      w.erase(w.begin());
      if (auto s = try_single(w)) return *s;
    }
    std::string shown;
    for (const auto& x : w) shown += (shown.empty() ? "" : " ") + x;
    fail("'" + shown + "' is not a time this resolver knows (try: today, last monday, 2025-11-17, November 2025, "
         "Q4 2025, 3 days ago, in the last 24 hours, since 2024-01-01)");
  }

  std::optional<Span> try_single(const Words& w) {
    switch (w.size()) {
      case 1: return one(w[0]);
      case 2: return two(w[0], w[1]);
      case 3: return three(w);
      case 4: return four(w);
      default: return std::nullopt;
    }
  }

  std::optional<Span> one(const std::string& a) {
    if (a == "now") return Span{utc_edge(anchor_ms_), utc_edge(anchor_ms_ + 1), "instant"};
    if (a == "today") return days(today_, 1, "day");
    if (a == "yesterday") return days(today_ - 1, 1, "day");
    if (a == "tomorrow") return days(today_ + 1, 1, "day");
    if (a == "tonight") return part_of_day(today_, "night");
    if (a == "weekend") return weekend(0, true);
    if (int d = weekday_of(a)) return days(weekday_on_or_before(today_, d), 1, "day");
    if (int m = month_of(a)) return recent_month(m);
    if (a.size() == 2 && a[0] == 'q' && a[1] >= '1' && a[1] <= '4') return recent_quarter(a[1] - '0');
    if (a.size() > 1 && a[0] == '@') {
      const bool negative = a.size() > 2 && a[1] == '-';
      const auto v = integer(std::string_view(a).substr(negative ? 2 : 1));
      if (!v || *v > 253'402'300'799LL) fail("'" + a + "' is not epoch seconds within years 0001-9999");
      const std::int64_t s = negative ? -*v : *v;
      check_day(civil::floor_div(s, civil::kSecondsPerDay));
      return Span{utc_edge(s * 1000), utc_edge(s * 1000 + 1000), "second"};
    }
    if (int y = year_number(a)) return years(y, 1, "year");
    // The 1990s, 2020s.
    if (a.size() == 5 && a.back() == 's' && a[3] == '0') {
      if (int y = year_number(a.substr(0, 4))) return years(y, 10, "decade");
    }
    if (auto s = iso(a)) return s;
    if (auto s = numeric_date(a)) return s;
    if (a.find_first_not_of("0123456789") == std::string::npos)
      fail("the number '" + a + "' is ambiguous: write a four-digit year, @SECONDS for epoch seconds, or an ISO date");
    return std::nullopt;
  }

  std::optional<Span> two(const std::string& a, const std::string& b) {
    const bool relative = a == "this" || a == "last" || a == "next" || a == "previous" || a == "past" ||
                          a == "coming" || a == "current" || a == "prev";
    if (relative) {
      const int step = (a == "last" || a == "previous" || a == "prev" || a == "past") ? -1 : (a == "next" || a == "coming") ? 1 : 0;
      if (b == "night" && step < 0) return part_of_day(today_ - 1, "night");
      if (b == "morning" || b == "afternoon" || b == "evening" || b == "night") {
        if (step != 0) return std::nullopt;
        return part_of_day(today_, b);
      }
      if (b == "weekend") return weekend(step, false);
      if (int d = weekday_of(b)) {
        if (step < 0) return days(weekday_on_or_before(today_ - 1, d), 1, "day");
        if (step > 0) return days(weekday_on_or_before(today_ + 7, d), 1, "day");
        return days(week_start(today_) + d - 1, 1, "day");
      }
      if (int m = month_of(b); m && !unit_of(b)) return relative_month(m, step);
      if (b.size() == 2 && b[0] == 'q' && b[1] >= '1' && b[1] <= '4') return relative_quarter(b[1] - '0', step);
      if (auto u = unit_of(b)) {
        // "past week" / "last hour" read as rolling windows ending now; "last week" as the
        // calendar week before this one.
        if (a == "past" || ((*u == Unit::Hour || *u == Unit::Minute || *u == Unit::Second) && step < 0))
          return rolling(*u, 1, -1);
        if ((*u == Unit::Hour || *u == Unit::Minute || *u == Unit::Second) && step > 0) return rolling(*u, 1, 1);
        return calendar(*u, step);
      }
      return std::nullopt;
    }
    // yesterday morning, monday night, today afternoon
    if (b == "morning" || b == "afternoon" || b == "evening" || b == "night") {
      if (a == "today") return part_of_day(today_, b);
      if (a == "yesterday") return part_of_day(today_ - 1, b);
      if (a == "tomorrow") return part_of_day(today_ + 1, b);
      if (int d = weekday_of(a)) return part_of_day(weekday_on_or_before(today_, d), b);
      return std::nullopt;
    }
    // November 2025 / 2025 november
    if (int m = month_of(a); m && !unit_of(a)) {
      if (int y = year_number(b)) return months(y, m, 1);
      if (int d = day_number(b)) return recent_day(m, d);
    }
    if (int m = month_of(b); m && !unit_of(b)) {
      if (int y = year_number(a)) return months(y, m, 1);
      if (int d = day_number(a)) return recent_day(m, d);
    }
    // Q4 2025 / 2025 Q4
    if (a.size() == 2 && a[0] == 'q' && a[1] >= '1' && a[1] <= '4')
      if (int y = year_number(b)) return quarter(y, a[1] - '0');
    if (b.size() == 2 && b[0] == 'q' && b[1] >= '1' && b[1] <= '4')
      if (int y = year_number(a)) return quarter(y, b[1] - '0');
    // 2025-11-17 15:00
    if (a.size() == 10 && a[4] == '-' && a[7] == '-' && b.find(':') != std::string::npos) return iso(a + "t" + b);
    return std::nullopt;
  }

  std::optional<Span> three(const Words& w) {
    const std::string &a = w[0], &b = w[1], &c = w[2];
    // 3 days ago
    if (c == "ago") {
      if (auto n = count_of(a); n && unit_of(b)) return calendar(*unit_of(b), -checked_count(*n));
      return std::nullopt;
    }
    // in 3 days
    if (a == "in") {
      if (auto n = count_of(b); n && unit_of(c)) return calendar(*unit_of(c), checked_count(*n));
    }
    // last 3 days / past 24 hours / next 2 weeks
    if (a == "last" || a == "past" || a == "previous" || a == "next" || a == "coming") {
      if (auto n = count_of(b); n && unit_of(c))
        return rolling(*unit_of(c), checked_count(*n), (a == "next" || a == "coming") ? 1 : -1);
    }
    if (b == "before" && a == "day" && c == "yesterday") return days(today_ - 2, 1, "day");
    if (b == "after" && a == "day" && c == "tomorrow") return days(today_ + 2, 1, "day");
    // November 17 2025 / 17 November 2025 / 2025 November 17
    if (int y = year_number(c)) {
      if (int m = month_of(a); m && !unit_of(a))
        if (int d = day_number(b)) return date(y, m, d);
      if (int m = month_of(b); m && !unit_of(b))
        if (int d = day_number(a)) return date(y, m, d);
    }
    if (int y = year_number(a); y && month_of(b) && !unit_of(b))
      if (int d = day_number(c)) return date(y, month_of(b), d);
    // last monday morning
    if ((a == "last" || a == "this" || a == "next") && (c == "morning" || c == "afternoon" || c == "evening" || c == "night"))
      if (auto day = two(a, b); day && day->granularity == "day") return part_of_day(civil::floor_div(day->start.value, civil::kSecondsPerDay), c);
    return std::nullopt;
  }

  std::optional<Span> four(const Words& w) {
    // 3 days from now
    if (w[2] == "from" && w[3] == "now") {
      if (auto n = count_of(w[0]); n && unit_of(w[1])) return calendar(*unit_of(w[1]), checked_count(*n));
    }
    // in last 3 days ("the" is dropped by the tokenizer)
    if ((w[0] == "in" || w[0] == "within" || w[0] == "over" || w[0] == "during") && w[1] != "in")
      return three({w[1], w[2], w[3]});
    return std::nullopt;
  }

  // ---- building blocks ---------------------------------------------------------------

  std::int64_t checked_count(std::int64_t n) const {
    if (n > kMaxCount) fail("the count is out of range");
    return n;
  }

  void check_day(std::int64_t day) const {
    if (day < kFirstDay || day > kEndDay) fail("it falls outside years 0001-9999");
  }

  Span days(std::int64_t first, std::int64_t count, const char* granularity) const {
    check_day(first);
    check_day(first + count);
    return Span{local_edge(first * civil::kSecondsPerDay), local_edge((first + count) * civil::kSecondsPerDay),
                granularity};
  }

  Span years(std::int64_t first, std::int64_t count, const char* granularity) const {
    if (first < 1 || first + count > 10000) fail("it falls outside years 0001-9999");
    return days(civil::days_from_civil(first, 1, 1),
                civil::days_from_civil(first + count, 1, 1) - civil::days_from_civil(first, 1, 1), granularity);
  }

  // `count` months from (year, month).
  Span months(std::int64_t year, std::int64_t month, std::int64_t count, const char* granularity = "month") const {
    const std::int64_t index = year * 12 + (month - 1);
    const std::int64_t end = index + count;
    if (index < 12 || end > 10000 * 12) fail("it falls outside years 0001-9999");
    const std::int64_t first = civil::days_from_civil(index / 12, static_cast<unsigned>(index % 12 + 1), 1);
    const std::int64_t last = civil::days_from_civil(end / 12, static_cast<unsigned>(end % 12 + 1), 1);
    return days(first, last - first, granularity);
  }

  Span quarter(std::int64_t year, int q) const { return months(year, (q - 1) * 3 + 1, 3, "quarter"); }

  Span date(std::int64_t year, int month, int day) const {
    if (year < 1 || year > 9999) fail("it falls outside years 0001-9999");
    if (static_cast<unsigned>(day) > civil::days_in_month(year, static_cast<unsigned>(month))) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(year), month, day);
      fail(std::string("there is no such date as ") + buf);
    }
    return days(civil::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)), 1, "day");
  }

  civil::Date today_date() const { return civil::civil_from_days(today_); }

  static std::int64_t week_start(std::int64_t day) {
    return day - static_cast<std::int64_t>((civil::weekday(day) + 6) % 7);
  }

  // The most recent day with ISO weekday `d` (1 = Monday) on or before `day`.
  static std::int64_t weekday_on_or_before(std::int64_t day, int d) {
    const int today_iso = static_cast<int>((civil::weekday(day) + 6) % 7) + 1;
    return day - (today_iso - d + 7) % 7;
  }

  Span weekend(int step, bool most_recent) const {
    std::int64_t saturday = week_start(today_) + 5;
    if (most_recent && today_ < saturday) saturday -= 7;
    return days(saturday + 7 * step, 2, "weekend");
  }

  Span part_of_day(std::int64_t day, const std::string& part) const {
    check_day(day);
    check_day(day + 1);
    const std::int64_t base = day * civil::kSecondsPerDay;
    int from = 6, to = 12;
    if (part == "afternoon") from = 12, to = 18;
    else if (part == "evening") from = 18, to = 24;
    else if (part == "night") from = 18, to = 30;
    return Span{local_edge(base + from * 3600), local_edge(base + to * 3600), "part-of-day"};
  }

  Span recent_month(int m) const {
    const civil::Date t = today_date();
    const std::int64_t year = static_cast<unsigned>(m) <= t.month ? t.year : t.year - 1;
    return months(year, m, 1);
  }

  Span relative_month(int m, int step) const {
    const civil::Date t = today_date();
    std::int64_t year = t.year;
    if (step < 0 && static_cast<unsigned>(m) >= t.month) --year;
    if (step > 0 && static_cast<unsigned>(m) <= t.month) ++year;
    return months(year, m, 1);
  }

  Span recent_quarter(int q) const {
    const civil::Date t = today_date();
    const int current = static_cast<int>(t.month - 1) / 3 + 1;
    return quarter(q <= current ? t.year : t.year - 1, q);
  }

  Span relative_quarter(int q, int step) const {
    const civil::Date t = today_date();
    const int current = static_cast<int>(t.month - 1) / 3 + 1;
    std::int64_t year = t.year;
    if (step < 0 && q >= current) --year;
    if (step > 0 && q <= current) ++year;
    return quarter(year, q);
  }

  // The most recent (month, day) on or before today; Feb 29 goes back to a leap year.
  Span recent_day(int m, int d) const {
    const civil::Date t = today_date();
    std::int64_t year = (static_cast<unsigned>(m) < t.month || (static_cast<unsigned>(m) == t.month && static_cast<unsigned>(d) <= t.day)) ? t.year : t.year - 1;
    if (static_cast<unsigned>(d) > civil::days_in_month(2000, static_cast<unsigned>(m))) return date(year, m, d);  // reports it
    for (int tries = 0; tries < 8 && static_cast<unsigned>(d) > civil::days_in_month(year, static_cast<unsigned>(m)); ++tries) --year;
    return date(year, m, d);
  }

  // The calendar unit `step` units from the one holding the anchor: 0 = this week, -1 =
  // last week, -3 = "3 weeks ago". Hours and smaller count on the UTC clock (so "2 hours
  // ago" is 7200 s back even across a DST change) and are then aligned to the local clock.
  Span calendar(Unit u, std::int64_t step) const {
    const civil::Date t = today_date();
    switch (u) {
      case Unit::Second:
      case Unit::Minute:
      case Unit::Hour: {
        const std::int64_t size = u == Unit::Second ? 1 : u == Unit::Minute ? 60 : 3600;
        const std::int64_t anchor_s = civil::floor_div(anchor_ms_, 1000);
        const std::int64_t s = anchor_s + step * size;
        check_day(civil::floor_div(s, civil::kSecondsPerDay));
        const std::int64_t offset = zone_.offset_at(s);
        const std::int64_t start = civil::floor_div(s + offset, size) * size - offset;
        return Span{utc_edge(start * 1000), utc_edge((start + size) * 1000), unit_name(u)};
      }
      case Unit::Day: return days(today_ + step, 1, "day");
      case Unit::Week: return days(week_start(today_) + 7 * step, 7, "week");
      case Unit::Fortnight: return days(week_start(today_) + 14 * step, 14, "fortnight");
      case Unit::Month: return months(t.year, t.month + step, 1);
      case Unit::Quarter: {
        const std::int64_t q = t.year * 4 + (t.month - 1) / 3 + step;
        if (q < 4 || q >= 40000) fail("it falls outside years 0001-9999");
        return quarter(q / 4, static_cast<int>(q % 4) + 1);
      }
      case Unit::Year: return years(t.year + step, 1, "year");
      case Unit::Decade: return years((t.year / 10 + step) * 10, 10, "decade");
    }
    return days(today_, 1, "day");
  }

  // A window of `n` units ending at the anchor (direction -1) or starting there (+1). Days
  // and longer move the local clock ("the last 2 days" from 15:00 starts at 15:00 two local
  // days ago, whatever DST did); hours and shorter move the UTC clock.
  Span rolling(Unit u, std::int64_t n, int direction) const {
    const std::int64_t anchor_s = civil::floor_div(anchor_ms_, 1000);
    std::int64_t other_ms = 0;
    if (u == Unit::Second || u == Unit::Minute || u == Unit::Hour) {
      const std::int64_t size = u == Unit::Second ? 1 : u == Unit::Minute ? 60 : 3600;
      const std::int64_t s = anchor_s + direction * n * size;
      check_day(civil::floor_div(s, civil::kSecondsPerDay));
      other_ms = s * 1000 + (anchor_ms_ - anchor_s * 1000);
    } else {
      const std::int64_t day = today_;
      const std::int64_t time_of_day = anchor_local_s_ - day * civil::kSecondsPerDay;
      std::int64_t target_day = day;
      switch (u) {
        case Unit::Day: target_day = day + direction * n; break;
        case Unit::Week: target_day = day + direction * n * 7; break;
        case Unit::Fortnight: target_day = day + direction * n * 14; break;
        default: {
          const std::int64_t per = u == Unit::Month ? 1 : u == Unit::Quarter ? 3 : u == Unit::Year ? 12 : 120;
          const civil::Date t = today_date();
          const std::int64_t index = t.year * 12 + (t.month - 1) + direction * n * per;
          if (index < 12 || index >= 10000 * 12) fail("it falls outside years 0001-9999");
          const std::int64_t y = index / 12;
          const auto m = static_cast<unsigned>(index % 12 + 1);
          target_day = civil::days_from_civil(y, m, std::min(t.day, civil::days_in_month(y, m)));
        }
      }
      check_day(target_day);
      other_ms = zone_.to_utc(target_day * civil::kSecondsPerDay + time_of_day) * 1000 + (anchor_ms_ - anchor_s * 1000);
    }
    if (direction < 0) return Span{utc_edge(other_ms), utc_edge(anchor_ms_ + 1), "rolling"};
    return Span{utc_edge(anchor_ms_), utc_edge(other_ms), "rolling"};
  }

  // ---- written dates -----------------------------------------------------------------

  // 2025, 2025-11, 2025-11-17, 2025-w47, 2025-q4, 2025-11-17t15:00[:00[.5]][z|+01:00]
  std::optional<Span> iso(const std::string& a) const {
    if (a.size() < 7 || a[4] != '-') return std::nullopt;
    const int y = year_number(a.substr(0, 4));
    if (!y) return std::nullopt;
    const std::string_view rest = std::string_view(a).substr(5);
    if (rest.size() == 2 && rest[0] == 'q' && rest[1] >= '1' && rest[1] <= '4') return quarter(y, rest[1] - '0');
    if (rest.size() >= 3 && rest[0] == 'w') {
      const auto week = integer(rest.substr(1, 2));
      if (!week || (rest.size() != 3 && (rest.size() != 5 || rest[3] != '-'))) return std::nullopt;
      return iso_week(y, static_cast<int>(*week), rest.size() == 5 ? rest[4] - '0' : 0);
    }
    if (rest.size() == 2) {
      const auto m = integer(rest);
      if (!m || *m < 1 || *m > 12) fail("'" + a + "' has no month " + std::string(rest));
      return months(y, *m, 1);
    }
    if (rest.size() < 5 || rest[2] != '-') return std::nullopt;
    const auto m = integer(rest.substr(0, 2));
    const auto d = integer(rest.substr(3, 2));
    if (!m || !d) return std::nullopt;
    if (*m < 1 || *m > 12 || *d < 1) fail("there is no such date as " + a.substr(0, 10));
    Span day = date(y, static_cast<int>(*m), static_cast<int>(*d));
    if (rest.size() == 5) return day;
    if (rest[5] != 't') return std::nullopt;
    return time_of_day(day.start.value, rest.substr(6), a);
  }

  Span iso_week(int year, int week, int weekday) const {
    auto week1 = [](std::int64_t y) {
      const std::int64_t jan4 = civil::days_from_civil(y, 1, 4);
      return week_start(jan4);
    };
    const std::int64_t first = week1(year);
    const std::int64_t weeks = (week1(year + 1) - first) / 7;
    if (week < 1 || week > weeks) fail(std::to_string(year) + " has no ISO week " + std::to_string(week));
    if (weekday < 0 || weekday > 7) fail("an ISO weekday is 1-7");
    if (weekday > 0) return days(first + (week - 1) * 7 + weekday - 1, 1, "day");
    return days(first + (week - 1) * 7, 7, "week");
  }

  // hh[:mm[:ss[.fff]]] with an optional z or +hh[:mm]; the window is the precision written.
  Span time_of_day(std::int64_t day_local_s, std::string_view t, const std::string& whole) const {
    auto bad = [&]() -> Span { fail("'" + whole + "' is not a valid date-time"); };
    std::size_t i = 0;
    auto two_digits = [&](int max) -> int {
      if (i + 2 > t.size() || t[i] < '0' || t[i] > '9' || t[i + 1] < '0' || t[i + 1] > '9') return -1;
      const int v = (t[i] - '0') * 10 + (t[i + 1] - '0');
      i += 2;
      return v <= max ? v : -1;
    };
    const int hh = two_digits(23);
    if (hh < 0) return bad();
    std::int64_t seconds = hh * 3600, size = 3600;
    const char* granularity = "hour";
    std::int64_t millis = 0;
    if (i < t.size() && t[i] == ':') {
      ++i;
      const int mm = two_digits(59);
      if (mm < 0) return bad();
      seconds += mm * 60, size = 60, granularity = "minute";
      if (i < t.size() && t[i] == ':') {
        ++i;
        const int ss = two_digits(59);
        if (ss < 0) return bad();
        seconds += ss, size = 1, granularity = "second";
        if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
          ++i;
          std::int64_t scale = 100;
          if (i >= t.size() || t[i] < '0' || t[i] > '9') return bad();
          while (i < t.size() && t[i] >= '0' && t[i] <= '9') millis += (t[i++] - '0') * scale, scale /= 10;
          granularity = "instant";
        }
      }
    }
    const std::int64_t size_ms = std::string_view(granularity) == "instant" ? 1 : size * 1000;
    if (i == t.size()) {
      const std::int64_t start = zone_.to_utc(day_local_s + seconds) * 1000 + millis;
      return Span{utc_edge(start), utc_edge(start + size_ms), granularity};
    }
    std::int64_t offset_s = 0;
    if (t[i] == 'z') {
      ++i;
    } else if (t[i] == '+' || t[i] == '-') {
      const int sign = t[i] == '-' ? -1 : 1;
      ++i;
      const int oh = two_digits(23);
      if (oh < 0) return bad();
      int om = 0;
      if (i < t.size() && t[i] == ':') ++i;
      if (i < t.size()) om = two_digits(59);
      if (om < 0) return bad();
      offset_s = sign * (oh * 3600 + om * 60);
    } else {
      return bad();
    }
    if (i != t.size()) return bad();
    const std::int64_t start = (day_local_s + seconds - offset_s) * 1000 + millis;
    return Span{utc_edge(start), utc_edge(start + size_ms), granularity};
  }

  // 11/17/2025, 17/11/2025, 17.11.2025, 11/17, 2025/11/17, 11-17-2025
  std::optional<Span> numeric_date(const std::string& a) {
    const char sep = a.find('/') != std::string::npos ? '/' : a.find('.') != std::string::npos ? '.' : '-';
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
      const std::size_t at = a.find(sep, start);
      parts.push_back(std::string_view(a).substr(start, at == std::string::npos ? std::string::npos : at - start));
      if (at == std::string::npos) break;
      start = at + 1;
    }
    if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
    std::vector<std::int64_t> v;
    for (auto p : parts) {
      if (p.empty() || p.size() > 4) return std::nullopt;
      auto n = integer(p);
      if (!n) return std::nullopt;
      v.push_back(*n);
    }
    if (parts[0].size() == 4) {  // year first: 2025/11/17, 2025/11
      if (parts.size() == 2) {
        if (v[1] < 1 || v[1] > 12) fail("there is no month " + std::string(parts[1]));
        return months(v[0], v[1], 1);
      }
      if (v[1] < 1 || v[1] > 12 || v[2] < 1) fail("there is no such date as " + a);
      return date(v[0], static_cast<int>(v[1]), static_cast<int>(v[2]));
    }
    if (parts.size() == 2 && parts[1].size() == 4) {  // 11/2025
      if (v[0] < 1 || v[0] > 12) fail("there is no month " + std::string(parts[0]));
      return months(v[1], v[0], 1);
    }
    std::optional<std::int64_t> year;
    if (parts.size() == 3) {
      if (parts[2].size() == 4) {
        year = v[2];
      } else if (parts[2].size() == 2) {
        year = v[2] < 70 ? 2000 + v[2] : 1900 + v[2];
        note("the two-digit year " + std::string(parts[2]) + " was read as " + std::to_string(*year));
      } else {
        return std::nullopt;
      }
    }
    std::int64_t month = v[0], day = v[1];
    if (sep == '.' || (v[0] > 12 && v[1] <= 12)) {
      month = v[1], day = v[0];  // day first: dotted dates always, slashed ones when it must be
    } else if (v[0] <= 12 && v[1] <= 12 && v[0] != v[1]) {
      note(a + " was read month first (month " + std::to_string(v[0]) + ", day " + std::to_string(v[1]) +
           "); write an ISO date such as 2025-03-04 to be sure");
    }
    if (month < 1 || month > 12 || day < 1 || day > 31) fail("there is no such date as " + a);
    if (year) return date(*year, static_cast<int>(month), static_cast<int>(day));
    return recent_day(static_cast<int>(month), static_cast<int>(day));
  }
};

}  // namespace

TimeWindow resolve_time_phrase(std::string_view phrase, const TimeContext& context) {
  if (phrase.size() > 256)
    throw Error(ErrorCode::InvalidArgument, "cannot resolve a time phrase longer than 256 bytes");
  return Resolver(phrase, context).resolve();
}

TimeSpan resolve_time_value(std::string_view text, const TimeContext& context) {
  const bool year = text.size() == 4 && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (const auto ms = year ? std::nullopt : parse_timestamp_ms(text)) {
    const bool day = text.size() == 10 && text[4] == '-' && text[7] == '-';
    return {*ms, day ? *ms + civil::kMsPerDay - 1 : *ms};
  }
  const TimeWindow w = resolve_time_phrase(text, context);
  TimeSpan span;
  span.first = w.start_ms;
  if (w.end_ms) span.last = *w.end_ms - 1;
  span.phrase = true;
  return span;
}

void check_time_zone(std::string_view zone) { (void)timezone::TimeZone::load(zone); }

std::string format_local_time(std::int64_t ms, std::string_view zone_name) {
  return timezone::format_local_time(ms, TimeZone::load(zone_name));
}

std::string timezone::format_local_time(std::int64_t ms, const timezone::TimeZone& zone) {
  const std::int64_t s = civil::floor_div(ms, 1000);
  const std::int32_t offset = zone.offset_at(s);
  const std::int64_t local = s + offset;
  const std::int64_t day = civil::floor_div(local, civil::kSecondsPerDay);
  const std::int64_t sod = local - day * civil::kSecondsPerDay;
  const civil::Date d = civil::civil_from_days(day);
  const auto millis = static_cast<int>(ms - s * 1000);
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(d.year), d.month,
                        d.day, static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  if (millis) n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03d", millis);
  if (offset == 0) {
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "Z");
  } else {
    const std::int32_t a = offset < 0 ? -offset : offset;
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600,
                  a / 60 % 60);
  }
  return buf;
}

}  // namespace memvid
