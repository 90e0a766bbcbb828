// Passage vectors: every passage the lexical index has is embedded on its own, a hit found by
// meaning names the passage that matched, the built-in model's vectors are made again from
// the text instead of being kept in records, and a memory written before (one float vector
// per frame) keeps working until doctor --rebuild-vec-index gives it passage vectors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/files.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace memvid;
namespace fs = std::filesystem;

const char* const kTopics[] = {
    "The orchestra rehearsed the symphony with violins, cellos and a grand piano before the concert.",
    "Volcanoes erupt when magma rises through the crust and lava flows down the mountain slopes.",
    "The compiler parses the source code, builds a syntax tree and emits optimized machine instructions.",
    "Bees collect nectar from flowers and turn it into honey inside the wax combs of the hive.",
    "The goalkeeper saved a penalty in the final minute and the stadium erupted in cheers."};

// The long text of tests/fixtures/vectors_v1.mv2: five sections, each one sentence 14 times.
std::string long_text() {
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += "Section " + std::to_string(i + 1) + ".";
    for (int j = 0; j < 14; ++j) out += std::string(" ") + kTopics[i];
    out += "\n\n";
  }
  return out;
}

OpenOptions quiet() {
  OpenOptions o;
  o.nudge_poll_ms = 0;
  return o;
}

void expect_verified(const std::string& path) {
  const VerifyReport v = memvid::verify(path, true);
  EXPECT_TRUE(v.ok);
  for (const CheckResult& c : v.checks)
    EXPECT_NE(c.status, CheckStatus::Failed) << c.name << ": " << c.detail;
}

// Which topic a byte range of the long text is about (the one it holds most of).
int topic_at(const std::string& text, std::uint64_t begin, std::uint64_t end) {
  const std::string part = text.substr(begin, end - begin);
  int best = -1;
  std::size_t most = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t n = 0;
    for (std::size_t at = part.find(kTopics[i]); at != std::string::npos; at = part.find(kTopics[i], at + 1)) ++n;
    if (n > most) most = n, best = i;
  }
  return best;
}

std::vector<char> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The best hit by meaning alone (none when nothing is found).
std::optional<Hit> nearest(const Memvid& m, const std::string& query, std::vector<float> vector = {}) {
  FindOptions o;
  o.mode = SearchMode::Sem;
  o.k = 1;
  o.query_vector = std::move(vector);
  const FindResult r = m.find(query, o);
  if (r.hits.empty()) return std::nullopt;
  return r.hits[0];
}

bool model_installed() { return !find_builtin_model().empty(); }

TEST(PassageVectors, AHitFoundByMeaningNamesThePassageThatMatched) {
  if (!model_installed()) GTEST_SKIP() << "the built-in model is not installed (scripts/install-model.sh)";
  memvid::testing::TempDir dir;
  CreateOptions c;
  c.open = quiet();
  c.chunk_bytes = 1000;  // each section is about 1,300 bytes: several passages per topic
  c.chunk_overlap = 100;
  Memvid mem = Memvid::create(dir.file("m.mv2"), c);
  const std::string text = long_text();
  Document d;
  d.payload = text;
  d.title = "notes";
  mem.put(d);
  for (const char* other : {"A recipe for bread: flour, water, yeast and salt, baked in a hot oven.",
                            "Astronomers observed a distant galaxy through the telescope on a clear night."}) {
    Document o;
    o.payload = other;
    mem.put(o);
  }
  EXPECT_GT(mem.stats().vectors, 8u);  // a row per passage, not one per frame
  EXPECT_TRUE(mem.frame(0).embedding.empty());  // made from the text again when needed

  struct Case {
    const char* query;
    int topic;
  };
  for (const Case& k : {Case{"nectar honey hive insects", 3}, Case{"lava magma eruption", 1},
                        Case{"football penalty stadium", 4}, Case{"violin cello concert music", 0}}) {
    for (SearchMode mode : {SearchMode::Sem, SearchMode::Auto}) {
      FindOptions o;
      o.mode = mode;
      o.k = 3;
      const FindResult r = mem.find(k.query, o);
      ASSERT_FALSE(r.hits.empty()) << k.query;
      const Hit& h = r.hits[0];
      EXPECT_EQ(h.id, 0u) << k.query;
      EXPECT_GT(h.chunk_count, 4u);
      EXPECT_EQ(topic_at(text, h.chunk_begin, h.chunk_end), k.topic)
          << k.query << " in mode " << static_cast<int>(mode) << ": passage " << h.chunk << " ["
          << h.chunk_begin << ", " << h.chunk_end << ")";
    }
    AskOptions a;
    a.k = 2;
    const AskResult ar = mem.ask(k.query, a);
    ASSERT_FALSE(ar.sources.empty()) << k.query;
    EXPECT_EQ(ar.sources[0].id, 0u);
    EXPECT_EQ(topic_at(text, ar.sources[0].chunk_begin, ar.sources[0].chunk_end), k.topic) << k.query;
  }
  mem.close();
  expect_verified(dir.file("m.mv2"));
}

TEST(PassageVectors, CommittedFramesAreEmbeddedAgainByAReaderBeforeACheckpoint) {
  if (!model_installed()) GTEST_SKIP() << "the built-in model is not installed (scripts/install-model.sh)";
  memvid::testing::TempDir dir;
  const std::string path = dir.file("m.mv2");
  CreateOptions c;
  c.open = quiet();
  c.chunk_bytes = 1000;
  c.chunk_overlap = 100;
  Memvid writer = Memvid::create(path, c);
  Document d;
  d.payload = long_text();
  writer.put(d);  // committed to the WAL; the index segment is written at the checkpoint
  FindOptions o;
  o.mode = SearchMode::Sem;
  o.k = 1;
  const FindResult by_writer = writer.find("nectar honey hive insects", o);
  Memvid reader = Memvid::open_read_only(path, quiet());
  const FindResult by_reader = reader.find("nectar honey hive insects", o);
  ASSERT_EQ(by_writer.hits.size(), 1u);
  ASSERT_EQ(by_reader.hits.size(), 1u);
  EXPECT_EQ(by_reader.hits[0].chunk, by_writer.hits[0].chunk);
  EXPECT_EQ(by_reader.hits[0].score, by_writer.hits[0].score);
  EXPECT_EQ(reader.stats().vectors, writer.stats().vectors);
}

TEST(PassageVectors, TheSameDocumentsMakeTheSameBytes) {
  if (!model_installed()) GTEST_SKIP() << "the built-in model is not installed (scripts/install-model.sh)";
  memvid::testing::TempDir dir;
  std::vector<std::vector<char>> files;
  for (const char* name : {"a.mv2", "b.mv2"}) {
    CreateOptions c;
    c.open = quiet();
    c.chunk_bytes = 700;
    c.chunk_overlap = 70;
    Memvid m = Memvid::create(dir.file(name), c);
    Document d;
    d.payload = long_text();
    d.timestamp_ms = 1'700'000'000'000;
    m.put(d);
    m.close();
    files.push_back(bytes_of(dir.file(name)));
  }
  EXPECT_EQ(files[0], files[1]);
}

TEST(PassageVectors, AnOlderMemoryKeepsItsVectorsUntilARebuildGivesItPassages) {
  memvid::testing::TempDir dir;
  const std::string path = dir.file("v1.mv2");
  fs::copy_file(fs::path(MEMVID_SOURCE_DIR) / "tests" / "fixtures" / "vectors_v1.mv2", path);
  expect_verified(path);
  {
    Memvid m = Memvid::open_read_only(path, quiet());
    EXPECT_EQ(m.stats().vectors, 4u);
    // The caller's vector of frame 3 is found exactly as before.
    std::vector<float> v;
    for (int i = 0; i < 100; ++i) v.push_back(static_cast<float>(i % 7 - 3));
    const auto h = nearest(m, "", v);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->id, 3u);
    EXPECT_NEAR(h->score, 1.0, 1e-5);
  }
  if (!model_installed()) return;
  {
    Memvid m = Memvid::open_read_only(path, quiet());
    const auto h = nearest(m, "nectar honey hive insects");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->id, 0u);
    EXPECT_EQ(h->chunk, 0u);  // one vector for the whole text: its first passage
  }
  DoctorOptions d;
  d.rebuild_vec_index = true;
  const DoctorReport report = memvid::doctor(path, d);
  EXPECT_TRUE(report.ok);
  expect_verified(path);
  Memvid m = Memvid::open_read_only(path, quiet());
  // The long text's three passages; the short texts' and the caller's vectors as they were.
  EXPECT_EQ(m.stats().vectors, 6u);
  const auto h = nearest(m, "nectar honey hive insects");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->id, 0u);
  EXPECT_EQ(h->chunk, 1u);  // the section on bees is in the second passage
}

}  // namespace
