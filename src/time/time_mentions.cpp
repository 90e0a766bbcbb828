#include "time/time_mentions.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <bitset>

#include "base/paragraphs.hpp"
#include "memvid/error.hpp"
#include "memvid/time.hpp"
#include "time/calendar_words.hpp"
#include "time/civil.hpp"

namespace memvid::mentions {

namespace {

// ---------------------------------------------------------------------------------------
// Tokens: ASCII words, digit runs and single punctuation marks, with byte offsets. En and em
// dashes are dashes; the copyright sign is the word "(c)"; other non-ASCII bytes separate.

struct Tok {
  enum Kind : std::uint8_t { Word, Num, Punct } kind = Word;
  std::size_t b = 0, e = 0;
  std::string_view low;  // folded word, digits, or the mark ("-" for every dash), in the folded text
  bool cap = false;   // a word starting with a capital
  bool space = true;  // something (space, line break, other bytes) separates it from the previous token
};

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// folded: s with ASCII letters in lower case (the tokens' words are views of it).
std::vector<Tok> tokenize(std::string_view s, const std::string& folded) {
  std::vector<Tok> out;
  out.reserve(s.size() / 5 + 1);
  bool space = true;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    Tok t;
    t.b = i;
    t.space = space;
    if (is_alpha(c)) {
      while (i < s.size() && is_alpha(static_cast<unsigned char>(s[i]))) ++i;
      t.low = std::string_view(folded).substr(t.b, i - t.b);
      t.kind = Tok::Word;
      t.cap = c >= 'A' && c <= 'Z';
    } else if (is_digit(c)) {
      while (i < s.size() && is_digit(static_cast<unsigned char>(s[i]))) ++i;
      t.low = std::string_view(folded).substr(t.b, std::min<std::size_t>(i - t.b, 12));  // longer: no date
      t.kind = Tok::Num;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0x93 || static_cast<unsigned char>(s[i + 2]) == 0x94)) {
      i += 3;
      t.kind = Tok::Punct;
      t.low = "-";
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA9) {
      i += 2;
      t.kind = Tok::Word;
      t.low = "(c)";
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c >= 0x80 || c < 0x20) {
      ++i;
      space = true;
      continue;
    } else {
      ++i;
      t.kind = Tok::Punct;
      t.low = std::string_view(folded).substr(t.b, 1);
    }
    t.e = i;
    out.push_back(std::move(t));
    space = false;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Words.

using calendar::month_number;
using calendar::number_word;

// 1 = Monday .. 7 = Sunday for a weekday's name or its short forms (mon, tue, tues, thu,
// thur, thurs, ...); 0 otherwise.
int weekday_number(std::string_view w, bool* abbreviated) {
  for (int d = 0; d < 7; ++d) {
    const std::string_view name = calendar::kWeekdayNames[static_cast<std::size_t>(d)];
    if (w == name) {
      *abbreviated = false;
      return d + 1;
    }
    if (w == name.substr(0, 3) || (d == 1 && w == "tues") || (d == 3 && (w == "thur" || w == "thurs"))) {
      *abbreviated = true;
      return d + 1;
    }
  }
  return 0;
}

bool one_of(std::string_view w, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// Words after which a four-digit number reads as a year even when other words follow it.
bool strong_year_cue(std::string_view w) {
  return one_of(w, {"since", "until", "till", "til", "during", "circa", "ca", "copyright", "(c)", "before", "after",
                    "early", "mid", "late", "around", "year", "fy", "summer", "winter", "spring", "autumn", "fall",
                    "throughout", "mid-", "until", "dated", "born", "founded", "established"});
}

// Words after which a four-digit number is a year unless a counted noun follows ("of 2000 users").
bool weak_year_cue(std::string_view w) {
  return one_of(w, {"in", "of", "by", "from", "to", "and", "through", "thru", "for", "between", "or", "as", "on",
                    "at", "into", "within"});
}

// A word after a number that makes the number a count, not a year: a plural ("2000 users",
// "2048 bytes") or a word that qualifies what is counted ("2000 new users").
bool counted_after(std::string_view w) {
  if (w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's' && w[w.size() - 2] != 'u' && w[w.size() - 2] != 'i')
    return true;
  return one_of(w, {"new", "more", "other", "additional", "different", "unique", "active", "open", "total", "people",
                    "men", "women", "children", "kb", "mb", "gb", "tb", "km", "m", "kg", "ms", "px", "times", "per",
                    "x", "or", "extra", "fewer", "less", "distinct", "separate", "individual"});
}

// Words that may follow a year without making it a count.
bool follows_year(std::string_view w) {
  return one_of(w, {"and",  "or",   "to",     "through", "thru",  "until",  "till",  "was",   "were", "is",    "are",
                    "had",  "has",  "have",   "when",    "with",  "the",    "a",     "an",    "we",   "i",     "he",
                    "she",  "they", "it",     "you",     "our",   "his",    "her",   "their", "this", "that",  "after",
                    "before", "as", "at",     "for",     "on",    "by",     "but",   "so",    "then", "while", "because",
                    "alone", "onward", "onwards", "there", "its", "only",   "did",   "which", "where", "who",  "became",
                    "saw",  "brought", "will", "would",  "in",    "of",     "until", "ad",    "bc",   "ce",    "bce",
                    "s",    "release", "edition", "version", "season", "survey", "census", "election", "elections",
                    "budget", "report", "roadmap", "plan", "onwards", "remains", "marked", "ended", "began", "started",
                    "ends", "starts", "begins", "if", "unless", "although", "though", "all", "not", "also", "too",
                    "again", "yet", "already", "still", "my", "me", "us", "them", "him", "one", "some", "most"});
}

// The words a mention can start with (a month, a weekday, a relative word, a modifier, a
// quarter or half, a season, a decade, a count): the matchers run only at these.
bool starts_mention(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
      "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "sunday",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sun", "mon", "tue", "tues", "wed", "thu",
      "thur", "thurs", "fri", "sat", "early", "mid", "late", "today", "tonight", "yesterday", "tomorrow", "tmrw", "tmr",
      "last", "this", "next", "previous", "coming", "in", "q", "h", "first", "second", "third", "fourth", "spring",
      "summer", "autumn", "fall", "winter", "twenties", "thirties", "forties", "fifties", "sixties", "seventies",
      "eighties", "nineties", "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
      "eleven", "twelve", "zero"};
  constexpr std::size_t kLongest = 9;
  // Most words of a text are rejected by their (length, first letter, last letter) alone.
  struct Table {
    std::bitset<(kLongest + 1) * 26 * 26> shapes;
    std::array<std::vector<std::string_view>, 26> by_first;
  };
  static const Table table = [] {
    Table t;
    for (std::string_view k : kWords) {
      t.shapes.set((k.size() * 26 + static_cast<std::size_t>(k.front() - 'a')) * 26 + static_cast<std::size_t>(k.back() - 'a'));
      t.by_first[static_cast<std::size_t>(k.front() - 'a')].push_back(k);
    }
    return t;
  }();
  if (w.empty() || w.size() > kLongest || w.front() < 'a' || w.front() > 'z' || w.back() < 'a' || w.back() > 'z')
    return false;
  const auto first = static_cast<std::size_t>(w.front() - 'a');
  if (!table.shapes.test((w.size() * 26 + first) * 26 + static_cast<std::size_t>(w.back() - 'a'))) return false;
  const auto& bucket = table.by_first[first];
  return std::find(bucket.begin(), bucket.end(), w) != bucket.end();
}

// The value of a run of at most 12 digits.
int to_int(std::string_view digits) {
  long long v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v > 2'000'000'000 ? 2'000'000'000 : static_cast<int>(v);
}

std::optional<int> num(const Tok& t, std::size_t min_len, std::size_t max_len) {
  if (t.kind != Tok::Num || t.low.size() < min_len || t.low.size() > max_len) return std::nullopt;
  return to_int(t.low);
}

// ---------------------------------------------------------------------------------------
// Pieces: what a matcher recognized, before resolution.

struct Piece {
  std::size_t first = 0, end = 0;  // tokens [first, end)
  enum Shape : std::uint8_t { Other, Day, Month, Year } shape = Other;
  int year = 0, month = 0, day = 0;  // the parts named (year 0: none)
  std::string phrase;                // for the resolver; empty when days are given
  std::optional<std::pair<std::int64_t, std::int64_t>> days;
  std::optional<Grain> grain;  // overrides the resolver's granularity
  bool relative = false, ambiguous = false;
};

class Extractor {
 public:
  Extractor(std::string_view text, std::int64_t written_ms)
      : folded_(fold(text)), t_(tokenize(text, folded_)), written_ms_(written_ms),
        today_(civil::floor_div(written_ms, civil::kMsPerDay)) {}

  std::vector<MentionSpan> run() {
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < t_.size();) {
      std::optional<Piece> p = match(i);
      if (!p) {
        ++i;
        continue;
      }
      i = p->end;
      pieces.push_back(std::move(*p));
    }
    std::vector<MentionSpan> out;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      std::optional<MentionSpan> a = resolve(pieces[k]);
      if (!a) continue;
      // A range: "2019 to 2021", "May - July 2024", "between March and May".
      if (k + 1 < pieces.size() && joins(pieces[k], pieces[k + 1])) {
        Piece& next = pieces[k + 1];
        Piece& first = pieces[k];
        if (!first.year && next.year && (first.shape == Piece::Day || first.shape == Piece::Month)) {
          first.year = first.month > next.month && next.month ? next.year - 1 : next.year;
          first.relative = false;
          if (auto again = resolve(first)) a = again;
        }
        if (std::optional<MentionSpan> b = resolve(next); b && b->end_day > a->first_day && b->first_day >= a->first_day) {
          a->end = b->end;
          a->end_day = b->end_day;
          a->grain = Grain::Range;
          a->relative = a->relative || b->relative;
          a->ambiguous = a->ambiguous || b->ambiguous;
          ++k;
        }
      }
      out.push_back(*a);
    }
    return out;
  }

 private:
  // --- token helpers ---
  const Tok* at(std::size_t i) const { return i < t_.size() ? &t_[i] : nullptr; }
  bool word(std::size_t i, std::string_view w) const { return i < t_.size() && t_[i].kind == Tok::Word && t_[i].low == w; }
  bool punct(std::size_t i, std::string_view p) const {
    return i < t_.size() && t_[i].kind == Tok::Punct && t_[i].low == p;
  }
  bool glued(std::size_t i) const { return i < t_.size() && !t_[i].space; }
  // Token i is not stuck to a word, number or number-ish mark on its left (a date inside
  // "v1.2024-03-05" or "ABC2019" is not a date).
  bool free_left(std::size_t i) const {
    if (i == 0 || t_[i].space) return true;
    const Tok& p = t_[i - 1];
    return p.kind == Tok::Punct &&
           !one_of(p.low, {".", "-", "/", ":", "+", "#", "$", "_", "@", "%", "~", "\\", "^", "&", "*"});
  }
  // Token end-1 is the last of a match: nothing glued on its right continues it as a
  // number, word or dotted/colon value ("2024-03-05abc", "2.4.2024.1", "1999-2005-2010").
  bool free_right(std::size_t end) const {
    if (end >= t_.size() || t_[end].space) return true;
    const Tok& n = t_[end];
    if (n.kind != Tok::Punct) return false;
    if (one_of(n.low, {"_", "@", "%", "+", "="})) return false;
    if (n.low == "." || n.low == "-" || n.low == ":" || n.low == "/") {
      const Tok* after = at(end + 1);
      return !after || after->space || after->kind == Tok::Punct;
    }
    return true;
  }

  // Day number 1..31 at i, with an ordinal suffix glued on ("5th"); tokens used in *len.
  std::optional<int> day_at(std::size_t i, std::size_t* len) const {
    auto d = at(i) ? num(t_[i], 1, 2) : std::nullopt;
    if (!d || *d < 1 || *d > 31) return std::nullopt;
    *len = 1;
    if (const Tok* s = at(i + 1); s && !s->space && s->kind == Tok::Word) {
      if (!one_of(s->low, {"st", "nd", "rd", "th"})) return std::nullopt;
      *len = 2;
    }
    return d;
  }

  std::optional<int> year_at(std::size_t i) const {
    auto y = at(i) ? num(t_[i], 4, 4) : std::nullopt;
    if (!y || *y < 1000 || *y > 2999) return std::nullopt;
    return y;
  }

  // A month word at i that may stand for a month here: full names other than may/march
  // always; may, march, august and abbreviations only capitalized or before a dot.
  int month_at(std::size_t i, bool* weak, std::size_t* len) const {
    const Tok* t = at(i);
    if (!t || t->kind != Tok::Word) return 0;
    bool abbreviated = false;
    const int m = month_number(t->low, &abbreviated);
    if (!m) return 0;
    *len = 1;
    if (abbreviated && punct(i + 1, ".") && glued(i + 1)) *len = 2;
    *weak = abbreviated || m == 5 || m == 3 || m == 8;
    if (*weak && !t->cap && *len == 1 && t->low != "sept") {
      // lower-case "may", "march", "jan": only when a day or a year is right there
      *weak = true;
      if (!(at(i + 1) && t_[i + 1].kind == Tok::Num)) return 0;
    }
    return m;
  }

  static std::string two(int v) {
    char b[8];
    std::snprintf(b, sizeof b, "%02d", v);
    return b;
  }

  static std::string phrase_of(const Piece& p) {
    switch (p.shape) {
      case Piece::Day:
        if (p.year) return std::to_string(p.year) + "-" + two(p.month) + "-" + two(p.day);
        return std::string(calendar::kMonthNames[static_cast<std::size_t>(p.month - 1)]) + " " + std::to_string(p.day);
      case Piece::Month:
        if (p.year) return std::to_string(p.year) + "-" + two(p.month);
        return std::string(calendar::kMonthNames[static_cast<std::size_t>(p.month - 1)]);
      case Piece::Year: return std::to_string(p.year);
      case Piece::Other: break;
    }
    return p.phrase;
  }

  Piece piece(std::size_t first, std::size_t end, Piece::Shape shape, int y, int m, int d) const {
    Piece p;
    p.first = first;
    p.end = end;
    p.shape = shape;
    p.year = y;
    p.month = m;
    p.day = d;
    p.relative = shape != Piece::Other && y == 0;
    return p;
  }

  Piece other(std::size_t first, std::size_t end, std::string phrase, bool relative) const {
    Piece p;
    p.first = first;
    p.end = end;
    p.phrase = std::move(phrase);
    p.relative = relative;
    return p;
  }

  Piece with_days(std::size_t first, std::size_t end, std::int64_t a, std::int64_t b, Grain g, bool relative) const {
    Piece p;
    p.first = first;
    p.end = end;
    p.days = {a, b};
    p.grain = g;
    p.relative = relative;
    return p;
  }

  // A time of day after a date: "at 3pm", "14:33:12 +0100", "T10:00:00Z", "10:00 UTC". Returns
  // the end of what it took (end when there is none).
  std::size_t time_after(std::size_t end) const {
    std::size_t i = end;
    if (word(i, "at") || punct(i, "@") || punct(i, ",")) ++i;
    else if (word(i, "t") && glued(i)) ++i;
    auto h = at(i) ? num(t_[i], 1, 2) : std::nullopt;
    if (!h || *h > 24) return end;
    std::size_t j = i + 1;
    bool clock = false;
    while (punct(j, ":") && glued(j) && at(j + 1) && num(t_[j + 1], 2, 2) && glued(j + 1)) {
      j += 2;
      clock = true;
    }
    if (clock && punct(j, ".") && glued(j) && at(j + 1) && t_[j + 1].kind == Tok::Num && glued(j + 1)) j += 2;
    if (word(j, "am") || word(j, "pm")) {
      ++j;
      clock = true;
    } else if ((word(j, "a") || word(j, "p")) && punct(j + 1, ".") && word(j + 2, "m")) {
      j += punct(j + 3, ".") ? 4 : 3;
      clock = true;
    }
    if (!clock) return end;
    if (word(j, "z") && glued(j)) {
      ++j;
    } else if (at(j) && t_[j].kind == Tok::Word &&
               one_of(t_[j].low, {"utc", "gmt", "cet", "cest", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "bst",
                                  "ist", "jst", "aest", "aedt"})) {
      ++j;
    } else if ((punct(j, "+") || punct(j, "-")) && at(j + 1) && num(t_[j + 1], 2, 4) && glued(j + 1)) {
      j += 2;
      if (punct(j, ":") && glued(j) && at(j + 1) && num(t_[j + 1], 2, 2)) j += 2;
    }
    return j;
  }

  std::optional<Piece> day_piece(std::size_t first, std::size_t end, int y, int m, int d) const {
    if (d > static_cast<int>(civil::days_in_month(y ? y : 2000, static_cast<unsigned>(m)))) return std::nullopt;
    return piece(first, time_after(end), Piece::Day, y, m, d);
  }

  // --- matchers, longest first; each returns the piece starting at token i ---

  std::optional<Piece> match(std::size_t i) {
    const Tok& t = t_[i];
    if (t.kind == Tok::Num) {
      if (!free_left(i)) return std::nullopt;
      if (auto p = numeric(i)) return p;
      if (auto p = day_month(i)) return p;
      if (auto p = ago(i)) return p;
      if (auto p = decade(i)) return p;
      if (auto p = bare_year(i)) return p;
      return std::nullopt;
    }
    if (t.kind == Tok::Punct) {
      if (t.low == "'") return decade(i);
      if (t.low == "(" && at(i + 1) && year_at(i + 1) && punct(i + 2, ")")) return piece(i + 1, i + 2, Piece::Year, *year_at(i + 1), 0, 0);
      return std::nullopt;
    }
    // Words: most are none of those a mention can start with.
    if (!starts_mention(t.low)) return std::nullopt;
    if (auto p = weekday_prefixed(i)) return p;
    if (auto p = modified(i)) return p;
    if (auto p = month_first(i)) return p;
    if (auto p = relative_word(i)) return p;
    if (auto p = quarter(i)) return p;
    if (auto p = season(i)) return p;
    if (auto p = decade(i)) return p;
    if (auto p = ago(i)) return p;
    return std::nullopt;
  }

  // 2024-03-05[T10:00Z], 2024/03/05, 2024-03, 03/05/2024, 5.3.2024, 1998-2004, 2019-21
  std::optional<Piece> numeric(std::size_t i) {
    const Tok& a = t_[i];
    if (after_page_word(i)) return std::nullopt;
    const bool sep1 = at(i + 1) && glued(i + 1) && (punct(i + 1, "-") || punct(i + 1, "/") || punct(i + 1, "."));
    if (auto y = year_at(i)) {
      if (sep1 && at(i + 2) && glued(i + 2) && t_[i + 2].kind == Tok::Num) {
        const std::string_view sep = t_[i + 1].low;
        const Tok& b = t_[i + 2];
        // YYYY-MM-DD or YYYY/MM/DD
        if (sep != "." && b.low.size() == 2 && punct(i + 3, sep) && glued(i + 3) && at(i + 4) && glued(i + 4) &&
            num(t_[i + 4], 2, 2)) {
          const int m = to_int(b.low), d = to_int(t_[i + 4].low);
          if (m >= 1 && m <= 12 && d >= 1 && free_right_after_time(i + 5)) return day_piece(i, i + 5, *y, m, d);
          return std::nullopt;
        }
        if (sep == "-" && free_right(i + 3)) {
          // YYYY-MM, or a short year range (2019-21)
          if (b.low.size() == 2) {
            const int v = to_int(b.low);
            if (v >= 1 && v <= 12) return piece(i, i + 3, Piece::Month, *y, v, 0);
            const int y2 = *y / 100 * 100 + v;
            if (y2 > *y) return year_range(i, i + 3, *y, y2);
            return std::nullopt;
          }
          if (auto y2 = year_at(i + 2); y2 && *y2 > *y && *y2 - *y <= 200) return year_range(i, i + 3, *y, *y2);
        }
        return std::nullopt;
      }
      // 1998 - 2004, 1998 – 2004 (with spaces)
      if (punct(i + 1, "-") && at(i + 2) && year_at(i + 2) && free_right(i + 3) && *year_at(i + 2) > *y &&
          *year_at(i + 2) - *y <= 200)
        return year_range(i, i + 3, *y, *year_at(i + 2));
      return std::nullopt;
    }
    // MM/DD/YYYY, DD.MM.YYYY (also two-digit years: ambiguous)
    if (a.low.size() <= 2 && sep1 && t_[i + 1].low != "-" && at(i + 2) && glued(i + 2) && num(t_[i + 2], 1, 2) &&
        punct(i + 3, t_[i + 1].low) && glued(i + 3) && at(i + 4) && glued(i + 4) && num(t_[i + 4], 2, 4) &&
        t_[i + 4].low.size() != 3 && free_right_after_time(i + 5)) {
      const std::string_view sep = t_[i + 1].low;
      const int p1 = to_int(a.low), p2 = to_int(t_[i + 2].low);
      int y = to_int(t_[i + 4].low);
      const bool short_year = t_[i + 4].low.size() == 2;
      if (short_year) y += y < 70 ? 2000 : 1900;
      if (y < 1000 || y > 2999) return std::nullopt;
      int m = p1, d = p2;
      bool ambiguous = short_year;
      if (sep == ".") {
        std::swap(m, d);  // day first
      } else if (p1 > 12) {
        std::swap(m, d);  // 17/11/2025 can only be day first
      } else if (p2 <= 12 && p1 != p2) {
        ambiguous = true;  // 03/04/2025: month first
      }
      if (m < 1 || m > 12 || d < 1) return std::nullopt;
      auto p = day_piece(i, i + 5, y, m, d);
      if (p) p->ambiguous = ambiguous;
      return p;
    }
    return std::nullopt;
  }

  bool free_right_after_time(std::size_t end) const {
    // a date-time's time part continues it ("2024-03-05T10:00"); anything else must not
    if (word(end, "t") && glued(end)) return true;
    return free_right(end);
  }

  // "pp. 1998-2011", "pages 1998-2011", "vol. 1998": numbers of pages and volumes
  bool after_page_word(std::size_t i) const {
    std::size_t k = i;
    if (k > 0 && punct(k - 1, ".")) --k;
    return k > 0 && t_[k - 1].kind == Tok::Word &&
           one_of(t_[k - 1].low, {"pp", "p", "page", "pages", "vol", "volume", "no", "nos", "issue", "lines", "line"});
  }

  Piece year_range(std::size_t first, std::size_t end, int y1, int y2) const {
    const std::int64_t a = civil::days_from_civil(y1, 1, 1), b = civil::days_from_civil(y2 + 1, 1, 1);
    return with_days(first, end, a, b, Grain::Range, false);
  }

  // 5 March 2024, 5th of March, 5-7 March 2024, 12 Mar 2024 14:33:12 +0100
  std::optional<Piece> day_month(std::size_t i) {
    std::size_t dl = 0;
    auto d = day_at(i, &dl);
    if (!d) return std::nullopt;
    std::size_t j = i + dl;
    std::optional<int> d_end;
    if (punct(j, "-") && at(j + 1)) {
      std::size_t dl2 = 0;
      if (auto d2 = day_at(j + 1, &dl2); d2 && *d2 > *d) {
        d_end = d2;
        j += 1 + dl2;
      }
    }
    if (word(j, "of")) ++j;
    bool weak = false;
    std::size_t ml = 0;
    const int m = month_at(j, &weak, &ml);
    if (!m) return std::nullopt;
    j += ml;
    std::size_t k = j;
    if (punct(k, ",")) ++k;
    int y = 0;
    if (auto yy = year_at(k); yy && free_right(k + 1)) {
      y = *yy;
      j = k + 1;
    }
    std::size_t first = i;
    if (i > 0 && word(i - 1, "the") && (dl == 2 || word(i + dl, "of"))) first = i - 1;
    if (d_end) return day_range(first, j, y, m, *d, *d_end);
    return day_piece(first, j, y, m, *d);
  }

  std::optional<Piece> day_range(std::size_t first, std::size_t end, int y, int m, int d1, int d2) {
    if (d2 > static_cast<int>(civil::days_in_month(y ? y : 2000, static_cast<unsigned>(m)))) return std::nullopt;
    Piece a = piece(first, end, Piece::Day, y, m, d1);
    Piece b = piece(first, end, Piece::Day, y, m, d2);
    auto ra = resolve(a), rb = resolve(b);
    if (!ra || !rb || rb->first_day < ra->first_day) return std::nullopt;
    Piece p = with_days(first, end, ra->first_day, rb->end_day, Grain::Range, ra->relative);
    return p;
  }

  // March 5, 2024 / March 5th / March 5-7, 2024 / March 2024 / March of 2024 / March
  std::optional<Piece> month_first(std::size_t i) {
    bool weak = false;
    std::size_t ml = 0;
    const int m = month_at(i, &weak, &ml);
    if (!m) return std::nullopt;
    std::size_t j = i + ml;
    std::size_t dl = 0;
    if (auto d = day_at(j, &dl)) {
      std::size_t k = j + dl;
      std::optional<int> d_end;
      if (punct(k, "-") && at(k + 1)) {
        std::size_t dl2 = 0;
        if (auto d2 = day_at(k + 1, &dl2); d2 && *d2 > *d && !(at(k + 1 + dl2) && punct(k + 1 + dl2, ":"))) {
          d_end = d2;
          k += 1 + dl2;
        }
      }
      if (!free_right(k)) return std::nullopt;  // "May 10:30", "Mar 2.5", "APR 5%"
      std::size_t end = k;
      int y = 0;
      std::size_t y_at = k + (punct(k, ",") ? 1 : 0);
      if (auto yy = year_at(y_at); yy && free_right(y_at + 1)) {
        y = *yy;
        end = y_at + 1;
      }
      if (weak && !t_[i].cap && !y && ml == 1) {
        // lower-case "march 5": a date only with a cue before it ("on march 5")
        if (i == 0 || !(word(i - 1, "on") || word(i - 1, "since") || word(i - 1, "until") || word(i - 1, "by")))
          return std::nullopt;
      }
      if (d_end) return day_range(i, end, y, m, *d, *d_end);
      return day_piece(i, end, y, m, *d);
    }
    std::size_t k = j;
    if (punct(k, ",") || word(k, "of")) ++k;
    if (auto yy = year_at(k); yy && free_right(k + 1)) return piece(i, k + 1, Piece::Month, *yy, m, 0);
    // A month alone: a strong name, or a weak one after a cue ("in May", "since Sept.").
    const bool cue = i > 0 && t_[i - 1].kind == Tok::Word &&
                     one_of(t_[i - 1].low, {"in", "since", "until", "till", "during", "early", "mid", "late", "last",
                                            "next", "this", "of", "before", "after", "by", "through", "from", "between", "for"});
    // April, June, May, August are also first names: only with a cue. The other months,
    // capitalized and spelled out, stand alone ("February was our best month"), but not as
    // any month of their name ("a January as cold as this one", "every October").
    const bool name_like = m == 4 || m == 5 || m == 6 || m == 8 || m == 3 || m == 7;
    if (i > 0 && one_of(t_[i - 1].low, {"a", "an", "every", "each", "the"})) return std::nullopt;
    if (!cue && (name_like || weak || !t_[i].cap)) return std::nullopt;
    if (cue && weak && !t_[i].cap) return std::nullopt;
    if (i > 0 && (word(i - 1, "last") || word(i - 1, "next") || word(i - 1, "this"))) {
      // "this March" is the most recent March, as "March" alone; last/next as the resolver reads them.
      const std::string month = phrase_of(piece(i, i, Piece::Month, 0, m, 0));
      return other(i - 1, i + ml, word(i - 1, "this") ? month : std::string(t_[i - 1].low) + " " + month, true);
    }
    Piece p = piece(i, i + ml, Piece::Month, 0, m, 0);
    p.relative = true;
    return p;
  }

  // Tue, 12 Mar 2024 14:33:12 +0100 / Monday, March 5, 2024 / Monday / on Friday / last Friday
  std::optional<Piece> weekday_prefixed(std::size_t i) {
    bool abbreviated = false;
    const int wd = weekday_number(t_[i].low, &abbreviated);
    if (wd == 0) return std::nullopt;
    std::size_t j = i + 1;
    if (abbreviated && punct(j, ".") && glued(j)) ++j;
    if (punct(j, ",")) ++j;
    if (at(j)) {
      std::optional<Piece> p = t_[j].kind == Tok::Num ? day_month(j) : month_first(j);
      if (p && p->first == j) {
        p->first = i;
        return p;
      }
    }
    const bool relative_prefix = i > 0 && one_of(t_[i - 1].low, {"last", "next", "this", "coming", "past", "previous"});
    if (abbreviated && !relative_prefix) return std::nullopt;
    if (i > 0 && one_of(t_[i - 1].low, {"a", "an", "the"})) return std::nullopt;  // "a Sunday league"
    // a weekday alone
    std::size_t first = i, end = i + 1;
    std::string prefix;
    if (i > 0 && t_[i - 1].kind == Tok::Word) {
      const std::string_view p = t_[i - 1].low;
      // "every Monday", "the first Monday of each month": a rule, not a day
      if (one_of(p, {"every", "each", "first", "second", "third", "fourth", "fifth", "other", "alternate"}))
        return std::nullopt;
      if (word(i + 1, "of") && (word(i + 2, "each") || word(i + 2, "every") || word(i + 2, "the")))
        return std::nullopt;
      if (one_of(p, {"last", "next", "this", "coming", "past", "previous"})) {
        first = i - 1;
        prefix = p == "past" || p == "previous" ? "last " : std::string(p) + " ";
      }
    }
    if (!t_[i].cap && first == i && !(i > 0 && one_of(t_[i - 1].low, {"on", "by", "until", "since", "till"})))
      return std::nullopt;
    if (at(end) && t_[end].kind == Tok::Word && one_of(t_[end].low, {"morning", "afternoon", "evening", "night"})) ++end;
    else if (at(end) && t_[end].kind == Tok::Word && t_[end].low == "s" && punct(end - 1, "'")) return std::nullopt;
    return other(first, end, prefix + std::string(calendar::kWeekdayNames[static_cast<std::size_t>(wd - 1)]), true);
  }

  // early 2024, mid-2024, late March, the end of 2024 ... : the modifier joins the span,
  // the window stays the whole period.
  std::optional<Piece> modified(std::size_t i) {
    if (!one_of(t_[i].low, {"early", "mid", "late"})) return std::nullopt;
    std::size_t j = i + 1;
    if (punct(j, "-") && glued(j)) ++j;
    if (!at(j)) return std::nullopt;
    std::optional<Piece> p;
    if (auto y = year_at(j); y && free_right(j + 1)) {
      if (auto d = decade(j)) p = d;
      else p = piece(j, j + 1, Piece::Year, *y, 0, 0);
    } else if (t_[j].kind == Tok::Word) {
      if (!(p = month_first(j)) && !(p = decade(j)) && !(p = season(j))) return std::nullopt;
    } else if (t_[j].kind == Tok::Num) {
      p = decade(j);
    }
    if (!p || p->first != j) return std::nullopt;
    p->first = i;
    return p;
  }

  // today, yesterday, last week, next month, this year, tonight, last night ...
  std::optional<Piece> relative_word(std::size_t i) {
    const std::string_view w = t_[i].low;
    if (w == "today" || w == "tonight") return other(i, i + 1, "today", true);
    if (w == "tmrw" || w == "tmr") return other(i, i + 1, "tomorrow", true);
    if (w == "yesterday" || w == "tomorrow") {
      if (i >= 3 && word(i - 1, "before") && word(i - 2, "day") && word(i - 3, "the") && w == "yesterday")
        return other(i - 3, i + 1, "the day before yesterday", true);
      if (i >= 3 && word(i - 1, "after") && word(i - 2, "day") && word(i - 3, "the") && w == "tomorrow")
        return other(i - 3, i + 1, "the day after tomorrow", true);
      std::size_t end = i + 1;
      if (at(end) && t_[end].kind == Tok::Word && one_of(t_[end].low, {"morning", "afternoon", "evening", "night"})) ++end;
      return other(i, end, std::string(w), true);
    }
    if (one_of(w, {"last", "this", "next", "previous", "coming"}) && at(i + 1) && t_[i + 1].kind == Tok::Word) {
      const std::string_view u = t_[i + 1].low;
      const std::string rel(w == "previous" ? "last" : w == "coming" ? "next" : w);
      if (u == "night" && w == "last") return other(i, i + 2, "yesterday", true);
      if (one_of(u, {"morning", "afternoon", "evening"}) && w == "this") return other(i, i + 2, "today", true);
      if (one_of(u, {"week", "month", "year", "quarter", "weekend", "decade"})) {
        return other(i, i + 2, rel + " " + std::string(u), true);
      }
    }
    // in N days / in two weeks
    if (w == "in" && at(i + 1)) {
      const int n = t_[i + 1].kind == Tok::Num && t_[i + 1].low.size() <= 3 ? to_int(t_[i + 1].low)
                                                                            : number_word(t_[i + 1].low);
      if (n > 0 && at(i + 2) && t_[i + 2].kind == Tok::Word &&
          one_of(t_[i + 2].low, {"day", "days", "week", "weeks", "month", "months", "year", "years"}) &&
          !(at(i + 3) && t_[i + 3].kind == Tok::Word && one_of(t_[i + 3].low, {"of", "time"})))
        return other(i + 1, i + 3, "in " + std::to_string(n) + " " + std::string(t_[i + 2].low), true);
    }
    return std::nullopt;
  }

  // 3 days ago, two weeks ago, a year ago, 3 days from now
  std::optional<Piece> ago(std::size_t i) {
    const Tok& t = t_[i];
    int n = t.kind == Tok::Num ? (t.low.size() <= 3 ? to_int(t.low) : -1) : number_word(t.low);
    if (n <= 0 || !at(i + 1) || t_[i + 1].kind != Tok::Word) return std::nullopt;
    const std::string_view u = t_[i + 1].low;
    if (!one_of(u, {"day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades"}))
      return std::nullopt;
    if (word(i + 2, "ago")) return other(i, i + 3, std::to_string(n) + " " + std::string(u) + " ago", true);
    if (word(i + 2, "from") && word(i + 3, "now")) return other(i, i + 4, "in " + std::to_string(n) + " " + std::string(u), true);
    return std::nullopt;
  }

  // Q4 2025, Q4 of 2025, 2025 Q4 (at the year), the fourth quarter of 2025, H1 2024
  std::optional<Piece> quarter(std::size_t i) {
    const std::string_view w = t_[i].low;
    if ((w == "q" || w == "h") && at(i + 1) && glued(i + 1) && num(t_[i + 1], 1, 1)) {
      const int q = to_int(t_[i + 1].low);
      if (q < 1 || q > (w == "q" ? 4 : 2)) return std::nullopt;
      std::size_t k = i + 2;
      if (punct(k, ",") || word(k, "of")) ++k;
      else if (punct(k, "-") || punct(k, "/")) ++k;
      std::optional<int> y = at(k) ? year_at(k) : std::nullopt;
      if (!y || !free_right(k + 1)) return std::nullopt;
      return period(i, k + 1, *y, w == "q" ? 3 : 6, q);
    }
    static constexpr std::string_view kOrd[][2] = {{"first", "1st"}, {"second", "2nd"}, {"third", "3rd"}, {"fourth", "4th"}};
    std::size_t j = i;
    int q = 0;
    for (int k = 0; k < 4; ++k)
      if (w == kOrd[k][0]) q = k + 1;
    if (!q && t_[i].kind == Tok::Num && t_[i].low.size() == 1 && word(i + 1, "st") + word(i + 1, "nd") + word(i + 1, "rd") + word(i + 1, "th")) {
      q = to_int(t_[i].low);
      ++j;
    }
    if (q < 1 || q > 4 || !word(j + 1, "quarter")) return std::nullopt;
    std::size_t k = j + 2;
    if (word(k, "of") || punct(k, ",")) ++k;
    auto y = at(k) ? year_at(k) : std::nullopt;
    if (!y || !free_right(k + 1)) return std::nullopt;
    const std::size_t first = i > 0 && word(i - 1, "the") ? i - 1 : i;
    return period(first, k + 1, *y, 3, q);
  }

  Piece period(std::size_t first, std::size_t end, int y, int months, int n) const {
    const int m0 = (n - 1) * months + 1;
    const std::int64_t a = civil::days_from_civil(y, static_cast<unsigned>(m0), 1);
    const int m1 = m0 + months;
    const std::int64_t b = m1 > 12 ? civil::days_from_civil(y + 1, 1, 1) : civil::days_from_civil(y, static_cast<unsigned>(m1), 1);
    return with_days(first, end, a, b, months == 3 ? Grain::Quarter : Grain::Half, false);
  }

  // spring 2024, summer of 2019, fall 2023, winter 2024 (Dec 2024 - Feb 2025), last summer
  std::optional<Piece> season(std::size_t i) {
    static constexpr std::string_view kSeasons[] = {"spring", "summer", "autumn", "fall", "winter"};
    static constexpr int kStart[] = {3, 6, 9, 9, 12};
    int s = -1;
    for (int k = 0; k < 5; ++k)
      if (t_[i].low == kSeasons[k]) s = k;
    if (s < 0) return std::nullopt;
    const auto bounds = [&](std::int64_t y) {
      const std::int64_t a = civil::days_from_civil(y, static_cast<unsigned>(kStart[s]), 1);
      const int m_end = kStart[s] + 3;
      const std::int64_t b = m_end > 12 ? civil::days_from_civil(y + 1, static_cast<unsigned>(m_end - 12), 1)
                                        : civil::days_from_civil(y, static_cast<unsigned>(m_end), 1);
      return std::pair{a, b};
    };
    std::size_t k = i + 1;
    if (word(k, "of") || punct(k, ",")) ++k;
    if (auto y = at(k) ? year_at(k) : std::nullopt; y && free_right(k + 1)) {
      auto [a, b] = bounds(*y);
      return with_days(i, k + 1, a, b, Grain::Season, false);
    }
    if (i == 0 || !one_of(t_[i - 1].low, {"last", "this", "next", "past"})) return std::nullopt;
    const std::string_view rel = t_[i - 1].low;
    const std::int64_t year = civil::civil_from_days(today_).year;
    // The occurrences around today: the one containing it or the latest before it, and the
    // one after.
    std::pair<std::int64_t, std::int64_t> pick{0, 0};
    if (rel == "next") {
      for (std::int64_t y = year - 1; y <= year + 1; ++y)
        if (auto b = bounds(y); b.first > today_) {
          pick = b;
          break;
        }
    } else if (rel == "this") {
      pick = bounds(year);
      if (s == 4 && civil::civil_from_days(today_).month <= 2) pick = bounds(year - 1);
    } else {
      for (std::int64_t y = year + 1; y >= year - 2; --y)
        if (auto b = bounds(y); b.second <= today_) {
          pick = b;
          break;
        }
    }
    if (pick.second == 0) return std::nullopt;
    return with_days(i - 1, i + 1, pick.first, pick.second, Grain::Season, true);
  }

  // the 1990s, 1990s, the '90s, the 90s, the nineties
  std::optional<Piece> decade(std::size_t i) {
    static constexpr std::string_view kTens[] = {"", "", "twenties", "thirties", "forties", "fifties",
                                                 "sixties", "seventies", "eighties", "nineties"};
    const bool the = i > 0 && word(i - 1, "the");
    std::size_t first = the ? i - 1 : i;
    int start = -1;
    std::size_t end = 0;
    if (t_[i].kind == Tok::Word) {
      for (int k = 2; k < 10; ++k)
        if (t_[i].low == kTens[k] && the) start = 1900 + 10 * k;
      end = i + 1;
    } else if (t_[i].kind == Tok::Punct) {
      if (at(i + 1) && glued(i + 1) && num(t_[i + 1], 2, 2) && word(i + 2, "s") && glued(i + 2)) {
        const int v = to_int(t_[i + 1].low);
        if (v % 10 == 0) start = v <= 10 ? 2000 + v : 1900 + v;
        end = i + 3;
        if (the) first = i - 1;
        else first = i;
      }
    } else if (t_[i].kind == Tok::Num && word(i + 1, "s") && glued(i + 1)) {
      const int v = to_int(t_[i].low);
      if (t_[i].low.size() == 4 && v % 10 == 0 && v >= 1000 && v <= 2990) start = v;
      if (t_[i].low.size() == 2 && v % 10 == 0 && the) start = v <= 10 ? 2000 + v : 1900 + v;
      end = i + 2;
    }
    if (start < 0 || !free_right(end)) return std::nullopt;
    return with_days(first, end, civil::days_from_civil(start, 1, 1), civil::days_from_civil(start + 10, 1, 1),
                     Grain::Decade, false);
  }

  // A four-digit year with a cue: "in 2019", "since 2019", "Copyright 2019", "1998, 2003".
  std::optional<Piece> bare_year(std::size_t i) {
    auto y = year_at(i);
    if (!y || !free_right(i + 1)) return std::nullopt;
    if (at(i + 1) && glued(i + 1) && (punct(i + 1, "%") || t_[i + 1].kind == Tok::Word)) return std::nullopt;
    bool strong = false, weak = false;
    if (i > 0) {
      const Tok& p = t_[i - 1];
      if (p.kind == Tok::Word) {
        strong = strong_year_cue(p.low);
        weak = weak_year_cue(p.low);
      } else if (p.low == ")" && i > 2 && word(i - 2, "c") && punct(i - 3, "(")) {
        strong = true;  // Copyright (C) 2019
      } else if (p.low == ",") {
        // a list of years (Copyright 1998, 2001, 2004): the one before was a year
        strong = i > 1 && year_at(i - 2).has_value() && (i < 3 || t_[i - 3].kind != Tok::Num);
      }
    }
    // one end of a range of years: "spans 2015 to 2020", "between 1922 and 1925"
    const auto connector = [&](std::size_t k) {
      return punct(k, "-") || word(k, "to") || word(k, "through") || word(k, "thru") || word(k, "and") ||
             word(k, "until") || word(k, "till");
    };
    if (!strong && at(i + 2) && connector(i + 1) && year_at(i + 2) && *year_at(i + 2) > *y) strong = true;
    if (!strong && i > 1 && connector(i - 1) && year_at(i - 2) && *year_at(i - 2) < *y) strong = true;
    // "the 1918 pandemic", "a 2022 campaign", "her 2015 paper" (not "the 2000 users")
    if (!strong && !weak && i > 0 && t_[i - 1].kind == Tok::Word &&
        one_of(t_[i - 1].low, {"the", "a", "an", "s", "his", "her", "their", "our", "its", "my", "your"}) &&
        *y >= 1800 && *y <= 2199 && at(i + 1) && t_[i + 1].kind == Tok::Word && !t_[i + 1].cap)
      weak = true;
    // a citation: "(Mani and Wilson, 2000; ...)", "(9th Cir. 2023)"
    if (!strong && (punct(i + 1, ")") || punct(i + 1, ";")) && i > 0 && (punct(i - 1, ",") || punct(i - 1, ".") || punct(i - 1, "(")))
      strong = true;
    if (!strong && !weak) return std::nullopt;
    if (weak && *y < 1800) return std::nullopt;
    if (weak && at(i + 1) && t_[i + 1].kind == Tok::Word && !follows_year(t_[i + 1].low) &&
        counted_after(t_[i + 1].low))
      return std::nullopt;  // "of 2000 users", "in 2048 bytes"
    return piece(i, i + 1, Piece::Year, *y, 0, 0);
  }

  // Whether two pieces make one range: "X to Y", "X - Y", "X through Y", "between X and Y".
  bool joins(const Piece& a, const Piece& b) const {
    if (b.first != a.end + 1) return false;
    const Tok& c = t_[a.end];
    if (c.kind == Tok::Punct) return c.low == "-";
    if (c.kind != Tok::Word) return false;
    if (one_of(c.low, {"to", "through", "thru", "until", "till"})) return true;
    return c.low == "and" && a.first > 0 && word(a.first - 1, "between");
  }

  std::optional<MentionSpan> resolve(const Piece& p) const {
    MentionSpan m;
    m.begin = static_cast<std::uint32_t>(t_[p.first].b);
    m.end = static_cast<std::uint32_t>(t_[p.end - 1].e);
    m.relative = p.relative;
    m.ambiguous = p.ambiguous;
    if (p.days) {
      m.first_day = p.days->first;
      m.end_day = p.days->second;
      m.grain = p.grain.value_or(Grain::Day);
      return m;
    }
    // A dated day, month or year is plain calendar arithmetic, the resolver's own (a text full
    // of dates, such as a changelog, would otherwise pay a parse per date); the rest, relative
    // to the text's date, goes through the resolver.
    if (p.year && p.shape != Piece::Other) {
      const auto y = static_cast<std::int64_t>(p.year);
      if (p.shape == Piece::Day) {
        m.first_day = civil::days_from_civil(y, static_cast<unsigned>(p.month), static_cast<unsigned>(p.day));
        m.end_day = m.first_day + 1;
        m.grain = Grain::Day;
      } else if (p.shape == Piece::Month) {
        m.first_day = civil::days_from_civil(y, static_cast<unsigned>(p.month), 1);
        m.end_day = m.first_day + civil::days_in_month(y, static_cast<unsigned>(p.month));
        m.grain = Grain::Month;
      } else {
        m.first_day = civil::days_from_civil(y, 1, 1);
        m.end_day = civil::days_from_civil(y + 1, 1, 1);
        m.grain = Grain::Year;
      }
      return m;
    }
    try {
      const TimeWindow w =
          resolve_time_phrase(p.shape == Piece::Other ? p.phrase : phrase_of(p), TimeContext{written_ms_, "UTC"});
      if (!w.start_ms || !w.end_ms) return std::nullopt;
      m.first_day = civil::floor_div(*w.start_ms, civil::kMsPerDay);
      const std::int64_t last = civil::floor_div(*w.end_ms - 1, civil::kMsPerDay);
      m.end_day = last + 1;
      const std::string& g = w.granularity;
      if (g == "part-of-day" || g == "hour" || g == "minute" || g == "second" || g == "instant") {
        m.end_day = m.first_day + 1;
        m.grain = Grain::Day;
      } else if (g == "week") m.grain = Grain::Week;
      else if (g == "weekend") m.grain = Grain::Weekend;
      else if (g == "month") m.grain = Grain::Month;
      else if (g == "quarter") m.grain = Grain::Quarter;
      else if (g == "year") m.grain = Grain::Year;
      else if (g == "decade") m.grain = Grain::Decade;
      else if (g == "range") m.grain = Grain::Range;
      else m.grain = Grain::Day;
      m.ambiguous = m.ambiguous || w.ambiguous;
      return m;
    } catch (const Error&) {
      return std::nullopt;  // no such day (February 30), or outside the calendar
    }
  }

  static std::string fold(std::string_view text) {
    std::string f(text);
    for (char& c : f)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
    return f;
  }

  std::string folded_;
  std::vector<Tok> t_;
  std::int64_t written_ms_;
  std::int64_t today_;
};

}  // namespace

const char* grain_name(Grain grain) {
  switch (grain) {
    case Grain::Day: return "day";
    case Grain::Week: return "week";
    case Grain::Weekend: return "weekend";
    case Grain::Month: return "month";
    case Grain::Quarter: return "quarter";
    case Grain::Season: return "season";
    case Grain::Half: return "half";
    case Grain::Year: return "year";
    case Grain::Decade: return "decade";
    case Grain::Range: return "range";
  }
  return "day";
}

bool valid_grain(std::uint8_t value) { return value >= 1 && value <= static_cast<std::uint8_t>(Grain::Range); }

std::string iso_day(std::int64_t day) {
  const civil::Date d = civil::civil_from_days(day);
  char b[32];
  std::snprintf(b, sizeof b, "%04lld-%02u-%02u", static_cast<long long>(d.year), d.month, d.day);
  return b;
}

std::vector<MentionSpan> extract_mentions(std::string_view text, std::int64_t written_ms) {
  // A long text is read a part at a time (parts end at blank lines), so that its tokens are
  // held for one part only; a mention does not run on across a blank line.
  std::vector<MentionSpan> out;
  for (const TextPart& part : paragraph_parts(text, kTextPartBytes)) {
    for (MentionSpan m : Extractor(part.text, written_ms).run()) {
      if (out.size() >= kMaxMentionsPerText) return out;
      m.begin += static_cast<std::uint32_t>(part.base);
      m.end += static_cast<std::uint32_t>(part.base);
      out.push_back(m);
    }
  }
  return out;
}

}  // namespace memvid::mentions

namespace memvid {

std::vector<TimeMention> find_time_mentions(std::string_view text, std::int64_t written_ms) {
  std::vector<TimeMention> out;
  for (const mentions::MentionSpan& m : mentions::extract_mentions(text, written_ms)) {
    TimeMention t;
    t.begin = m.begin;
    t.end = m.end;
    t.text = std::string(text.substr(m.begin, m.end - m.begin));
    t.first_day = mentions::iso_day(m.first_day);
    t.last_day = mentions::iso_day(m.end_day - 1);
    t.granularity = mentions::grain_name(m.grain);
    t.relative = m.relative;
    t.ambiguous = m.ambiguous;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace memvid
