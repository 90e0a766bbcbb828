// MEMORY.md's acceptance cases for facts, run as a user would: the `memvid` binary on a fresh
// memory each, checking its --json output and exit codes. Timestamps are given the way the
// cases give them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace mt = memvid::testing;
using nlohmann::json;

class FactsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"create", "m.mv2", "--embedding", "none"}).code, 0);
  }

  mt::CliOutcome run(const std::vector<std::string>& args) { return mt::run_memvid(dir_.path(), args); }

  json run_json(std::vector<std::string> args) {
    args.push_back("--json");
    const mt::CliOutcome r = run(args);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return json::parse(r.out.empty() ? "null" : r.out);
  }

  std::string put(const std::string& text, const std::string& when, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"put", "m.mv2", "--text", text, "--timestamp", when, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const mt::CliOutcome r = run(args);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return r.out;
  }

  std::vector<std::string> values(const json& facts) {
    std::vector<std::string> out;
    for (const json& f : facts)
      out.push_back(f["slot"].get<std::string>() + "=" + f["value"].get<std::string>() +
                    (f["polarity"] == "negative" ? "(-)" : ""));
    return out;
  }

  mt::TempDir dir_;
};

// Case 1: exactly one fact, with its provenance.
TEST_F(FactsCli, OneSentenceOneFactWithProvenance) {
  put("Alice works at Acme Corp.", "1700000000000", {"--uri", "mv2://notes/1"});
  const json facts = run_json({"facts", "m.mv2", "--history"});
  ASSERT_EQ(facts.size(), 1u) << facts.dump(2);
  const json& f = facts[0];
  EXPECT_EQ(f["entity"], "alice");
  EXPECT_EQ(f["slot"], "employer");
  EXPECT_EQ(f["value"], "Acme Corp");
  EXPECT_EQ(f["kind"], "fact");
  EXPECT_EQ(f["frame"], 0);
  EXPECT_EQ(f["uri"], "mv2://notes/1");
  EXPECT_EQ(f["value_begin"], 15);
  EXPECT_EQ(f["value_length"], 9);
  EXPECT_EQ(f["current"], true);
}

// Case 2: enrich twice, then a put with extraction off: still one fact, and enrich has
// nothing to read; a frame put without extraction is read by the next enrich, once.
TEST_F(FactsCli, EnrichIsIdempotentAndAPutWithExtractionOffAddsNothing) {
  put("Alice works at Acme Corp.", "1700000000000");
  for (int i = 0; i < 2; ++i) {
    const json r = run_json({"enrich", "m.mv2"});
    EXPECT_EQ(r["processed"], 0);
    EXPECT_EQ(r["engine"], "rules/1");
    EXPECT_EQ(r["enrichment_frames"].size(), 0u);
  }
  put("Bob works at Initech.", "1700000001000", {"--no-enrich"});
  EXPECT_EQ(run_json({"facts", "m.mv2", "--history"}).size(), 1u);
  const json r = run_json({"enrich", "m.mv2"});
  EXPECT_EQ(r["processed"], 1);
  EXPECT_EQ(r["facts"], 1);
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "bob"})), std::vector<std::string>{"employer=Initech"});
  const mt::CliOutcome again = run({"enrich", "m.mv2"});
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("0 frames read, 0 facts added; 2 of 2 frames already read by rules/1"), std::string::npos)
      << again.out;
  EXPECT_EQ(run_json({"facts", "m.mv2", "--history"}).size(), 2u);
  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
  // A memory created with --no-enrich reads facts only when a put asks.
  ASSERT_EQ(run({"create", "quiet.mv2", "--embedding", "none", "--no-enrich"}).code, 0);
  ASSERT_EQ(run({"put", "quiet.mv2", "--text", "Carol works at Hooli."}).code, 0);
  ASSERT_EQ(run({"put", "quiet.mv2", "--text", "Dan works at Umbrella.", "--enrich"}).code, 0);
  EXPECT_EQ(values(run_json({"facts", "quiet.mv2"})), std::vector<std::string>{"employer=Umbrella"});
  EXPECT_EQ(run_json({"enrich", "quiet.mv2"})["processed"], 1);
  EXPECT_EQ(values(run_json({"state", "quiet.mv2", "-e", "carol"})), std::vector<std::string>{"employer=Hooli"});
}

// An engine name that names no provider is a usage error; one whose endpoint is down fails
// with ProviderFailed and changes nothing.
TEST_F(FactsCli, EnrichWithAModelThatCannotBeReachedFailsCleanly) {
  put("Alice works at Acme Corp.", "1700000000000", {"--no-enrich"});
  const mt::CliOutcome bad = run({"enrich", "m.mv2", "--engine", "nonsense"});
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("provider"), std::string::npos) << bad.err;
  const mt::CliOutcome later = run({"enrich", "m.mv2", "--engine", "rules/2"});
  EXPECT_EQ(later.code, 2);
  EXPECT_NE(later.err.find("rules engine is rules/1"), std::string::npos) << later.err;
  const mt::CliOutcome down =
      run({"enrich", "m.mv2", "--engine", "local:m", "--base-url", "http://127.0.0.1:9/v1", "--json"});
  EXPECT_NE(down.code, 0);
  EXPECT_EQ(down.error_code(), "ProviderFailed") << down.err;
  EXPECT_EQ(run_json({"facts", "m.mv2", "--history"}).size(), 0u);
  EXPECT_EQ(run_json({"enrich", "m.mv2"})["processed"], 1);
}

// Cases 3 and 4: supersession by valid time, and state as of a time.
TEST_F(FactsCli, LaterFactsSupersedeAndStateAnswersForAnyTime) {
  put("Alice works at Acme Corp.", "2023-01-01");
  put("Alice joined Globex.", "2025-01-01");
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "alice", "-s", "employer"})), std::vector<std::string>{"employer=Globex"});
  const json history = run_json({"facts", "m.mv2", "-e", "Alice", "--history"});
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["value"], "Acme Corp");
  EXPECT_EQ(history[0]["valid_to"], "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(history[0]["superseded_by"], history[1]["id"]);
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "alice", "--at-time", "1700000000"})),
            std::vector<std::string>{"employer=Acme Corp"});
  const mt::CliOutcome none = run({"state", "m.mv2", "-e", "alice", "--at-time", "1600000000"});
  EXPECT_EQ(none.code, 0) << none.err;
  EXPECT_NE(none.out.find("no value"), std::string::npos) << none.out;
  EXPECT_TRUE(run_json({"state", "m.mv2", "-e", "alice", "--at-time", "1600000000"}).empty());
}

// The same two facts stored in the other order give the same answer.
TEST_F(FactsCli, IngestOrderDoesNotMatter) {
  put("Alice joined Globex.", "2025-01-01");
  put("Alice works at Acme Corp.", "2023-01-01");
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "alice"})), std::vector<std::string>{"employer=Globex"});
}

// Case 5: deleting the frame retracts its facts, which stay in the history.
TEST_F(FactsCli, DeletingAFrameRetractsItsFacts) {
  put("Alice works at Acme Corp.", "2023-01-01");
  ASSERT_EQ(run({"delete", "m.mv2", "--frame", "0"}).code, 0);
  EXPECT_TRUE(run_json({"state", "m.mv2", "-e", "alice"}).empty());
  const json history = run_json({"facts", "m.mv2", "--history"});
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["retracted"], "frame_deleted");
  EXPECT_EQ(history[0]["current"], false);
  // Updating a frame retracts what it said and adds what the new text says.
  put("Bob lives in Oslo.", "2023-01-01");
  ASSERT_EQ(run({"update", "m.mv2", "--frame", "1", "--text", "Bob lives in Bergen."}).code, 0);
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "bob"})), std::vector<std::string>{"location=Bergen"});
}

// Case 6: a multiple slot keeps a set, and polarity is part of a preference.
TEST_F(FactsCli, PreferencesKeepTheirSetAndPolarity) {
  put("I love sushi. I love ramen.", "2025-01-01");
  put("I hate sushi.", "2025-02-01");
  const auto v = values(run_json({"state", "m.mv2", "-e", "user", "-s", "food_preference"}));
  EXPECT_EQ(std::multiset<std::string>(v.begin(), v.end()),
            (std::multiset<std::string>{"food_preference=ramen", "food_preference=sushi(-)"}));
}

// Cases 7 and 8: negation is no name, and lookalikes state nothing.
TEST_F(FactsCli, NegationAndLookalikes) {
  put("Oscar no longer works at Acme.", "2025-01-01");
  put("I'm at home today.", "2025-01-01");
  put("The meeting is at Google.", "2025-01-01");
  put("I prefer Python over Java.", "2025-01-01");
  EXPECT_TRUE(run_json({"state", "m.mv2", "-e", "oscar", "-s", "employer"}).empty());
  EXPECT_TRUE(run_json({"state", "m.mv2", "-e", "user", "-s", "employer"}).empty());
  EXPECT_TRUE(run_json({"state", "m.mv2", "-e", "user", "-s", "food_preference"}).empty());
  for (const json& e : run_json({"follow", "entities", "m.mv2"})) {
    EXPECT_NE(e["entity"], "oscar no longer");
    EXPECT_NE(e["entity"], "the meeting");
  }
}

// Case 9: dates and digits in the sentence, and non-ASCII names.
TEST_F(FactsCli, DatesAndNonAsciiNames) {
  put("Eve moved to London in 2024.", "2025-03-01");
  put("María works at Telefónica.", "2025-03-01");
  const json eve = run_json({"state", "m.mv2", "-e", "eve", "-s", "location"});
  ASSERT_EQ(eve.size(), 1u);
  EXPECT_EQ(eve[0]["value"], "London");
  EXPECT_EQ(eve[0]["valid_from"], "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "MARÍA"})), std::vector<std::string>{"employer=Telefónica"});
}

// Case 10: the graph reaches an employer two hops away through a spouse.
TEST_F(FactsCli, FollowTraversesEntityValuedFacts) {
  put("Bob is married to Carol. Carol works at Initech.", "2025-01-01");
  const json r = run_json({"follow", "traverse", "m.mv2", "-s", "bob", "--hops", "2"});
  EXPECT_EQ(r["reached"], json::array({"carol", "initech"})) << r.dump(2);
  bool spouse = false, employer = false;
  for (const json& e : r["edges"]) {
    spouse |= e["source"] == "bob" && e["slot"] == "spouse" && e["target"] == "carol" && e["depth"] == 1;
    employer |= e["source"] == "carol" && e["slot"] == "employer" && e["target"] == "initech" && e["depth"] == 2;
  }
  EXPECT_TRUE(spouse && employer) << r.dump(2);
  // One hop stops at the spouse.
  EXPECT_EQ(run_json({"follow", "traverse", "m.mv2", "-s", "bob"})["reached"], json::array({"carol"}));
}

// Facts survive reopening, checkpoints and compaction, and deep verify checks them.
TEST_F(FactsCli, FactsSurviveCheckpointsCompactionAndVerify) {
  for (int i = 0; i < 30; ++i)
    put("Person" + std::string(1, static_cast<char>('A' + i % 26)) + " works at Company" + std::to_string(i) + ".",
        std::to_string(1700000000000 + i));
  ASSERT_EQ(run({"compact", "m.mv2"}).code, 0) << run({"compact", "m.mv2"}).err;
  const json facts = run_json({"facts", "m.mv2", "--history"});
  EXPECT_EQ(facts.size(), 30u);
  const mt::CliOutcome v = run({"verify", "m.mv2", "--deep", "--json"});
  EXPECT_EQ(v.code, 0) << v.out;
  const json report = json::parse(v.out);
  bool coverage = false;
  for (const json& c : report["checks"])
    if (c["name"] == "FactIndexCoverage") coverage = c["status"] == "passed";
  EXPECT_TRUE(coverage) << v.out;
}

// A damaged fact part fails verify by name, and doctor reads the facts again from the frames.
TEST_F(FactsCli, DoctorRebuildsADamagedFactPart) {
  put("Alice works at Acme Corp.", "2023-01-01");
  put("Bob lives in Oslo.", "2023-02-01");
  ASSERT_TRUE(mt::flip_byte_in_part(dir_.path(), "m.mv2", "fact", 12));
  const mt::CliOutcome bad = run({"verify", "m.mv2"});
  EXPECT_EQ(bad.code, 5);
  EXPECT_NE(bad.out.find("FAIL  FactIndexRead"), std::string::npos) << bad.out;
  const mt::CliOutcome fixed = run({"doctor", "m.mv2"});
  EXPECT_EQ(fixed.code, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("RebuildFactIndex"), std::string::npos) << fixed.out;
  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "bob"})), std::vector<std::string>{"location=Oslo"});
}

// Case 12: export writes facts, as N-Triples a real parser accepts (raptor's rapper), JSON
// with provenance, and CSV; the old two-argument form still writes a snapshot.
TEST_F(FactsCli, ExportWritesFactsThatParse) {
  put("Alice works at Acme Corp.", "2023-01-01");
  put("Alice joined Globex. She lives in São Paulo, Brazil.", "2025-01-01");
  const mt::CliOutcome now = run({"export", "m.mv2", "-o", "now.nt"});
  ASSERT_EQ(now.code, 0) << now.err;
  std::ifstream in(dir_.path() / "now.nt");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<mv2://entity/alice> <mv2://slot/employer> <mv2://entity/globex> ."), std::string::npos) << text;
  EXPECT_EQ(text.find("acme"), std::string::npos) << "a superseded fact is no current triple:\n" << text;
  EXPECT_NE(text.find("S\xC3\xA3o Paulo"), std::string::npos) << text;
  const std::string rapper = "rapper -q -i ntriples -c ";
  EXPECT_EQ(std::system((rapper + (dir_.path() / "now.nt").string()).c_str()), 0) << text;
  ASSERT_EQ(run({"export", "m.mv2", "--history", "-o", "all.nt"}).code, 0);
  std::ifstream all_in(dir_.path() / "all.nt");
  std::string all((std::istreambuf_iterator<char>(all_in)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("<mv2://entity/acme%20corp>"), std::string::npos) << all;
  EXPECT_EQ(std::system((rapper + (dir_.path() / "all.nt").string()).c_str()), 0) << all;
  // An existing output is refused and left as it was.
  EXPECT_EQ(run({"export", "m.mv2", "-o", "now.nt"}).code, 1);
  const json j = json::parse(run({"export", "m.mv2", "-f", "json", "--with-provenance"}).out);
  ASSERT_FALSE(j.empty());
  for (const char* key : {"frame", "uri", "valid_from", "recorded_at", "value_begin"}) EXPECT_TRUE(j[0].contains(key)) << key;
  EXPECT_FALSE(json::parse(run({"export", "m.mv2", "-f", "json"}).out)[0].contains("frame"));
  const std::string csv = run({"export", "m.mv2", "-f", "csv"}).out;
  EXPECT_EQ(csv.rfind("entity,entity_name,slot,value,polarity,valid_from,valid_to,current,retracted\r\n", 0), 0u) << csv;
  EXPECT_NE(csv.find(",\"São Paulo, Brazil\","), std::string::npos) << csv;  // quoted (RFC 4180)
  // The old form of the snapshot command.
  const mt::CliOutcome old = run({"export", "m.mv2", "snap.mv2"});
  EXPECT_EQ(old.code, 0) << old.err;
  EXPECT_NE(old.err.find("memvid snapshot"), std::string::npos) << old.err;
  EXPECT_EQ(run({"verify", "snap.mv2", "--deep"}).code, 0);
}

// Case 13: a correction prints its real frame id, its fact becomes current, and the fact it
// contradicts is superseded with the correction as provenance, although it was recorded
// (and is valid) later than the correction's "since 2025".
TEST_F(FactsCli, ACorrectionOverrulesWhatWasRecordedBefore) {
  put("Ben Koenig reports to Chloe Nguyen.", "2026-03-01");
  const mt::CliOutcome r = run({"correct", "m.mv2", "Ben Koenig reports to Dana Reyes since 2025", "--topics",
                                "org, people", "--source", "HR"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("frame 1"), std::string::npos) << r.out;
  EXPECT_EQ(values(run_json({"state", "m.mv2", "-e", "Ben Koenig", "-s", "manager"})),
            std::vector<std::string>{"manager=Dana Reyes"});
  const json history = run_json({"facts", "m.mv2", "-e", "ben koenig", "--history"});
  ASSERT_EQ(history.size(), 2u) << history.dump(2);
  const json& chloe = history[0]["value"] == "Chloe Nguyen" ? history[0] : history[1];
  const json& dana = history[0]["value"] == "Chloe Nguyen" ? history[1] : history[0];
  EXPECT_EQ(chloe["superseded_by"], dana["id"]);
  EXPECT_EQ(dana["frame"], 1);
  EXPECT_EQ(dana["correction"], true);
  EXPECT_EQ(dana["valid_from"], "2025-01-01T00:00:00.000Z");
  const json frame = run_json({"view", "m.mv2", "--frame", "1"});
  EXPECT_EQ(frame["labels"], json::array({"correction"}));
  EXPECT_EQ(frame["tags"], json::array({"org", "people"}));
  EXPECT_EQ(frame["metadata"]["correction"]["source"], "HR");
  EXPECT_NE(run({"correct", "m.mv2", "   "}).code, 0);
  // Deep verify reads the correction's facts again, correction flag included.
  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
  // Its boost: a long correction that BM25 alone ranks second comes first; not with the flag.
  const mt::CliOutcome longer =
      run({"correct", "m.mv2",
           "Ben Koenig reports to Dana Reyes since 2025, after the reorganisation of the platform and "
           "infrastructure groups moved the whole team under a new director.",
           "--boost", "6", "--json"});
  ASSERT_EQ(longer.code, 0) << longer.err;
  const auto ids = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"find", "m.mv2", "-q", "Ben Koenig reports", "--mode", "lex"};
    args.insert(args.end(), extra.begin(), extra.end());
    const json found = run_json(args);  // (kept: a loop over a temporary's member would dangle)
    std::vector<int> out;
    for (const json& h : found["hits"]) out.push_back(h["id"].get<int>());
    return out;
  };
  const std::vector<int> boosted = ids({}), plain = ids({"--no-correction-boost"});
  ASSERT_EQ(boosted.size(), 3u);
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_EQ(boosted.front(), 2);
  EXPECT_NE(plain.front(), 2);
}

// Case 11: schema infer types values (Tokyo is a string, 42 a number), a non-ASCII slot
// works, and --register persists: a new process lists it and readers use it.
TEST_F(FactsCli, SchemaInferAndRegister) {
  put("Alice lives in Tokyo. Bob lives in Toronto. Frank is 42 years old.", "2025-01-01");
  put("Alice's favorite café is Blue Bottle. Alice's favorite number is 7.", "2025-01-02");
  const json inferred = run_json({"schema", "infer", "m.mv2"});
  std::map<std::string, json> by_slot;
  for (const json& s : inferred["slots"]) by_slot[s["slot"]] = s;
  EXPECT_EQ(by_slot["location"]["value_type"], "string");
  EXPECT_EQ(by_slot["location"]["cardinality"], "single");
  EXPECT_EQ(by_slot["location"]["entities"], 2);
  EXPECT_EQ(by_slot["age"]["value_type"], "number");
  EXPECT_EQ(by_slot["favorite_number"]["value_type"], "number");
  EXPECT_EQ(by_slot["favorite_number"]["source"], "inferred");
  EXPECT_EQ(by_slot["favorite_café"]["source"], "inferred");
  EXPECT_TRUE(inferred["registered"].empty());
  const json reg = run_json({"schema", "infer", "m.mv2", "--register"});
  EXPECT_EQ(reg["registered"].size(), 2u) << reg.dump(2);
  bool listed = false;
  for (const json& s : run_json({"schema", "list", "m.mv2"}))
    listed |= s["slot"] == "favorite_café" && s["source"] == "registered";
  EXPECT_TRUE(listed);
  // Readers use the registered type; a second registration adds nothing.
  for (const json& f : run_json({"facts", "m.mv2", "-p", "favorite_number"})) EXPECT_EQ(f["value_type"], "number");
  EXPECT_TRUE(run_json({"schema", "infer", "m.mv2", "--register"})["registered"].empty());
  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
  // Without a memory: the built-in slots.
  EXPECT_GT(run_json({"schema", "list"}).size(), 30u);
}

TEST_F(FactsCli, BadInputIsAClearError) {
  const mt::CliOutcome r = run({"state", "m.mv2", "-e", "alice", "--at-time", "yesterday-ish"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--at-time"), std::string::npos) << r.err;
  EXPECT_NE(run({"state", "m.mv2"}).code, 0);  // -e is required
  EXPECT_EQ(run({"state", "missing.mv2", "-e", "alice"}).code, 3) << "a missing file is NotFound";
}

}  // namespace
