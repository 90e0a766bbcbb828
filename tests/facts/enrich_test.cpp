// Facts::enrich through the public API: the rules engine over frames put without extraction,
// a model engine (a scripted LanguageModel, and an OpenAI-compatible fake server), what makes
// it idempotent per (frame, engine, version), and how enrichments live with deletes, updates,
// verify, doctor and compaction.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "facts/enrichment.hpp"
#include "facts/llm_extractor.hpp"
#include "memvid/facts.hpp"
#include "memvid/files.hpp"
#include "memvid/integrity.hpp"
#include "memvid/maintenance.hpp"
#include "memvid/memvid.hpp"
#include "support/fake_http.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;
using nlohmann::json;

namespace {

CreateOptions quiet() {
  CreateOptions o;
  o.embedding_model = "none";
  o.extract_facts = false;
  return o;
}

Document text(const std::string& t, std::int64_t ms = 1700000000000) {
  Document d;
  d.payload = t;
  d.timestamp_ms = ms;
  return d;
}

std::vector<std::string> current(Memvid& m, const std::string& entity) {
  std::vector<std::string> out;
  for (const FactRecord& f : Facts(m).state(entity))
    out.push_back(f.slot + "=" + f.value + (f.polarity == "negative" ? "(-)" : ""));
  std::sort(out.begin(), out.end());
  return out;
}

// Answers each chat with the next scripted answer (the last one again when they run out).
class ScriptedModel final : public LanguageModel {
 public:
  explicit ScriptedModel(std::deque<std::string> answers) : answers_(std::move(answers)) {}
  std::string name() const override { return "test:scripted"; }
  ChatReply chat(std::span<const ChatMessage> messages) override {
    seen.push_back(messages.back().content);
    if (fail_after >= 0 && static_cast<int>(seen.size()) > fail_after)
      throw Error(ErrorCode::ProviderFailed, "the endpoint went away");
    ChatReply r;
    r.content = answers_.size() > 1 ? answers_.front() : answers_.back();
    if (answers_.size() > 1) answers_.pop_front();
    return r;
  }
  std::vector<std::string> seen;
  int fail_after = -1;

 private:
  std::deque<std::string> answers_;
};

EnrichOptions forced_run() {
  EnrichOptions o;
  o.force = true;
  return o;
}

class Enrich : public ::testing::Test {
 protected:
  std::string path() const { return dir_.file("m.mv2"); }
  mt::TempDir dir_;
};

TEST_F(Enrich, RulesReadFramesPutWithoutExtractionOnceAndNameTheirSource) {
  Memvid m = Memvid::create(path(), quiet());
  const FrameId a = m.put(text("Alice works at Acme Corp. She lives in Paris."));
  const FrameId b = m.put(text("Bob is married to Carol.", 1700000100000));
  EXPECT_TRUE(current(m, "alice").empty());

  const EnrichReport r = Facts(m).enrich();
  EXPECT_EQ(r.engine, "rules/1");
  EXPECT_EQ(r.frames, 2u);
  EXPECT_EQ(r.processed, 2u);
  EXPECT_EQ(r.already, 0u);
  EXPECT_GE(r.facts, 3u);
  ASSERT_EQ(r.enrichment_frames.size(), 1u);
  EXPECT_EQ(current(m, "alice"), (std::vector<std::string>{"employer=Acme Corp", "location=Paris"}));
  EXPECT_EQ(current(m, "bob"), (std::vector<std::string>{"spouse=Carol"}));

  const FactRecord employer = Facts(m).state("alice", "employer").at(0);
  EXPECT_EQ(employer.frame, a);  // provenance: the frame that says it
  EXPECT_EQ(employer.recorded_in, r.enrichment_frames[0]);
  EXPECT_EQ(employer.valid_from_ms, 1700000000000);  // valid from the frame's time, not the enrichment's
  EXPECT_GT(employer.recorded_at_ms, employer.valid_from_ms);
  EXPECT_EQ(std::string("Alice works at Acme Corp. She lives in Paris.").substr(employer.value_begin, employer.value_length),
            "Acme Corp");
  EXPECT_EQ(employer.engine, "rules/1");
  (void)b;

  // Again: nothing to read, nothing written.
  const std::uint64_t frames = m.frame_count();
  const EnrichReport again = Facts(m).enrich();
  EXPECT_EQ(again.processed, 0u);
  EXPECT_EQ(again.already, 2u);
  EXPECT_TRUE(again.enrichment_frames.empty());
  // Forced: read again, every fact found is already stored, so nothing is written either.
  const EnrichReport forced = Facts(m).enrich(forced_run());
  EXPECT_EQ(forced.processed, 2u);
  EXPECT_EQ(forced.facts, 0u);
  EXPECT_EQ(forced.duplicates, r.facts);
  EXPECT_TRUE(forced.enrichment_frames.empty());
  EXPECT_EQ(m.frame_count(), frames);
  FactQuery all;
  all.history = true;
  EXPECT_EQ(Facts(m).list(all).size(), r.facts);
}

TEST_F(Enrich, FramesReadAtPutCountAsReadByTheRulesEngine) {
  CreateOptions o = quiet();
  o.extract_facts = true;
  Memvid m = Memvid::create(path(), o);
  m.put(text("Alice works at Acme Corp."));
  EXPECT_EQ(Facts(m).enrich().processed, 0u);
  EXPECT_EQ(Facts(m).enrich().processed, 0u);
  Document off = text("Alice works at Acme Corp.");
  off.extract_facts = false;
  m.put(off);
  FactQuery all;
  all.history = true;
  EXPECT_EQ(Facts(m).list(all).size(), 1u);
  // The frame put without extraction is read now; its fact confirms the first.
  const EnrichReport r = Facts(m).enrich();
  EXPECT_EQ(r.processed, 1u);
  EXPECT_EQ(r.facts, 1u);
  const auto history = Facts(m).list(all);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(std::count_if(history.begin(), history.end(), [](const FactRecord& f) { return f.current; }), 1);
}

TEST_F(Enrich, DeletedFramesAreNeverReadAndTheirFactsStayRetracted) {
  Memvid m = Memvid::create(path(), quiet());
  const FrameId a = m.put(text("Alice works at Acme Corp."));
  const FrameId b = m.put(text("Dan works at Umbrella."));
  m.delete_frame(b);
  const EnrichReport r = Facts(m).enrich();
  EXPECT_EQ(r.frames, 1u);
  EXPECT_EQ(r.processed, 1u);
  EXPECT_TRUE(current(m, "dan").empty());

  m.delete_frame(a);
  EXPECT_TRUE(current(m, "alice").empty());
  const EnrichReport forced = Facts(m).enrich(forced_run());
  EXPECT_EQ(forced.processed, 0u);
  EXPECT_TRUE(current(m, "alice").empty());
  FactQuery q;
  q.entity = "alice";
  q.history = true;
  const auto history = Facts(m).list(q);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].retracted, "frame_deleted");
}

TEST_F(Enrich, AnUpdatedFrameRetractsWhatWasReadInItsOldText) {
  Memvid m = Memvid::create(path(), quiet());
  const FrameId a = m.put(text("Alice works at Acme Corp."));
  Facts(m).enrich();
  Document changed = text("Alice works at Globex.");
  changed.extract_facts = false;
  const FrameId a2 = m.update(a, changed);
  EXPECT_TRUE(current(m, "alice").empty());
  const EnrichReport r = Facts(m).enrich();
  EXPECT_EQ(r.processed, 1u);
  EXPECT_EQ(current(m, "alice"), (std::vector<std::string>{"employer=Globex"}));
  EXPECT_EQ(Facts(m).state("alice").at(0).frame, a2);
}

TEST_F(Enrich, DeletingAnEnrichmentUndoesItAndLetsTheFramesBeReadAgain) {
  Memvid m = Memvid::create(path(), quiet());
  m.put(text("Alice works at Acme Corp."));
  const EnrichReport r = Facts(m).enrich();
  ASSERT_EQ(r.enrichment_frames.size(), 1u);
  m.delete_frame(r.enrichment_frames[0]);
  EXPECT_TRUE(current(m, "alice").empty());
  const EnrichReport again = Facts(m).enrich();
  EXPECT_EQ(again.processed, 1u);
  EXPECT_EQ(current(m, "alice"), (std::vector<std::string>{"employer=Acme Corp"}));
}

TEST_F(Enrich, BatchesAreCommittedOneEnrichmentFrameEach) {
  Memvid m = Memvid::create(path(), quiet());
  for (int i = 0; i < 10; ++i) m.put(text("Person" + std::string(1, static_cast<char>('A' + i)) + " works at Initech."));
  EnrichOptions o;
  o.batch_frames = 3;
  const EnrichReport r = Facts(m).enrich(o);
  EXPECT_EQ(r.processed, 10u);
  EXPECT_EQ(r.enrichment_frames.size(), 4u);
  EXPECT_EQ(r.facts, 10u);
  m.close();
  // Every reader sees them, and verify (deep) finds each enrichment's facts in the index.
  Memvid ro = Memvid::open_read_only(path());
  EXPECT_EQ(current(ro, "personc"), (std::vector<std::string>{"employer=Initech"}));
  const VerifyReport v = verify(path(), true);
  EXPECT_TRUE(v.ok);
}

TEST_F(Enrich, SurvivesCompactionAndAnIndexRebuild) {
  {
    Memvid m = Memvid::create(path(), quiet());
    m.put(text("Alice works at Acme Corp."));
    m.put(text("Bob is married to Carol."));
    Facts(m).enrich();
    Maintenance(m).compact_in_place();
    EXPECT_EQ(current(m, "alice"), (std::vector<std::string>{"employer=Acme Corp"}));
  }
  DoctorOptions d;
  d.rebuild_lex_index = true;
  const DoctorReport report = doctor(path(), d);
  EXPECT_TRUE(report.ok);
  Memvid m = Memvid::open(path());
  EXPECT_EQ(current(m, "alice"), (std::vector<std::string>{"employer=Acme Corp"}));
  EXPECT_EQ(current(m, "bob"), (std::vector<std::string>{"spouse=Carol"}));
  EXPECT_EQ(Facts(m).enrich().processed, 0u);
}

TEST_F(Enrich, AHandMadeEnrichmentFrameThatIsNotValidIndexesNothing) {
  Memvid m = Memvid::create(path(), quiet());
  m.put(text("Alice works at Acme Corp."));
  for (const std::string& payload :
       {std::string("not json"), std::string(R"({"engine":"rules/1","frames":[5],"facts":[]})"),
        std::string(R"({"engine":"rules/1","frames":[0],"facts":[{"frame":0,"entity":"","entity_name":"x",)"
                    R"("slot":"a","value":"b","negative":false,"value_begin":0,"value_length":0,"confidence":80}]})"),
        std::string(R"({"engine":"rules/1","frames":[0],"facts":[{"frame":0,"entity":"eve","entity_name":"Eve",)"
                    R"("slot":"a","value":"b","negative":false,"value_begin":0,"value_length":0,"confidence":101}]})")}) {
    Document d;
    d.kind = FrameKind::Binary;
    d.labels = {"memvid:enrichment"};
    d.payload = payload;
    m.put(d);
  }
  FactQuery all;
  all.history = true;
  EXPECT_TRUE(Facts(m).list(all).empty());
  // None of them counts as a reading of frame 0.
  EXPECT_EQ(Facts(m).enrich().processed, 1u);
  m.close();
  EXPECT_TRUE(verify(path(), true).ok);
}

TEST_F(Enrich, AModelEngineRecordsValidatedFactsWithSpans) {
  Memvid m = Memvid::create(path(), quiet());
  const FrameId a = m.put(text("I moved to Lisbon. Alice joined Globex in March 2024."));
  auto model = std::make_shared<ScriptedModel>(std::deque<std::string>{
      "Here you go:\n```json\n" + json{{"facts",
                                        {{{"entity", "I"}, {"slot", "location"}, {"value", "Lisbon"}},
                                         {{"entity", "Alice"}, {"slot", "Employer"}, {"value", "Globex."},
                                          {"valid_from", "2024-03-01"}, {"confidence", 0.9}},
                                         {{"entity", "Alice"}, {"slot", "bad slot!"}, {"value", "x"}},
                                         {{"entity", ""}, {"slot", "age"}, {"value", "3"}},
                                         {{"entity", "Alice"}, {"slot", "age"}, {"value", "x"}, {"valid_from", "soon"}},
                                         {{"entity", "Bob"}, {"slot", "age"}, {"value", 41}}}}}
                                        .dump() +
      "\n```"});
  EnrichOptions o;
  o.engine = "test:scripted";
  o.model = model;
  o.workers = 1;  // the scripted answers go in frame order
  const EnrichReport r = Facts(m).enrich(o);
  EXPECT_EQ(r.engine, "test:scripted/1");
  EXPECT_EQ(r.processed, 1u);
  EXPECT_EQ(r.facts, 3u);
  EXPECT_EQ(r.rejected, 3u);
  ASSERT_EQ(model->seen.size(), 1u);
  EXPECT_NE(model->seen[0].find("I moved to Lisbon."), std::string::npos);
  EXPECT_NE(model->seen[0].find("2023-11-14"), std::string::npos);  // the frame's date, for relative dates

  EXPECT_EQ(current(m, "user"), (std::vector<std::string>{"location=Lisbon"}));
  EXPECT_EQ(current(m, "bob"), (std::vector<std::string>{"age=41"}));
  const FactRecord job = Facts(m).state("alice", "employer").at(0);
  EXPECT_EQ(job.value, "Globex");
  EXPECT_EQ(job.frame, a);
  EXPECT_EQ(job.engine, "test:scripted/1");
  EXPECT_DOUBLE_EQ(job.confidence, 0.9);
  EXPECT_EQ(job.valid_from_ms, 1709251200000);
  EXPECT_EQ(job.value_begin, 32u);
  EXPECT_EQ(job.value_length, 6u);
  EXPECT_EQ(Facts(m).state("bob").at(0).value_length, 0u);  // "41" is not in the text: no span

  // The model engine has read it; the rules engine has not.
  EXPECT_EQ(Facts(m).enrich(o).processed, 0u);
  const EnrichReport rules = Facts(m).enrich();
  EXPECT_EQ(rules.processed, 1u);
  EXPECT_GE(rules.duplicates, 1u);  // alice.employer = Globex, found by both, is stored once
}

TEST_F(Enrich, AnUnusableAnswerFailsItsFrameOnlyAndTheNextRunReadsItAgain) {
  Memvid m = Memvid::create(path(), quiet());
  m.put(text("Alice works at Acme Corp."));
  m.put(text("Bob works at Initech."));
  auto model = std::make_shared<ScriptedModel>(std::deque<std::string>{
      "I cannot help with that.", R"({"facts":[{"entity":"Bob","slot":"employer","value":"Initech"}]})"});
  EnrichOptions o;
  o.engine = "test:scripted";
  o.model = model;
  o.workers = 1;  // the scripted answers go in frame order
  const EnrichReport r = Facts(m).enrich(o);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.processed, 1u);
  EXPECT_TRUE(current(m, "alice").empty());
  EXPECT_EQ(current(m, "bob"), (std::vector<std::string>{"employer=Initech"}));
  const EnrichReport again = Facts(m).enrich(o);
  EXPECT_EQ(again.processed, 1u);
  EXPECT_EQ(again.already, 1u);
  EXPECT_EQ(again.failed, 0u);
}

TEST_F(Enrich, AFailingEndpointStopsTheRunAndKeepsTheBatchesDone) {
  Memvid m = Memvid::create(path(), quiet());
  for (int i = 0; i < 5; ++i) m.put(text("Frame " + std::to_string(i) + " says nothing."));
  auto model = std::make_shared<ScriptedModel>(std::deque<std::string>{R"({"facts":[]})"});
  model->fail_after = 3;
  EnrichOptions o;
  o.engine = "test:scripted";
  o.model = model;
  o.workers = 1;  // the scripted answers go in frame order
  o.batch_frames = 2;
  EXPECT_THROW(Facts(m).enrich(o), Error);
  model->fail_after = -1;
  const EnrichReport rest = Facts(m).enrich(o);
  EXPECT_EQ(rest.already, 3u);  // two committed batches of the run that failed: frames 0-1, then 2
  EXPECT_EQ(rest.processed, 2u);
}

TEST_F(Enrich, AnOpenAiCompatibleEndpointIsAskedForJsonFacts) {
  mt::FakeHttpServer server;
  server.on_post([](const json& request, httplib::Response& res, int) {
    const std::string text = request["messages"].back()["content"].get<std::string>();
    json facts = json::array();
    if (text.find("Carol") != std::string::npos)
      facts.push_back({{"entity", "Carol"}, {"slot", "employer"}, {"value", "Initech"}});
    res.set_content(json{{"choices", {{{"message", {{"role", "assistant"}, {"content", json{{"facts", facts}}.dump()}}},
                                       {"finish_reason", "stop"}}}},
                         {"model", "fake"}}
                        .dump(),
                    "application/json");
  });
  Memvid m = Memvid::create(path(), quiet());
  m.put(text("Carol works at Initech."));
  EnrichOptions o;
  o.engine = "local:fake";
  o.base_url = server.url();
  const EnrichReport r = Facts(m).enrich(o);
  EXPECT_EQ(r.engine, "local:fake/1");
  EXPECT_EQ(r.facts, 1u);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].body["model"], "fake");
  EXPECT_EQ(current(m, "carol"), (std::vector<std::string>{"employer=Initech"}));
}

TEST_F(Enrich, WhatIsRecordedDoesNotDependOnTheNumberOfWorkers) {
  // A model that answers after a delay depending on the text, so that parallel requests
  // finish out of order.
  mt::FakeHttpServer server;
  server.on_post([&server](const json& request, httplib::Response& res, int) {
    const std::string text = request["messages"].back()["content"].get<std::string>();
    const std::size_t at = text.find("Person");
    const std::string name = text.substr(at, text.find(' ', at) - at);
    server.stall(std::chrono::milliseconds(static_cast<int>(text.size() % 7) * 3));
    const json facts = json::array({{{"entity", name}, {"slot", "employer"}, {"value", "Initech"}}});
    res.set_content(json{{"choices", {{{"message", {{"role", "assistant"}, {"content", json{{"facts", facts}}.dump()}}}}}}}
                        .dump(),
                    "application/json");
  });
  std::vector<std::string> payloads[2];
  for (int run = 0; run < 2; ++run) {
    const std::string p = dir_.file("w" + std::to_string(run) + ".mv2");
    Memvid m = Memvid::create(p, quiet());
    for (int i = 0; i < 40; ++i)
      m.put(text("Person" + std::to_string(i) + " works at Initech" + std::string(static_cast<std::size_t>(i), '.'),
                 1700000000000 + i));
    for (const char* engine : {"rules", "local:fake"}) {
      EnrichOptions o;
      o.engine = engine;
      o.base_url = server.url();
      o.batch_frames = 7;
      o.workers = run == 0 ? 1 : 8;
      const EnrichReport r = Facts(m).enrich(o);
      EXPECT_EQ(r.processed, 40u);
      for (FrameId id : r.enrichment_frames) payloads[run].push_back(m.frame(id).payload);
    }
  }
  EXPECT_EQ(payloads[0].size(), 12u);  // 6 batches of 7 frames or fewer, for each engine
  EXPECT_EQ(payloads[0], payloads[1]);
}

TEST(EnrichmentPayload, RoundTripsAndRefusesFramesAtOrAfterItsOwn) {
  facts::Enrichment e;
  e.engine = "rules/1";
  e.frames = {1, 4};
  facts::FactRow r;
  r.source_frame = 4;
  r.entity = "maría";
  r.entity_name = "María";
  r.slot = "employer";
  r.value = "Telefónica";
  r.valid_from_ms = -5;
  r.value_begin = 12;
  r.value_length = 11;
  r.confidence = 80;
  e.facts = {r};
  const std::string payload = facts::enrichment_payload(e);
  const auto rows = facts::enrichment_rows(payload, 9);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].frame, 9u);
  EXPECT_EQ(rows[0].source_frame, 4u);
  EXPECT_EQ(rows[0].entity_name, "María");
  EXPECT_EQ(rows[0].valid_from_ms, -5);
  EXPECT_EQ(rows[0].engine, "rules/1");
  EXPECT_TRUE(facts::enrichment_rows(payload, 4).empty());
  EXPECT_EQ(facts::parse_enrichment(payload, 9).frames, (std::vector<std::uint64_t>{1, 4}));
}

TEST(ModelFacts, AnswersAreDataNotTrustedShapes) {
  const std::string piece = "Zoë lives in Zürich.";
  auto got = facts::parse_model_facts(R"([{"entity":"Zoë","slot":"location","value":"Zürich","confidence":95}])", piece, 100);
  ASSERT_EQ(got.facts.size(), 1u);
  EXPECT_EQ(got.facts[0].entity, "zoë");
  EXPECT_EQ(got.facts[0].value_begin, 100u + piece.find("Zürich"));
  EXPECT_FLOAT_EQ(got.facts[0].confidence, 0.95f);
  EXPECT_FALSE(facts::parse_model_facts("{\"facts\": 3}", piece, 0).unusable.empty());
  EXPECT_FALSE(facts::parse_model_facts("", piece, 0).unusable.empty());
  got = facts::parse_model_facts(R"({"facts":[{"entity":"A","slot":"s","value":"\u00ff\u00fe"},)"
                                 R"({"entity":"A","slot":"s","value":"v","confidence":-1}, 7, null]})",
                                 piece, 0);
  EXPECT_EQ(got.facts.size(), 1u);  // valid UTF-8 from JSON escapes is fine
  EXPECT_EQ(got.rejected, 3u);
}

}  // namespace
