#pragma once
// A time zone read from the system's compiled tz database (TZif files, RFC 8536, as zic
// writes them under /usr/share/zoneinfo), including the POSIX TZ rule in the file's footer
// that governs instants after the last listed transition. Debian's files list transitions
// only up to 2037 and the footer carries every later year, so a reader that ignores the
// footer (as the C++ date library's system-tzdb mode does) is wrong from 2038 on.
//
// Every count and index read from the file is checked before use: a hostile or truncated
// zone file is a typed error, never a crash or an unbounded allocation.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::timezone {

struct LocalTimeType {
  std::int32_t offset_s = 0;  // seconds east of UTC
  bool dst = false;
  std::string abbreviation;
};

// The rule of a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"): a standard offset, and maybe a
// daylight offset with the local dates and times at which it starts and ends each year.
struct PosixRule {
  struct Change {
    enum class Kind { JulianNoLeap, ZeroBasedDay, MonthWeekDay } kind = Kind::MonthWeekDay;
    int day = 0;  // Jn: 1..365; n: 0..365; Mm.w.d: d = weekday 0..6
    int month = 0, week = 0;
    std::int32_t time_s = 7200;  // local time of day of the change (may be negative or > 24h)
  };
  LocalTimeType standard;
  bool has_dst = false;
  LocalTimeType daylight;
  Change start, end;
};

// Parses a POSIX TZ string; throws Error(Corrupt) naming the position on anything else.
PosixRule parse_posix_rule(std::string_view text);

class TimeZone {
 public:
  // UTC, with no file read: it works on a machine without tzdata.
  static TimeZone utc();
  // A fixed offset, such as "+05:30" (seconds east of UTC).
  static TimeZone fixed(std::int32_t offset_s, std::string name);
  // Looks a zone up by IANA name ("Europe/Berlin"), in $TZDIR or /usr/share/zoneinfo. Also
  // accepts "UTC"/"GMT"/"Z", fixed offsets "+HH:MM" / "UTC-3", and "local" (the TZ variable,
  // else /etc/localtime). Throws Error(InvalidArgument) for an unknown or malformed name.
  // A zone's file is read once per thread (later calls copy what was read).
  static TimeZone load(std::string_view name);
  // Decodes TZif bytes; throws Error(Corrupt) naming `origin` and the offset of the flaw.
  static TimeZone from_tzif(std::string_view bytes, std::string name, std::string_view origin);

  const std::string& name() const { return name_; }

  // The local time type in effect at an instant (seconds since the epoch).
  LocalTimeType at(std::int64_t utc_s) const;
  std::int32_t offset_at(std::int64_t utc_s) const { return at(utc_s).offset_s; }
  // What the local clock reads at an instant, as milliseconds since the local epoch (wall
  // clock time written as if it were UTC: its UTC calendar day is the local day).
  std::int64_t local_ms(std::int64_t utc_ms) const;

  // The first instant at which the local clock reads `local_s` (seconds since the local
  // epoch). A local time that happens twice (clocks set back) gives the earlier instant; one
  // that never happens (clocks set forward) gives the instant of the jump, so a day that
  // starts inside a gap starts when the clock resumes.
  std::int64_t to_utc(std::int64_t local_s) const;

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // ascending instants
  std::vector<std::uint8_t> transition_types_;
  std::vector<LocalTimeType> types_;
  bool has_rule_ = false;
  PosixRule rule_;

  LocalTimeType rule_at(std::int64_t utc_s) const;
  static TimeZone load_uncached(std::string_view name);
};

// An instant as local ISO-8601 with the zone's offset then: 2025-11-17T00:00:00-05:00.
std::string format_local_time(std::int64_t ms, const TimeZone& zone);

}  // namespace memvid::timezone
