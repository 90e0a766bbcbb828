// Memvid::ingest through the public API: readers by type, metadata, globs, dedupe, dry
// runs, chunking, and the one-transaction guarantee.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "ingest/pdf_fixture.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

namespace memvid {
namespace {

using memvid::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

Memvid lexical_memory(const TempDir& dir) {
  CreateOptions c;
  c.embedding_model = "none";
  return Memvid::create(dir.file("m.mv2"), c);
}

std::vector<Frame> active_frames(const Memvid& mem) {
  std::vector<Frame> out;
  for (FrameId id = 0; id < mem.frame_count(); ++id) {
    Frame f = mem.frame(id);
    if (f.status == FrameStatus::Active) out.push_back(std::move(f));
  }
  return out;
}

class Ingest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = dir.path() / "docs";
    write(root / "guide.md", "Intro line\n\n## Getting started\n\nInstall the heat pump before winter.\n");
    write(root / "page.html",
          "<html><head><title>Wind &amp; Power</title><style>p{color:red}</style><script>var secret=1;</script></head>"
          "<body><h1>Turbines</h1><p>A turbine turns wind into power.</p></body></html>");
    write(root / "notes.txt", "Geothermal loops use the earth as a heat source.\n");
    write(root / "sub" / "records.jsonl",
          "{\"text\": \"Hydro dams store water.\", \"title\": \"Hydro\"}\n{\"text\": \"Tidal power follows the moon.\"}\n");
    write(root / "sub" / "report.pdf",
          testing::make_pdf({{"Solar cells convert light."}, {"Batteries store the energy overnight."}}, "Energy Report"));
    write(root / "image.png", "\x89PNG\r\n\x1a\nbinarybinary");
    write(root / "blob", std::string("\x00\x01\x02\x03", 4) + std::string(100, '\xff'));
    write(root / ".hidden" / "secret.txt", "hidden text");
    write(root / "empty.txt", "");
  }

  TempDir dir;
  fs::path root;
};

TEST_F(Ingest, ReadsEveryTypeWithMetadataAndSkipsWithReasons) {
  Memvid mem = lexical_memory(dir);
  const IngestReport r = mem.ingest(root.string());
  EXPECT_EQ(r.files_seen, 8u);  // the hidden directory is not walked
  EXPECT_EQ(r.filtered, 1u);
  EXPECT_EQ(r.ingested, 6u);    // md, html, txt, 2 records, pdf
  ASSERT_EQ(r.items.size(), 6u);
  std::map<std::string, std::string> reasons;
  for (const IngestSkip& s : r.skipped) reasons[fs::path(s.path).filename().string()] = s.reason;
  EXPECT_EQ(reasons.size(), 3u);
  EXPECT_NE(reasons["image.png"].find("image/png"), std::string::npos);
  EXPECT_NE(reasons["blob"].find("binary"), std::string::npos);
  EXPECT_EQ(reasons["empty.txt"], "no text");

  std::map<std::string, Frame> by_uri;
  for (Frame& f : active_frames(mem)) by_uri[f.uri] = std::move(f);
  ASSERT_EQ(by_uri.size(), 6u);
  const Frame& md = by_uri.at("mv2://guide.md");
  EXPECT_EQ(md.title, "Getting started");
  EXPECT_EQ(md.kind, FrameKind::Document);
  const json md_meta = json::parse(md.metadata_json);
  EXPECT_EQ(md_meta["mime"], "text/markdown");
  EXPECT_EQ(md_meta["source"], "guide.md");
  EXPECT_EQ(md_meta["bytes"], md.payload.size());
  EXPECT_EQ(md_meta["blake3"].get<std::string>().size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat((root / "guide.md").c_str(), &st), 0);
  EXPECT_EQ(md.timestamp_ms, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);

  const Frame& html = by_uri.at("mv2://page.html");
  EXPECT_EQ(html.title, "Wind & Power");
  EXPECT_NE(html.payload.find("A turbine turns wind into power."), std::string::npos);
  EXPECT_EQ(html.payload.find("secret"), std::string::npos);
  EXPECT_EQ(html.payload.find("color"), std::string::npos);

  const Frame& pdf = by_uri.at("mv2://sub/report.pdf");
  EXPECT_EQ(pdf.title, "Energy Report");
  const json pdf_meta = json::parse(pdf.metadata_json);
  EXPECT_EQ(pdf_meta["pages"], 2);
  EXPECT_EQ(pdf_meta["page_starts"].size(), 2u);

  const Frame& rec1 = by_uri.at("mv2://sub/records.jsonl#1");
  EXPECT_EQ(rec1.title, "Hydro");
  EXPECT_EQ(rec1.payload, "Hydro dams store water.");
  EXPECT_EQ(json::parse(rec1.metadata_json)["record"], 1);
  EXPECT_EQ(by_uri.count("mv2://sub/records.jsonl#2"), 1u);
}

TEST_F(Ingest, PdfHitsNameTheirPage) {
  Memvid mem = lexical_memory(dir);
  write(root / "long.pdf", testing::make_pdf({{"Solar cells convert light into current.", "Solar farms cover fields.",
                                                "Solar output peaks at noon in summer."},
                                               {"Batteries store the energy overnight.", "Batteries wear out slowly.",
                                                "Batteries are recycled for their metals."}}));
  mem.ingest((root / "sub" / "report.pdf").string());
  FindOptions o;
  o.mode = SearchMode::Lex;
  o.collapse_chunks = false;
  // Small chunks so that each page is its own passage.
  mem.close();
  Memvid again = Memvid::open(dir.file("m.mv2"));
  const FindResult before = again.find("batteries", o);
  ASSERT_EQ(before.hits.size(), 1u);
  EXPECT_GE(before.hits[0].page, 1u);

  TempDir other;
  Memvid small = lexical_memory(other);
  IngestOptions io;
  io.chunk_bytes = 64;
  io.chunk_overlap = 0;
  small.ingest((root / "long.pdf").string(), io);
  const FindResult batteries = small.find("batteries", o);
  ASSERT_FALSE(batteries.hits.empty());
  for (const Hit& h : batteries.hits) EXPECT_EQ(h.page, 2u) << h.snippet;
  const FindResult solar = small.find("solar", o);
  ASSERT_FALSE(solar.hits.empty());
  for (const Hit& h : solar.hits) EXPECT_EQ(h.page, 1u) << h.snippet;
}

TEST_F(Ingest, GlobsAndHiddenFiles) {
  Memvid mem = lexical_memory(dir);
  IngestOptions o;
  o.include = {"**/*.md", "*.txt"};
  o.exclude = {"empty.*"};
  IngestReport r = mem.ingest(root.string(), o);
  std::set<std::string> uris;
  for (const Frame& f : active_frames(mem)) uris.insert(f.uri);
  EXPECT_EQ(uris, (std::set<std::string>{"mv2://guide.md", "mv2://notes.txt"}));
  EXPECT_TRUE(r.skipped.empty());

  TempDir other;
  Memvid hidden = lexical_memory(other);
  IngestOptions h;
  h.include_hidden = true;
  h.include = {"*.txt"};
  hidden.ingest(root.string(), h);
  std::set<std::string> hidden_uris;
  for (const Frame& f : active_frames(hidden)) hidden_uris.insert(f.uri);
  EXPECT_EQ(hidden_uris.count("mv2://.hidden/secret.txt"), 1u);
}

TEST_F(Ingest, DedupeSkipsTextAlreadyStored) {
  Memvid mem = lexical_memory(dir);
  const IngestReport first = mem.ingest(root.string());
  IngestOptions o;
  o.dedupe = true;
  const IngestReport second = mem.ingest(root.string(), o);
  EXPECT_EQ(second.ingested, 0u);
  EXPECT_EQ(second.duplicates, first.ingested);
  EXPECT_EQ(mem.frame_count(), first.ingested);
  // A copy under another name is the same text: skipped too; a changed file is not.
  write(root / "copy.txt", "Geothermal loops use the earth as a heat source.\n");
  write(root / "notes.txt", "Geothermal loops were revised.\n");
  const IngestReport third = mem.ingest(root.string(), o);
  EXPECT_EQ(third.ingested, 1u);
  EXPECT_EQ(third.duplicates, first.ingested);
}

TEST_F(Ingest, DryRunWritesNothingAndWorksReadOnly) {
  { lexical_memory(dir).close(); }
  const auto size_before = fs::file_size(dir.file("m.mv2"));
  Memvid ro = Memvid::open_read_only(dir.file("m.mv2"));
  IngestOptions o;
  o.dry_run = true;
  const IngestReport r = ro.ingest(root.string(), o);
  EXPECT_TRUE(r.dry_run);
  EXPECT_EQ(r.items.size(), 6u);
  EXPECT_EQ(r.ingested, 0u);
  for (const IngestedDocument& d : r.items) EXPECT_FALSE(d.frame.has_value());
  EXPECT_EQ(ro.frame_count(), 0u);
  ro.close();
  EXPECT_EQ(fs::file_size(dir.file("m.mv2")), size_before);
  Memvid again = Memvid::open_read_only(dir.file("m.mv2"));
  EXPECT_THROW(again.ingest(root.string()), Error);  // a real run needs a writer
}

TEST_F(Ingest, StopRequestRollsEverythingBack) {
  Memvid mem = lexical_memory(dir);
  Document kept;
  kept.payload = "kept from before";
  mem.put(kept);
  IngestOptions o;
  int files = 0;
  o.on_progress = [&](const IngestProgress&) { ++files; };
  o.should_stop = [&] { return files >= 3; };
  try {
    mem.ingest(root.string(), o);
    FAIL() << "expected Interrupted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Interrupted);
  }
  EXPECT_EQ(mem.frame_count(), 1u);
  EXPECT_FALSE(mem.in_transaction());
  mem.close();
  Memvid reopened = Memvid::open(dir.file("m.mv2"));
  EXPECT_EQ(reopened.frame_count(), 1u);
  EXPECT_EQ(reopened.frame(0).payload, "kept from before");
}

TEST_F(Ingest, SingleFileTakesTitleAndUriDefaults) {
  Memvid mem = lexical_memory(dir);
  IngestOptions o;
  o.defaults.title = "My Guide";
  o.defaults.uri = "mv2://custom";
  o.defaults.tags = {"energy"};
  o.defaults.metadata_json = R"({"team":"ops","mime":"overridden?"})";
  mem.ingest((root / "guide.md").string(), o);
  const Frame f = mem.frame(0);
  EXPECT_EQ(f.title, "My Guide");
  EXPECT_EQ(f.uri, "mv2://custom");
  EXPECT_EQ(f.tags, std::vector<std::string>{"energy"});
  const json meta = json::parse(f.metadata_json);
  EXPECT_EQ(meta["team"], "ops");
  EXPECT_EQ(meta["mime"], "text/markdown");  // the file's own facts win over defaults
  EXPECT_THROW(mem.ingest(root.string(), o), Error);  // a title cannot name a whole tree
}

TEST_F(Ingest, JsonRecordFieldsAreConfigurable) {
  write(root / "nested.json", R"([{"body": {"text": "Nested body text one."}, "name": "First"},
                                  {"body": {"text": "Nested body text two."}, "name": "Second"}])");
  Memvid mem = lexical_memory(dir);
  IngestOptions o;
  o.fields.text = "body.text";
  o.fields.title = "name";
  o.include = {"nested.json"};
  const IngestReport r = mem.ingest(root.string(), o);
  ASSERT_EQ(r.ingested, 2u);
  EXPECT_EQ(mem.frame(0).title, "First");
  EXPECT_EQ(mem.frame(1).payload, "Nested body text two.");
  // The default fields do not find records there: the file is one JSON text document.
  TempDir other;
  Memvid plain = lexical_memory(other);
  IngestOptions p;
  p.include = {"nested.json"};
  ASSERT_EQ(plain.ingest(root.string(), p).ingested, 1u);
  EXPECT_EQ(json::parse(plain.frame(0).metadata_json)["mime"], "application/json");
}

TEST_F(Ingest, MalformedFilesAreSkippedNotFatal) {
  write(root / "bad.jsonl", "{\"text\": \"ok\"}\n{not json\n");
  write(root / "bad.json", "[1, 2,");
  write(root / "overflow.jsonl", "{\"text\": \"x\", \"n\": 1e999}\n");  // a number JSON cannot hold
  std::string latin1 = "Caf\xE9 cr\xE8me and more text here to make it plainly text.";
  write(root / "latin1.txt", latin1);
  write(root / "long.txt", std::string(3 << 20, 'x'));  // one 3 MB line
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  deep += "deep text";
  write(root / "deep.html", deep);
  write(root / "truncated.pdf", testing::make_pdf({{"Cut short"}}).substr(0, 60));
  Memvid mem = lexical_memory(dir);
  const IngestReport r = mem.ingest(root.string());
  std::map<std::string, std::string> reasons;
  for (const IngestSkip& s : r.skipped) reasons[fs::path(s.path).filename().string()] = s.reason;
  EXPECT_NE(reasons["bad.jsonl"].find("line 2"), std::string::npos) << reasons["bad.jsonl"];
  EXPECT_EQ(reasons["bad.json"], "malformed JSON");
  EXPECT_NE(reasons["overflow.jsonl"].find("line 1: malformed JSON"), std::string::npos) << reasons["overflow.jsonl"];
  EXPECT_FALSE(reasons["truncated.pdf"].empty());
  EXPECT_EQ(reasons.count("latin1.txt"), 0u);
  EXPECT_EQ(reasons.count("long.txt"), 0u);
  EXPECT_EQ(reasons["deep.html"], "HTML nested deeper than 5000 elements");
  EXPECT_EQ(r.invalid_utf8_bytes, 2u);
  bool found_latin = false;
  for (const Frame& f : active_frames(mem)) {
    if (f.uri != "mv2://latin1.txt") continue;
    found_latin = true;
    EXPECT_EQ(f.payload.substr(0, 6), "Caf\xEF\xBF\xBD");
    EXPECT_EQ(json::parse(f.metadata_json)["invalid_utf8_bytes"], 2);
  }
  EXPECT_TRUE(found_latin);
}

TEST_F(Ingest, MemoryInsideTheTreeIsNotIngested) {
  CreateOptions c;
  c.embedding_model = "none";
  Memvid mem = Memvid::create((root / "inside.mv2").string(), c);
  const IngestReport r = mem.ingest(root.string());
  bool skipped_self = false;
  for (const IngestSkip& s : r.skipped) skipped_self |= s.reason == "the memory being written";
  EXPECT_TRUE(skipped_self);
}

TEST_F(Ingest, SameTreeGivesTheSameFrames) {
  IngestOptions o;
  o.defaults.timestamp_ms = 1700000000000;
  for (const char* name : {"a.mv2", "b.mv2"}) {
    CreateOptions c;
    c.embedding_model = "none";
    Memvid mem = Memvid::create(dir.file(name), c);
    mem.ingest(root.string(), o);
    mem.close();
  }
  // Headers carry the creation time and owner record; the frames must match exactly.
  Memvid ma = Memvid::open_read_only(dir.file("a.mv2")), mb = Memvid::open_read_only(dir.file("b.mv2"));
  ASSERT_EQ(ma.frame_count(), mb.frame_count());
  for (FrameId id = 0; id < ma.frame_count(); ++id) {
    const Frame fa = ma.frame(id), fb = mb.frame(id);
    EXPECT_EQ(fa.payload, fb.payload);
    EXPECT_EQ(fa.metadata_json, fb.metadata_json);
    EXPECT_EQ(fa.uri, fb.uri);
  }
}

TEST_F(Ingest, ChunkSettingsAreValidatedAndKeptPerDocument) {
  Memvid mem = lexical_memory(dir);
  IngestOptions bad;
  bad.chunk_bytes = 10;
  EXPECT_THROW(mem.ingest(root.string(), bad), Error);
  bad.chunk_bytes = 100;
  bad.chunk_overlap = 100;
  EXPECT_THROW(mem.ingest(root.string(), bad), Error);
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Sentence number " + std::to_string(i) + " talks about pumps. ";
  write(root / "long.md", text);
  IngestOptions o;
  o.include = {"long.md"};
  o.chunk_bytes = 200;
  o.chunk_overlap = 20;
  mem.ingest(root.string(), o);
  FindOptions f;
  f.mode = SearchMode::Lex;
  f.collapse_chunks = false;
  f.k = 100;
  const FindResult r = mem.find("pumps", f);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_GT(r.hits[0].chunk_count, 5u);
  EXPECT_LE(r.hits[0].chunk_end - r.hits[0].chunk_begin, 200u);
  mem.close();
  // Reopened (and indexed again from the records): the same passages.
  Memvid again = Memvid::open(dir.file("m.mv2"));
  const FindResult r2 = again.find("pumps", f);
  ASSERT_EQ(r2.hits.size(), r.hits.size());
  EXPECT_EQ(r2.hits[0].chunk_count, r.hits[0].chunk_count);
}

}  // namespace
}  // namespace memvid
