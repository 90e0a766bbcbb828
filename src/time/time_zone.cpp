#include "time/time_zone.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "memvid/error.hpp"
#include "time/civil.hpp"

namespace memvid::timezone {
namespace {

// Real zone files are under 4 KiB; anything far larger is not one.
constexpr std::size_t kMaxZoneFileBytes = 1 << 20;
// UTC offsets in use have stayed within about ±15 h; RFC 8536 bounds them to (-25 h, 26 h).
constexpr std::int32_t kMaxOffset = 26 * 3600;

[[noreturn]] void corrupt(std::string_view origin, std::size_t offset, const std::string& what) {
  throw Error(ErrorCode::Corrupt,
              std::string(origin) + ": " + what + " at offset " + std::to_string(offset) + " (not a valid TZif file)");
}

class TzifReader {
 public:
  TzifReader(std::string_view bytes, std::string_view origin) : b_(bytes), origin_(origin) {}
  std::size_t pos() const { return pos_; }
  void need(std::size_t n) const {
    if (b_.size() - pos_ < n) corrupt(origin_, pos_, "truncated");
  }
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(b_[pos_++]);
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<std::uint8_t>(b_[pos_++]);
    return v;
  }
  std::int64_t i64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(b_[pos_++]);
    return static_cast<std::int64_t>(v);
  }
  std::string_view take(std::size_t n) {
    need(n);
    const auto s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(std::uint64_t n) {
    if (n > b_.size() - pos_) corrupt(origin_, pos_, "truncated");
    pos_ += static_cast<std::size_t>(n);
  }
  std::string_view rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  std::string_view origin_;
  std::size_t pos_ = 0;
};

struct TzifCounts {
  std::uint32_t isut, isstd, leap, time, type, chars;
};

TzifCounts read_header(TzifReader& r, std::string_view origin, char& version) {
  const std::size_t at = r.pos();
  if (r.take(4) != "TZif") corrupt(origin, at, "missing the TZif magic");
  version = static_cast<char>(r.u8());
  if (version != 0 && (version < '2' || version > '9')) corrupt(origin, at + 4, "unknown version");
  r.skip(15);
  TzifCounts c{r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.u32()};
  if (c.type == 0 || c.type > 256) corrupt(origin, at + 20, "type count out of range");
  if (c.chars == 0 || c.chars > 65536) corrupt(origin, at + 20, "abbreviation size out of range");
  if (c.isut != 0 && c.isut != c.type) corrupt(origin, at + 20, "UT indicator count differs from type count");
  if (c.isstd != 0 && c.isstd != c.type) corrupt(origin, at + 20, "standard indicator count differs from type count");
  // Every count is bounded by the bytes that must follow, checked as they are read.
  if (c.time > kMaxZoneFileBytes || c.leap > kMaxZoneFileBytes) corrupt(origin, at + 20, "count out of range");
  return c;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  PosixRule parse() {
    PosixRule rule;
    rule.standard.abbreviation = name();
    rule.standard.offset_s = -offset(24);
    if (done()) return rule;
    rule.has_dst = true;
    rule.daylight.dst = true;
    rule.daylight.abbreviation = name();
    rule.daylight.offset_s = rule.standard.offset_s + 3600;
    if (!done() && peek() != ',') rule.daylight.offset_s = -offset(24);
    if (done()) {
      // No rule given: POSIX leaves it to the implementation; the US rule is the usual one.
      rule.start = {PosixRule::Change::Kind::MonthWeekDay, 0, 3, 2, 7200};
      rule.end = {PosixRule::Change::Kind::MonthWeekDay, 0, 11, 1, 7200};
      return rule;
    }
    expect(',');
    rule.start = change();
    expect(',');
    rule.end = change();
    if (!done()) fail("unexpected text after the rule");
    return rule;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;

  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::Corrupt, "time zone rule '" + std::string(s_) + "': " + what + " at position " +
                                        std::to_string(i_));
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }

  std::string name() {
    std::string out;
    if (peek() == '<') {
      ++i_;
      while (!done() && peek() != '>') {
        const char c = peek();
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-') fail("bad character in a quoted zone name");
        out += c;
        ++i_;
      }
      expect('>');
    } else {
      while (is_alpha(peek())) out += s_[i_++];
    }
    if (out.size() < 3) fail("zone abbreviation shorter than three characters");
    return out;
  }

  // [+|-]hh[:mm[:ss]] as seconds, west positive as POSIX writes it.
  std::int32_t offset(int max_hours) {
    int sign = 1;
    if (peek() == '+') ++i_;
    else if (peek() == '-') sign = -1, ++i_;
    std::int32_t total = number(0, max_hours) * 3600;
    if (peek() == ':') {
      ++i_;
      total += number(0, 59) * 60;
      if (peek() == ':') {
        ++i_;
        total += number(0, 59);
      }
    }
    return sign * total;
  }

  int number(int lo, int hi) {
    if (!is_digit(peek())) fail("expected a number");
    int v = 0;
    while (is_digit(peek())) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > hi) fail("number out of range");
    }
    if (v < lo) fail("number out of range");
    return v;
  }

  PosixRule::Change change() {
    PosixRule::Change c;
    if (peek() == 'J') {
      ++i_;
      c.kind = PosixRule::Change::Kind::JulianNoLeap;
      c.day = number(1, 365);
    } else if (peek() == 'M') {
      ++i_;
      c.kind = PosixRule::Change::Kind::MonthWeekDay;
      c.month = number(1, 12);
      expect('.');
      c.week = number(1, 5);
      expect('.');
      c.day = number(0, 6);
    } else {
      c.kind = PosixRule::Change::Kind::ZeroBasedDay;
      c.day = number(0, 365);
    }
    if (peek() == '/') {
      ++i_;
      // RFC 8536 extends the time of day to -167..167 hours.
      c.time_s = offset(167);
    }
    return c;
  }
};

// The local day (days since 1970-01-01) on which a rule's change happens in `year`.
std::int64_t change_day(std::int64_t year, const PosixRule::Change& c) {
  const std::int64_t jan1 = civil::days_from_civil(year, 1, 1);
  switch (c.kind) {
    case PosixRule::Change::Kind::JulianNoLeap:
      return jan1 + c.day - 1 + (civil::is_leap(year) && c.day >= 60 ? 1 : 0);
    case PosixRule::Change::Kind::ZeroBasedDay:
      return jan1 + c.day;
    case PosixRule::Change::Kind::MonthWeekDay: {
      const auto month = static_cast<unsigned>(c.month);
      const std::int64_t first = civil::days_from_civil(year, month, 1);
      std::int64_t day = first + (c.day - static_cast<int>(civil::weekday(first)) + 7) % 7 + (c.week - 1) * 7;
      const std::int64_t next_month = first + civil::days_in_month(year, month);
      while (day >= next_month) day -= 7;  // week 5 means the last such weekday
      return day;
    }
  }
  return jan1;
}

std::int64_t change_instant(std::int64_t year, const PosixRule::Change& c, std::int32_t offset_before) {
  return change_day(year, c) * civil::kSecondsPerDay + c.time_s - offset_before;
}

std::string read_file_bounded(const std::string& path, bool& missing) {
  missing = false;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    missing = errno == ENOENT || errno == ENOTDIR;
    if (!missing) throw Error(ErrorCode::Io, "cannot read time zone file " + path + ": " + std::strerror(errno));
    return {};
  }
  std::string bytes(kMaxZoneFileBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorCode::Io, "cannot read time zone file " + path);
  if (bytes.size() > kMaxZoneFileBytes) throw Error(ErrorCode::Corrupt, path + ": larger than any time zone file");
  return bytes;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "+05:30", "-8", "UTC+2", "GMT-03:00": seconds east of UTC (ISO sign, unlike POSIX).
std::optional<std::int32_t> fixed_offset(std::string_view name) {
  const std::string l = lower(name);
  std::string_view s = l;
  if (s.starts_with("utc") || s.starts_with("gmt")) s.remove_prefix(3);
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  std::size_t i = 0;
  auto digits = [&](std::size_t max) {
    int v = 0;
    std::size_t n = 0;
    while (i < s.size() && is_digit(s[i]) && n < max) v = v * 10 + (s[i++] - '0'), ++n;
    return n == 0 ? -1 : v;
  };
  const int hours = digits(2);
  if (hours < 0 || hours > 18) return std::nullopt;
  int minutes = 0;
  if (i < s.size()) {
    if (s[i] == ':') ++i;
    minutes = digits(2);
    if (minutes < 0 || minutes > 59) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

std::string format_fixed(std::int32_t offset_s) {
  char buf[16];
  const std::int32_t a = offset_s < 0 ? -offset_s : offset_s;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  return buf;
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == ".." || part.front() == '-') return false;
    for (char c : part)
      if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '+' && c != '.') return false;
    start = slash + 1;
  }
  return true;
}

// Users type "europe/berlin" or "america/new_york": find the file's real spelling.
std::optional<std::string> case_insensitive_path(const std::string& dir, std::string_view name) {
  std::string path = dir;
  std::string canonical;
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string want = lower(name.substr(start, slash - start));
    DIR* d = opendir(path.c_str());
    if (!d) return std::nullopt;
    std::optional<std::string> found;
    while (const dirent* e = readdir(d)) {
      if (lower(e->d_name) == want) {
        found = e->d_name;
        break;
      }
    }
    closedir(d);
    if (!found) return std::nullopt;
    path += "/" + *found;
    canonical += (canonical.empty() ? "" : "/") + *found;
    start = slash + 1;
  }
  return canonical;
}

std::string zone_dir() {
  const char* env = std::getenv("TZDIR");
  return env && *env ? env : "/usr/share/zoneinfo";
}

}  // namespace

PosixRule parse_posix_rule(std::string_view text) { return PosixParser(text).parse(); }

TimeZone TimeZone::utc() { return fixed(0, "UTC"); }

TimeZone TimeZone::fixed(std::int32_t offset_s, std::string name) {
  TimeZone z;
  z.name_ = std::move(name);
  z.types_.push_back({offset_s, false, offset_s == 0 ? "UTC" : format_fixed(offset_s)});
  return z;
}

TimeZone TimeZone::from_tzif(std::string_view bytes, std::string name, std::string_view origin) {
  TzifReader r(bytes, origin);
  char version = 0;
  TzifCounts c = read_header(r, origin, version);
  int time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one after it is complete and authoritative.
    r.skip(std::uint64_t{c.time} * 5 + std::uint64_t{c.type} * 6 + c.chars + std::uint64_t{c.leap} * 8 + c.isstd +
           c.isut);
    c = read_header(r, origin, version);
    time_size = 8;
  }
  TimeZone z;
  z.name_ = std::move(name);
  r.need(std::size_t{c.time} * static_cast<std::size_t>(time_size + 1));
  z.transitions_.reserve(c.time);
  for (std::uint32_t i = 0; i < c.time; ++i) {
    const std::size_t at = r.pos();
    const std::int64_t t = time_size == 8 ? r.i64() : static_cast<std::int32_t>(r.u32());
    if (!z.transitions_.empty() && t <= z.transitions_.back()) corrupt(origin, at, "transition times not ascending");
    z.transitions_.push_back(t);
  }
  z.transition_types_.reserve(c.time);
  for (std::uint32_t i = 0; i < c.time; ++i) {
    const std::size_t at = r.pos();
    const std::uint8_t type = r.u8();
    if (type >= c.type) corrupt(origin, at, "transition names a type that does not exist");
    z.transition_types_.push_back(type);
  }
  struct RawType {
    std::int32_t offset;
    bool dst;
    std::uint8_t abbreviation_index;
  };
  std::vector<RawType> raw;
  for (std::uint32_t i = 0; i < c.type; ++i) {
    const std::size_t at = r.pos();
    const auto offset = static_cast<std::int32_t>(r.u32());
    const std::uint8_t dst = r.u8();
    const std::uint8_t index = r.u8();
    if (offset <= -kMaxOffset || offset >= kMaxOffset) corrupt(origin, at, "UTC offset out of range");
    if (dst > 1) corrupt(origin, at + 4, "DST flag is neither 0 nor 1");
    if (index >= c.chars) corrupt(origin, at + 5, "abbreviation index out of range");
    raw.push_back({offset, dst == 1, index});
  }
  const std::size_t chars_at = r.pos();
  const std::string_view chars = r.take(c.chars);
  if (chars.back() != '\0') corrupt(origin, chars_at + c.chars - 1, "abbreviations not NUL-terminated");
  for (const RawType& t : raw) {
    const std::string_view from = chars.substr(t.abbreviation_index);
    z.types_.push_back({t.offset, t.dst, std::string(from.substr(0, from.find('\0')))});
  }
  // Leap-second records and the standard/UT indicators do not change civil time.
  r.skip(std::uint64_t{c.leap} * static_cast<std::uint64_t>(time_size + 4) + c.isstd + c.isut);
  if (version >= '2') {
    const std::size_t footer_at = r.pos();
    std::string_view rest = r.rest();
    if (rest.empty() || rest.front() != '\n') corrupt(origin, footer_at, "missing the footer");
    rest.remove_prefix(1);
    const std::size_t end = rest.find('\n');
    if (end == std::string_view::npos) corrupt(origin, footer_at, "unterminated footer");
    const std::string_view tz = rest.substr(0, end);
    if (!tz.empty()) {
      try {
        z.rule_ = parse_posix_rule(tz);
      } catch (const Error& e) {
        corrupt(origin, footer_at + 1, e.what());
      }
      z.has_rule_ = true;
    }
  }
  return z;
}

TimeZone TimeZone::load(std::string_view name) {
  // Each phrase of a query, each edge of a window and each frame `when` prints in local time
  // asks for its zone: read a zone's file once per thread, not once per call. The key holds
  // what the lookup depends on besides the name ($TZDIR, and $TZ for "local").
  const char* tz = std::getenv("TZ");
  std::string key = std::string(name) + '\0' + zone_dir() + '\0' + (tz ? tz : "");
  thread_local std::map<std::string, TimeZone> loaded;
  if (const auto it = loaded.find(key); it != loaded.end()) return it->second;
  TimeZone zone = load_uncached(name);
  if (loaded.size() >= 64) loaded.clear();  // a bound, whatever names a process asks for
  loaded.emplace(std::move(key), zone);
  return zone;
}

TimeZone TimeZone::load_uncached(std::string_view name) {
  const std::string l = lower(name);
  if (l == "utc" || l == "z" || l == "gmt" || l == "etc/utc" || l == "etc/gmt" || l == "zulu" || l == "universal")
    return utc();
  if (auto offset = fixed_offset(name)) return *offset == 0 ? utc() : fixed(*offset, format_fixed(*offset));
  if (l == "local") {
    const char* tz = std::getenv("TZ");
    if (tz && *tz) {
      std::string_view v = tz;
      if (v.front() == ':') v.remove_prefix(1);
      if (!v.empty() && v.front() != '/' && valid_zone_name(v) && lower(v) != "local") return load(v);
    }
    bool missing = false;
    const std::string bytes = read_file_bounded("/etc/localtime", missing);
    if (missing) return utc();
    std::string zone_name = "localtime";
    char target[512];
    const ssize_t n = readlink("/etc/localtime", target, sizeof target - 1);
    if (n > 0) {
      const std::string_view t(target, static_cast<std::size_t>(n));
      if (const auto at = t.find("zoneinfo/"); at != std::string_view::npos) zone_name = t.substr(at + 9);
    }
    return from_tzif(bytes, zone_name, "/etc/localtime");
  }
  const std::string quoted = "'" + std::string(name.substr(0, 80)) + "'";
  if (!valid_zone_name(name))
    throw Error(ErrorCode::InvalidArgument, "unknown time zone " + quoted +
                                                " (expected an IANA name such as Europe/Berlin, UTC, or an offset "
                                                "such as +05:30)");
  const std::string dir = zone_dir();
  bool missing = false;
  std::string canonical(name);
  std::string bytes = read_file_bounded(dir + "/" + canonical, missing);
  if (missing) {
    if (auto real = case_insensitive_path(dir, name)) {
      canonical = *real;
      bytes = read_file_bounded(dir + "/" + canonical, missing);
    }
  }
  if (missing)
    throw Error(ErrorCode::InvalidArgument,
                "unknown time zone " + quoted + " (no such zone in " + dir + "; e.g. America/New_York, UTC)");
  if (bytes.size() < 4 || bytes.compare(0, 4, "TZif") != 0)
    throw Error(ErrorCode::InvalidArgument, "unknown time zone " + quoted + " (" + dir + "/" + canonical +
                                                " is not a zone file)");
  return from_tzif(bytes, canonical, dir + "/" + canonical);
}

LocalTimeType TimeZone::rule_at(std::int64_t utc_s) const {
  if (!rule_.has_dst) return rule_.standard;
  const std::int64_t local_day = civil::floor_div(utc_s + rule_.standard.offset_s, civil::kSecondsPerDay);
  const std::int64_t year = civil::civil_from_days(local_day).year;
  const std::int64_t start = change_instant(year, rule_.start, rule_.standard.offset_s);
  const std::int64_t end = change_instant(year, rule_.end, rule_.daylight.offset_s);
  const bool dst = start < end ? (utc_s >= start && utc_s < end) : !(utc_s >= end && utc_s < start);
  return dst ? rule_.daylight : rule_.standard;
}

LocalTimeType TimeZone::at(std::int64_t utc_s) const {
  if (transitions_.empty()) return has_rule_ ? rule_at(utc_s) : types_.front();
  if (utc_s < transitions_.front()) return types_.front();
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_s);
  const auto index = static_cast<std::size_t>(it - transitions_.begin()) - 1;
  if (index + 1 == transitions_.size() && has_rule_) return rule_at(utc_s);
  return types_[transition_types_[index]];
}

std::int64_t TimeZone::local_ms(std::int64_t utc_ms) const {
  return utc_ms + std::int64_t{offset_at(civil::floor_div(utc_ms, 1000))} * 1000;
}

std::int64_t TimeZone::to_utc(std::int64_t local_s) const {
  // Offsets in force within two days of the local time; transitions are further apart.
  std::array<std::int32_t, 3> offsets{offset_at(local_s - 2 * civil::kSecondsPerDay), offset_at(local_s),
                                      offset_at(local_s + 2 * civil::kSecondsPerDay)};
  std::optional<std::int64_t> best;
  for (const std::int32_t o : offsets) {
    const std::int64_t t = local_s - o;
    if (offset_at(t) == o && (!best || t < *best)) best = t;
  }
  if (best) return *best;
  // A gap: the clock jumped over local_s. The day (or hour) begins when it resumes: the
  // first instant whose local reading is at or past local_s.
  const auto [lo_offset, hi_offset] = std::minmax({offsets[0], offsets[1], offsets[2]});
  std::int64_t lo = local_s - hi_offset, hi = local_s - lo_offset;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (mid + offset_at(mid) >= local_s) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

}  // namespace memvid::timezone
