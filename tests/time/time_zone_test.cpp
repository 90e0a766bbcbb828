// The zone reader against the system's own zdump, which reads the same files with the C
// library's code: every transition zdump lists from 1900 to 2100, on both sides, in zones
// with northern and southern DST, half-hour offsets, negative DST and abolished DST. The
// years after 2037 exercise the POSIX rule in the files' footers.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include "memvid/error.hpp"
#include "time/civil.hpp"
#include "time/time_zone.hpp"

namespace memvid::timezone {
namespace {

struct ZdumpLine {
  std::int64_t utc_s;
  std::int32_t gmtoff;
  bool dst;
  std::string abbreviation;
};

int month_index(const std::string& m) {
  static const char* kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (m == kNames[i]) return i + 1;
  return 0;
}

// "America/New_York  Sun Mar  8 06:59:59 2099 UT = Sun Mar  8 01:59:59 2099 EST isdst=0 gmtoff=-18000"
std::vector<ZdumpLine> zdump(const std::string& zone) {
  std::vector<ZdumpLine> out;
  const std::string cmd = "zdump -v -c 1900,2100 " + zone + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 512> line{};
  while (fgets(line.data(), line.size(), pipe.get())) {
    std::istringstream in(line.data());
    std::string name, wday, mon, hms, ut, eq, wday2, mon2, hms2, abbr, isdst, gmtoff;
    long long year = 0, year2 = 0;
    unsigned day = 0, day2 = 0;
    if (!(in >> name >> wday >> mon >> day >> hms >> year >> ut >> eq >> wday2 >> mon2 >> day2 >> hms2 >> year2 >> abbr >>
          isdst >> gmtoff))
      continue;
    if (ut != "UT" || isdst.rfind("isdst=", 0) != 0 || gmtoff.rfind("gmtoff=", 0) != 0) continue;
    const int m = month_index(mon);
    if (!m) continue;
    const int h = std::stoi(hms.substr(0, 2)), mi = std::stoi(hms.substr(3, 2)), s = std::stoi(hms.substr(6, 2));
    const std::int64_t t = civil::days_from_civil(year, static_cast<unsigned>(m), day) * 86400 + h * 3600 + mi * 60 + s;
    out.push_back({t, static_cast<std::int32_t>(std::stol(gmtoff.substr(7))), isdst == "isdst=1", abbr});
  }
  return out;
}

class ZdumpAgreement : public ::testing::TestWithParam<const char*> {};

TEST_P(ZdumpAgreement, EveryTransitionFrom1900To2100) {
  const std::string zone = GetParam();
  const auto lines = zdump(zone);
  if (lines.empty()) GTEST_SKIP() << "zdump or the zone " << zone << " is not available";
  const TimeZone z = TimeZone::load(zone);
  std::size_t after_2037 = 0;
  for (const ZdumpLine& l : lines) {
    const LocalTimeType t = z.at(l.utc_s);
    EXPECT_EQ(t.offset_s, l.gmtoff) << zone << " at " << l.utc_s;
    EXPECT_EQ(t.dst, l.dst) << zone << " at " << l.utc_s;
    EXPECT_EQ(t.abbreviation, l.abbreviation) << zone << " at " << l.utc_s;
    if (l.utc_s > 2'147'483'647) ++after_2037;
  }
  EXPECT_GT(lines.size(), 4u);
  if (zone == "America/New_York" || zone == "Europe/Berlin" || zone == "Australia/Sydney") {
    EXPECT_GT(after_2037, 100u) << "the footer rule was not exercised";
  }
}

INSTANTIATE_TEST_SUITE_P(Zones, ZdumpAgreement,
                         ::testing::Values("America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata",
                                           "America/Sao_Paulo", "Australia/Lord_Howe", "Europe/Dublin",
                                           "America/St_Johns", "Pacific/Apia", "Africa/Casablanca", "Asia/Tehran",
                                           "Pacific/Chatham", "America/Godthab", "Antarctica/Troll"));

TEST(TimeZone, LocalToUtcTakesTheEarlierOfRepeatedTimesAndTheJumpForSkippedOnes) {
  const TimeZone ny = TimeZone::load("America/New_York");
  // 2025-11-02 01:30 happens twice (EDT then EST): the first is 05:30Z.
  const std::int64_t day = civil::days_from_civil(2025, 11, 2) * 86400;
  EXPECT_EQ(ny.to_utc(day + 5400), day + 5400 + 4 * 3600);
  // 2025-03-09 02:30 never happens: the clock jumps from 02:00 EST to 03:00 EDT at 07:00Z.
  const std::int64_t spring = civil::days_from_civil(2025, 3, 9) * 86400;
  EXPECT_EQ(ny.to_utc(spring + 9000), spring + 7 * 3600);
  // São Paulo began DST at midnight in 2018: Nov 4 started at 01:00 -02 = 03:00Z.
  const TimeZone sp = TimeZone::load("America/Sao_Paulo");
  const std::int64_t nov4 = civil::days_from_civil(2018, 11, 4) * 86400;
  EXPECT_EQ(sp.to_utc(nov4), nov4 + 3 * 3600);
}

TEST(TimeZone, NamesOffsetsAndErrors) {
  EXPECT_EQ(TimeZone::load("UTC").offset_at(0), 0);
  EXPECT_EQ(TimeZone::load("+05:30").offset_at(0), 19800);
  EXPECT_EQ(TimeZone::load("UTC-3").offset_at(0), -10800);
  EXPECT_EQ(TimeZone::load("europe/berlin").name(), "Europe/Berlin");
  for (const char* bad : {"Not/AZone", "../../etc/passwd", "/etc/localtime", "", "Europe/", "zone.tab", "+25:00"}) {
    try {
      (void)TimeZone::load(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << bad << ": " << e.what();
    }
  }
}

TEST(TimeZone, PosixRules) {
  const PosixRule r = parse_posix_rule("<+0330>-3:30<+0430>,J79/24,J263/24");
  EXPECT_EQ(r.standard.offset_s, 12600);
  EXPECT_EQ(r.daylight.offset_s, 16200);
  EXPECT_EQ(r.start.time_s, 86400);
  const PosixRule negative_time = parse_posix_rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  EXPECT_EQ(negative_time.start.time_s, -3600);
  for (const char* bad : {"", "E", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "EST5EDT,M3.2.0,M11.1.0/200", "<ab"}) {
    EXPECT_THROW(parse_posix_rule(bad), Error) << bad;
  }
}

TEST(TimeZone, HostileZoneFilesAreErrorsNotCrashes) {
  std::string good;
  {
    FILE* f = std::fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
    if (!f) GTEST_SKIP() << "no tzdata";
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) good.append(buf, n);
    std::fclose(f);
  }
  (void)TimeZone::from_tzif(good, "Europe/Berlin", "Berlin");
  // Every truncation and every single-byte change either decodes or throws Error.
  for (std::size_t cut = 0; cut < good.size(); cut += 7) {
    try {
      (void)TimeZone::from_tzif(good.substr(0, cut), "x", "x");
    } catch (const Error&) {
    }
  }
  for (std::size_t i = 0; i < good.size(); i += 3) {
    std::string bent = good;
    bent[i] = static_cast<char>(bent[i] ^ 0xA5);
    try {
      const TimeZone z = TimeZone::from_tzif(bent, "x", "x");
      (void)z.at(0);
      (void)z.at(4'000'000'000);
      (void)z.to_utc(1'700'000'000);
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace memvid::timezone
