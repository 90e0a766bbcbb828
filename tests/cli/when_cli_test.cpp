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
  put("old", "2024-06-01T15:00:00Z");
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
  // A day as an upper bound keeps the whole day, as date: and phrases do.
  const mt::CliOutcome day = run({"timeline", "m.mv2", "--until", "2024-06-01", "--json"});
  ASSERT_EQ(day.code, 0) << day.err;
  EXPECT_EQ(json::parse(day.out).size(), 1u) << day.out;
  const mt::CliOutcome before = run({"timeline", "m.mv2", "--until", "2024-05-31", "--json"});
  EXPECT_EQ(json::parse(before.out).size(), 0u) << before.out;
  const mt::CliOutcome bad = run({"timeline", "m.mv2", "--since", "the twelfth of never"});
  EXPECT_EQ(bad.code, 2) << bad.err;
}

// Dates inside documents: `when --mentions` and `mentions:` find frames that talk about a
// time, whenever they were written; the mention part is verified and rebuilt by doctor.
TEST_F(WhenCli, MentionsFindFramesThatTalkAboutATime) {
  put("The outage on March 5, 2024 was fixed within the hour.", "2025-06-15T10:00:00Z");
  put("Nothing happened yesterday.", "2024-04-01T09:00:00Z");  // yesterday = 2024-03-31
  put("Copyright 1998-2004 Example Inc.", "2025-06-15T11:00:00Z");
  put("Release planned for Q3 2025.", "2024-03-10T08:00:00Z");  // written in March 2024
  put("Version 2.4.1 adds 2000 new users and 1080p video.", "2024-03-12T08:00:00Z");

  // Written in March 2024: the plan and the version note; mentioning March 2024: the outage
  // and the day before April 1st.
  EXPECT_EQ(previews(when({"--on", "march 2024"})).size(), 2u);
  const json m = when({"--on", "march 2024", "--mentions"});
  ASSERT_EQ(m["frames"].size(), 2u) << m.dump(2);
  EXPECT_EQ(m["frames"][0]["id"], 1);  // ordered by the frames' time, as timeline
  EXPECT_EQ(m["frames"][1]["id"], 0);
  ASSERT_EQ(m["mentions"].size(), 2u) << m.dump(2);
  EXPECT_EQ(m["mentions"][0]["text"], "yesterday");
  EXPECT_EQ(m["mentions"][0]["first_day"], "2024-03-31");
  EXPECT_EQ(m["mentions"][0]["relative"], true);
  EXPECT_EQ(m["mentions"][1]["text"], "March 5, 2024");
  EXPECT_EQ(m["mentions"][1]["begin"], 14);
  EXPECT_EQ(m["mentions"][1]["end"], 27);
  EXPECT_EQ(m["mentions"][1]["granularity"], "day");

  // Days are calendar days as written: the zone of the question does not shift them.
  EXPECT_EQ(when({"--on", "2024-03-05", "--mentions", "--tz", "Asia/Tokyo"})["frames"].size(), 1u);
  EXPECT_EQ(when({"--on", "2024-03-05", "--mentions", "--tz", "America/Los_Angeles"})["frames"].size(), 1u);
  // A range overlaps: 2001 is inside 1998-2004; a number that is not a date is no mention.
  EXPECT_EQ(when({"--on", "2001", "--mentions"})["frames"][0]["id"], 2);
  // --within keeps only mentions inside the window: not the range, and March 2024's two.
  EXPECT_TRUE(when({"--on", "2001", "--mentions", "--within"})["frames"].empty());
  EXPECT_EQ(when({"--on", "1990s", "--mentions", "--within"})["frames"].size(), 0u);
  EXPECT_EQ(when({"--on", "1998 to 2004", "--mentions", "--within"})["frames"][0]["id"], 2);
  EXPECT_EQ(when({"--on", "march 2024", "--mentions", "--within"})["mentions"].size(), 2u);
  EXPECT_EQ(run({"when", "m.mv2", "--on", "2001", "--within"}).code, 2);  // --within needs --mentions
  EXPECT_TRUE(when({"--on", "2000", "--mentions", "--since", "2025-06-15T10:30:00Z"})["frames"].size() == 1u);
  EXPECT_TRUE(when({"--on", "1080", "--mentions"})["frames"].empty());
  EXPECT_EQ(when({"--on", "september 2025", "--mentions"})["frames"][0]["id"], 3);

  // The query filter, alone and with words.
  const mt::CliOutcome alone = run({"find", "m.mv2", "--query", "mentions:\"march 2024\"", "--json"});
  ASSERT_EQ(alone.code, 0) << alone.err;
  EXPECT_EQ(json::parse(alone.out)["hits"].size(), 2u) << alone.out;
  const mt::CliOutcome f = run({"find", "m.mv2", "--query", "mentions:\"march 2024\" AND outage", "--json"});
  ASSERT_EQ(f.code, 0) << f.err;
  ASSERT_EQ(json::parse(f.out)["hits"].size(), 1u) << f.out;
  EXPECT_EQ(json::parse(f.out)["hits"][0]["id"], 0);
  const mt::CliOutcome g = run({"find", "m.mv2", "--query", "mentions:[2003 TO 2010]", "--json"});
  ASSERT_EQ(json::parse(g.out)["hits"].size(), 1u) << g.out;
  EXPECT_EQ(json::parse(g.out)["hits"][0]["id"], 2);

  // Text output lists each frame's mentions.
  const mt::CliOutcome text = run({"when", "m.mv2", "--on", "march 2024", "--mentions"});
  EXPECT_NE(text.out.find("\"March 5, 2024\"  2024-03-05  (day)  bytes 14-27"), std::string::npos) << text.out;

  // A deleted frame's mentions are listed only with --all.
  ASSERT_EQ(run({"delete", "m.mv2", "--frame", "0"}).code, 0);
  EXPECT_EQ(when({"--on", "march 5 2024", "--mentions"})["frames"].size(), 0u);
  EXPECT_EQ(when({"--on", "march 5 2024", "--mentions", "--all"})["frames"].size(), 1u);

  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
}

TEST_F(WhenCli, TheMentionPartIsVerifiedAndRebuilt) {
  put("We met on March 5, 2024 and again in Q4 2025.", "2025-06-15T10:00:00Z");
  put("Planned for next week.", "2025-06-15T10:00:00Z");
  ASSERT_TRUE(mt::flip_byte_in_part(dir_.path(), "m.mv2", "date", 30));
  const mt::CliOutcome bad = run({"verify", "m.mv2"});
  EXPECT_EQ(bad.code, 5);
  EXPECT_NE(bad.out.find("FAIL  MentionIndexRead"), std::string::npos) << bad.out;
  // Reading it is a typed error, not a crash.
  const mt::CliOutcome read = run({"when", "m.mv2", "--on", "march 2024", "--mentions"});
  EXPECT_NE(read.code, 0);
  EXPECT_NE(read.err.find("date-mention part"), std::string::npos) << read.err;
  const mt::CliOutcome fixed = run({"doctor", "m.mv2"});
  EXPECT_EQ(fixed.code, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("RebuildMentionIndex"), std::string::npos) << fixed.out;
  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
  EXPECT_EQ(when({"--on", "march 2024", "--mentions"})["frames"].size(), 1u);
  EXPECT_EQ(when({"--on", "2025-06-16", "--mentions"})["frames"].size(), 1u);
}

TEST_F(WhenCli, AMemoryWithoutDateMentionsSaysSo) {
  ASSERT_EQ(run({"create", "plain.mv2", "--embedding", "none", "--no-date-mentions"}).code, 0);
  ASSERT_EQ(run({"put", "plain.mv2", "--text", "On March 5, 2024 we met."}).code, 0);
  const mt::CliOutcome r = run({"when", "plain.mv2", "--on", "march 2024", "--mentions"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("does not index date mentions"), std::string::npos) << r.err;
  EXPECT_EQ(run({"verify", "plain.mv2", "--deep"}).code, 0);
  const mt::CliOutcome f = run({"find", "plain.mv2", "--query", "mentions:2024", "--json"});
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_TRUE(json::parse(f.out)["hits"].empty());
}

}  // namespace
