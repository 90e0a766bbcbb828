// MEMORY.md acceptance cases 14 and 15 and the original's `when` failures, through the
// `memvid` binary: day phrases that match, real zones, ranges that keep their last day,
// out-of-range values and unknown zones that exit 1 with a message (never a panic).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mt = memvid::testing;
using nlohmann::json;

class WhenCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(run({"create", "m.mv2", "--embedding", "none"}).code, 0); }

  mt::CliOutcome run(const std::vector<std::string>& args) { return mt::run_memvid(dir_.path(), args); }

  void put(const std::string& text, const std::string& when) {
    const mt::CliOutcome r = run({"put", "m.mv2", "--text", text, "--timestamp", when});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  json when(std::vector<std::string> extra) {
    std::vector<std::string> args = {"when", "m.mv2"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("--json");
    const mt::CliOutcome r = run(args);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return json::parse(r.out.empty() ? "null" : r.out);
  }

  static std::vector<std::string> previews(const json& j) {
    std::vector<std::string> out;
    for (const json& f : j["frames"]) out.push_back(f["preview"].get<std::string>());
    return out;
  }

  mt::TempDir dir_;
};

TEST_F(WhenCli, Case14LastMondayInUtc) {
  put("first", "2025-11-17T15:00:00Z");
  put("second", "2025-11-19T23:30:00Z");
  const json j = when({"--on", "last monday", "--anchor", "2025-11-21T12:00:00Z", "--tz", "UTC"});
  EXPECT_EQ(j["window"]["start_local"], "2025-11-17T00:00:00Z");
  EXPECT_EQ(j["window"]["end_local"], "2025-11-18T00:00:00Z");
  EXPECT_EQ(previews(j), std::vector<std::string>{"first"});
  // In Tokyo the second frame (23:30Z on the 19th) is Thursday morning; the first is Tuesday 00:00.
  const json tokyo = when({"--on", "thursday", "--anchor", "2025-11-21T12:00:00Z", "--tz", "Asia/Tokyo"});
  EXPECT_EQ(tokyo["window"]["start_local"], "2025-11-20T00:00:00+09:00");
  EXPECT_EQ(previews(tokyo), std::vector<std::string>{"second"});
}

TEST_F(WhenCli, Case15PhrasesResolveAndBadOnesExit1) {
  put("new year's eve", "2025-12-31T12:00:00Z");
  EXPECT_EQ(previews(when({"--on", "2025"})), std::vector<std::string>{"new year's eve"});
  for (const char* phrase : {"this week", "last year", "2 months ago", "2025-11-17", "November 2025"}) {
    const mt::CliOutcome r = run({"when", "m.mv2", "--on", phrase, "--anchor", "2025-12-31T18:00:00Z"});
    EXPECT_EQ(r.code, 0) << phrase << ": " << r.err;
    EXPECT_NE(r.out.find("window"), std::string::npos) << phrase;
  }
  const mt::CliOutcome far = run({"when", "m.mv2", "--on", "in 9999999 days"});
  EXPECT_EQ(far.code, 1);
  EXPECT_NE(far.err.find("outside years 0001-9999"), std::string::npos) << far.err;
  const mt::CliOutcome zone = run({"when", "m.mv2", "--on", "today", "--tz", "Not/AZone"});
  EXPECT_EQ(zone.code, 1);
  EXPECT_NE(zone.err.find("unknown time zone 'Not/AZone'"), std::string::npos) << zone.err;
  const mt::CliOutcome junk = run({"when", "m.mv2", "--on", "the day the music died", "--json"});
  EXPECT_EQ(junk.code, 1);
  EXPECT_NE(junk.err.find("\"InvalidArgument\""), std::string::npos) << junk.err;
}

// The original's failures: a range losing its last day, and a day that misses frames late
// in the day because of the zone.
TEST_F(WhenCli, RangesKeepTheirLastDayAndDaysAreLocal) {
  put("nov 1", "2025-11-01T08:00:00Z");
  put("nov 3 late", "2025-11-03T23:59:59Z");
  put("nov 4", "2025-11-04T00:00:00Z");
  EXPECT_EQ(previews(when({"--on", "nov 1 to nov 3", "--anchor", "2025-11-21T12:00:00Z"})),
            (std::vector<std::string>{"nov 1", "nov 3 late"}));
  // In New York, 2025-11-03T23:59:59Z is 18:59 on Nov 3 and Nov 4 00:00Z is 19:00 on Nov 3.
  EXPECT_EQ(previews(when({"--on", "2025-11-03", "--tz", "America/New_York"})),
            (std::vector<std::string>{"nov 3 late", "nov 4"}));
  // --window widens both ends; --since/--until narrow; --reverse and --limit as in timeline.
  EXPECT_EQ(previews(when({"--on", "2025-11-03", "--window", "1"})), (std::vector<std::string>{"nov 3 late", "nov 4"}));
  EXPECT_EQ(previews(when({"--on", "november 2025", "--since", "2025-11-02", "--reverse", "--limit", "1"})),
            (std::vector<std::string>{"nov 4"}));
  // A DST day: in Berlin, 2025-10-26 lasts 25 hours.
  const json berlin = when({"--on", "2025-10-26", "--tz", "Europe/Berlin"});
  EXPECT_EQ(berlin["window"]["end_ms"].get<std::int64_t>() - berlin["window"]["start_ms"].get<std::int64_t>(),
            25LL * 3600 * 1000);
}

TEST_F(WhenCli, PhrasesInOtherCommands) {
  put("old", "2024-06-01T00:00:00Z");
  put("recent", "2025-11-20T10:00:00Z");
  const mt::CliOutcome t = run({"timeline", "m.mv2", "--since", "last month", "--anchor", "2025-11-21T12:00:00Z", "--json"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_EQ(json::parse(t.out).size(), 1u);
  const mt::CliOutcome f =
      run({"find", "m.mv2", "--query", "date:\"last week\" OR date:yesterday", "--anchor", "2025-11-21T12:00:00Z", "--json"});
  ASSERT_EQ(f.code, 0) << f.err;
  const json hits = json::parse(f.out)["hits"];
  ASSERT_EQ(hits.size(), 1u) << f.out;
  EXPECT_EQ(hits[0]["id"], 1);
  const mt::CliOutcome y = run({"find", "m.mv2", "--query", "date:2024", "--json"});
  ASSERT_EQ(json::parse(y.out)["hits"].size(), 1u) << y.out;
  EXPECT_EQ(json::parse(y.out)["hits"][0]["id"], 0);
  const mt::CliOutcome bad = run({"timeline", "m.mv2", "--since", "the twelfth of never"});
  EXPECT_EQ(bad.code, 2) << bad.err;
}

}  // namespace
