// Recall an agent can trust, through the public API: plain text never fails, copies of one
// content fold into one hit, a page never depends on the page size, filter-only queries rank
// alike in every mode, hits found by meaning alone pass a relevance floor, and the result
// says how many hits there are.
#include <gtest/gtest.h>


#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "memvid/fields.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;

namespace {

constexpr std::size_t kDim = 16;

CreateOptions custom_create() {
  CreateOptions c;
  c.open.sync = SyncMode::Off;
  c.open.nudge_poll_ms = 0;
  c.embedding_model = "custom:test";
  return c;
}

std::vector<float> random_vector(std::mt19937_64& rng, std::size_t dim = kDim) {
  std::normal_distribution<float> n;
  std::vector<float> v(dim);
  for (float& x : v) x = n(rng);
  return v;
}

Document doc(std::string text, std::vector<float> v, std::string uri = "") {
  Document d;
  d.payload = std::move(text);
  d.uri = std::move(uri);
  d.timestamp_ms = 1'700'000'000'000;
  d.embedding = std::move(v);
  return d;
}

std::vector<FrameId> ids_of(const std::vector<Hit>& hits) {
  std::vector<FrameId> out;
  for (const Hit& h : hits) out.push_back(h.id);
  return out;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) dot += double(a[i]) * b[i], na += double(a[i]) * a[i], nb += double(b[i]) * b[i];
  return dot / std::sqrt(na * nb);
}

// Words from a small vocabulary, so that lexical queries match many documents at many scores.
std::string words(std::mt19937_64& rng, std::size_t n) {
  static const char* vocab[] = {"river", "stone", "lamp", "cedar", "orbit", "pixel", "harbor", "violet",
                                "copper", "meadow", "signal", "tundra", "quartz", "ember", "lattice", "saffron"};
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += std::string(i ? " " : "") + vocab[rng() % 16];
  return out;
}

// A memory of 400 documents with random words and vectors, some of them copies.
struct Corpus {
  TempDir dir;
  std::vector<std::vector<float>> vectors;
  Memvid mem;
  Corpus() : mem(Memvid::create(dir.file("r.mv2"), custom_create())) {
    std::mt19937_64 rng(11);
    std::vector<Document> docs;
    for (int i = 0; i < 400; ++i) {
      if (i % 40 == 39) {
        docs.push_back(docs[docs.size() - 7]);  // a copy of an earlier document, under another uri
        docs.back().uri = "copy/" + std::to_string(i);
      } else {
        docs.push_back(doc(words(rng, 3 + rng() % 20), random_vector(rng), "doc/" + std::to_string(i)));
      }
      vectors.push_back(docs.back().embedding);
    }
    mem.put_many(docs);
  }
};

}  // namespace

TEST(RecallTest, PlainTextNeverFailsAndStrictKeepsTheErrors) {
  TempDir dir;
  CreateOptions c = custom_create();
  c.embedding_model = "none";
  Memvid mem = Memvid::create(dir.file("t.mv2"), c);
  Document d;
  d.payload = "Use std::vector when errno:ENOENT comes back; HTTP status:500 error means don't panic.";
  mem.put(d);
  for (const char* q : {"std::vector", "errno:ENOENT", "HTTP status:500 error", "don't (panic", "panic OR", "\"don't panic",
                        "panic)", "kind:banana panic"}) {
    SCOPED_TRACE(q);
    FindOptions o;
    o.mode = SearchMode::Lex;
    const FindResult r = mem.find(q, o);
    ASSERT_EQ(r.hits.size(), 1u) << "the words of the query still match";
    EXPECT_NE(r.note.find("plain"), std::string::npos) << r.note;
    o.strict = true;
    try {
      mem.find(q, o);
      ADD_FAILURE() << "strict parsing accepted it";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidQuery);
    }
  }
  // A valid query reads as written, with no note.
  FindOptions o;
  o.mode = SearchMode::Lex;
  EXPECT_EQ(mem.find("panic AND errno", o).note, "");
}

TEST(RecallTest, CopiesOfOneContentFoldIntoTheirFirstHit) {
  TempDir dir;
  CreateOptions c = custom_create();
  c.embedding_model = "none";
  Memvid mem = Memvid::create(dir.file("d.mv2"), c);
  const std::string licence = "curl is licensed under the curl licence; it follows redirects with -L.";
  std::vector<Document> docs;
  for (const char* uri : {"mv2://curl/copyright", "mv2://libcurl4/copyright", "mv2://libcurl3/copyright"}) {
    Document d;
    d.payload = licence;
    d.uri = uri;
    docs.push_back(d);
  }
  Document other;
  other.payload = "To follow redirects with curl, pass --location (-L); --max-redirs bounds them.";
  docs.push_back(other);
  mem.put_many(docs);

  FindOptions o;
  o.mode = SearchMode::Lex;
  FindResult r = mem.find("curl follow redirects", o);
  ASSERT_EQ(r.hits.size(), 2u);
  const Hit& copies = r.hits[0].id == 0 ? r.hits[0] : r.hits[1];
  EXPECT_EQ(copies.id, 0u) << "the earliest of equally ranked copies";
  EXPECT_EQ(copies.duplicates, 2u);
  EXPECT_EQ(copies.duplicate_ids, (std::vector<FrameId>{1, 2}));
  EXPECT_EQ(r.total_hits, 2u);
  EXPECT_TRUE(r.total_hits_exact);
  EXPECT_EQ(r.hits[0].rank, 1u);
  EXPECT_EQ(r.hits[1].rank, 2u);

  o.collapse_duplicates = false;
  r = mem.find("curl follow redirects", o);
  EXPECT_EQ(r.hits.size(), 4u);
  for (const Hit& h : r.hits) EXPECT_EQ(h.duplicates, 0u);

  // ask fills its passages after folding: one source per content.
  AskOptions a;
  a.mode = SearchMode::Lex;
  const AskResult answer = mem.ask("how does curl follow redirects?", a);
  std::set<FrameId> sources;
  for (const AskSource& s : answer.sources) sources.insert(s.id);
  EXPECT_EQ(sources.size(), answer.sources.size());
  EXPECT_EQ(answer.sources.size(), 2u);
}

TEST(RecallTest, OnePageEqualsManySmallPagesInEveryMode) {
  Corpus corpus;
  std::mt19937_64 rng(5);
  const std::vector<float> q = random_vector(rng);
  for (SearchMode mode : {SearchMode::Lex, SearchMode::Sem, SearchMode::Auto}) {
    for (bool collapse : {true, false}) {
      SCOPED_TRACE(std::string(to_string(mode)) + (collapse ? " collapsing" : " keeping copies"));
      FindOptions o;
      o.mode = mode;
      o.query_vector = q;
      o.candidates = 16;  // tiers of 16, 32, 64...: the pages below cross several
      o.semantic_floor.reset();
      o.collapse_duplicates = collapse;
      o.snippet_chars = 0;
      o.k = 120;
      const FindResult whole = corpus.mem.find("river cedar quartz", o);
      ASSERT_EQ(whole.hits.size(), 120u);
      std::vector<Hit> by_offset, by_cursor;
      o.k = 10;
      for (std::size_t off = 0; off < 120; off += 10) {
        o.offset = off;
        const FindResult page = corpus.mem.find("river cedar quartz", o);
        by_offset.insert(by_offset.end(), page.hits.begin(), page.hits.end());
      }
      o.offset = 0;
      std::string cursor;
      for (int p = 0; p < 12; ++p) {
        o.cursor = cursor;
        const FindResult page = corpus.mem.find("river cedar quartz", o);
        by_cursor.insert(by_cursor.end(), page.hits.begin(), page.hits.end());
        cursor = page.next_cursor;
        ASSERT_FALSE(cursor.empty());
      }
      EXPECT_EQ(ids_of(by_offset), ids_of(whole.hits));
      EXPECT_EQ(ids_of(by_cursor), ids_of(whole.hits));
      for (std::size_t i = 0; i < whole.hits.size(); ++i) {
        EXPECT_EQ(by_offset[i].rank, whole.hits[i].rank);
        EXPECT_EQ(by_offset[i].score, whole.hits[i].score);
      }
      // And k itself changes nothing: the top 5 are the first 5 of the top 120.
      o.cursor.clear();
      o.k = 5;
      const auto top5 = ids_of(corpus.mem.find("river cedar quartz", o).hits);
      const auto top120 = ids_of(whole.hits);
      EXPECT_EQ(top5, std::vector<FrameId>(top120.begin(), top120.begin() + 5));
    }
  }
}

TEST(RecallTest, FilterOnlyQueriesRankAlikeInEveryMode) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("f.mv2"), custom_create());
  std::mt19937_64 rng(3);
  std::vector<Document> docs;
  for (int i = 0; i < 30; ++i) {
    docs.push_back(doc("note " + std::to_string(i), random_vector(rng)));
    if (i % 3 == 0) docs.back().tags = {"project-x"};
  }
  mem.put_many(docs);
  FindOptions o;
  o.k = 20;
  o.mode = SearchMode::Lex;
  const auto lex = ids_of(mem.find("tag:project-x", o).hits);
  EXPECT_EQ(lex.size(), 10u);
  for (SearchMode mode : {SearchMode::Auto, SearchMode::Sem}) {
    o.mode = mode;
    o.query_vector = random_vector(rng);  // what the filter text would embed to: beside the point
    const FindResult r = mem.find("tag:project-x", o);
    EXPECT_EQ(ids_of(r.hits), lex) << to_string(mode);
    EXPECT_EQ(r.mode_used, SearchMode::Lex);
    EXPECT_NE(r.note.find("filters only"), std::string::npos) << r.note;
  }
}

TEST(RecallTest, HitsFoundByMeaningAlonePassTheRelevanceFloor) {
  // As many dimensions as the built-in model: in few dimensions random vectors are often close.
  constexpr std::size_t kModelDim = 100;
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("s.mv2"), custom_create());
  std::mt19937_64 rng(17);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i) {
    vectors.push_back(random_vector(rng, kModelDim));
    docs.push_back(doc(i == 7 ? "zebra crossing rules" : words(rng, 6), vectors.back()));
  }
  mem.put_many(docs);

  // A query near nothing: random documents are mere neighbours. At the default floor (2
  // deviations) about 1 in 44 passes by chance; at 4, about 1 in 30,000.
  const std::vector<float> nowhere = random_vector(rng, kModelDim);
  FindOptions o;
  o.mode = SearchMode::Sem;
  o.query_vector = nowhere;
  o.k = 300;
  FindResult r = mem.find("", o);
  ASSERT_TRUE(r.semantic_floor.has_value());
  for (const Hit& h : r.hits) EXPECT_GE(*h.semantic_score, *r.semantic_floor);
  EXPECT_LE(r.hits.size(), 20u);
  o.semantic_floor = 4;
  r = mem.find("", o);
  EXPECT_EQ(r.hits.size(), 0u);
  o.k = 10;
  // Without the floor every neighbour comes back, the negative cosines too.
  o.semantic_floor.reset();
  r = mem.find("", o);
  EXPECT_EQ(r.hits.size(), 10u);
  EXPECT_FALSE(r.semantic_floor.has_value());

  // A query near one document finds it.
  std::vector<float> near = vectors[42];
  for (float& x : near) x += 0.05f * std::normal_distribution<float>()(rng);
  o.semantic_floor = kDefaultSemanticFloor;
  o.query_vector = near;
  r = mem.find("", o);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, 42u);

  // However low the floor is set, a hit with a negative or near-zero cosine never comes back.
  std::vector<float> away = vectors[42];
  for (float& x : away) x = -x;
  o.semantic_floor = -10;
  o.query_vector = away;
  o.k = 300;
  r = mem.find("", o);
  EXPECT_FALSE(r.hits.empty());
  for (const Hit& h : r.hits) EXPECT_GE(*h.semantic_score, kMinSemanticCosine);
  for (const Hit& h : r.hits) EXPECT_GE(cosine(vectors[h.id], away), kMinSemanticCosine - 1e-6);

  // The floor comes from a fixed sample: another handle on the same file applies the same one.
  o = FindOptions{};
  o.mode = SearchMode::Sem;
  o.query_vector = nowhere;
  const FindResult here = mem.find("", o);
  Memvid again = Memvid::open_read_only(dir.file("s.mv2"));
  const FindResult there = again.find("", o);
  ASSERT_TRUE(here.semantic_floor && there.semantic_floor);
  EXPECT_EQ(*here.semantic_floor, *there.semantic_floor);
  EXPECT_EQ(ids_of(here.hits), ids_of(there.hits));
  again.close();

  // Auto mode: one lexical hit is not padded with weak semantic neighbours.
  o = FindOptions{};
  o.query_vector = nowhere;
  o.semantic_floor = 4;
  r = mem.find("zebra", o);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].id, 7u);
  EXPECT_TRUE(r.hits[0].lexical_match);
  o.semantic_floor.reset();
  EXPECT_EQ(mem.find("zebra", o).hits.size(), 10u);
}

TEST(RecallTest, ScoresAreNullWhereTheyDoNotApplyAndTotalsAreCounted) {
  Corpus corpus;
  FindOptions o;
  o.mode = SearchMode::Lex;
  o.k = 3;
  FindResult r = corpus.mem.find("saffron", o);
  ASSERT_EQ(r.hits.size(), 3u);
  for (const Hit& h : r.hits) {
    EXPECT_TRUE(h.lexical_score.has_value());
    EXPECT_FALSE(h.semantic_score.has_value());
  }
  EXPECT_FALSE(r.total_hits_exact);
  EXPECT_GE(r.total_hits, 4u);
  EXPECT_FALSE(r.semantic_floor.has_value());
  // Deep enough, the count is exact: the distinct documents holding the word.
  std::set<std::string> distinct;
  for (FrameId id = 0; id < corpus.mem.frame_count(); ++id) {
    const Frame f = corpus.mem.frame(id);
    if (f.payload.find("saffron") != std::string::npos) distinct.insert(f.payload);
  }
  o.k = 400;
  r = corpus.mem.find("saffron", o);
  EXPECT_TRUE(r.total_hits_exact);
  EXPECT_EQ(r.total_hits, distinct.size());
  EXPECT_EQ(r.hits.size(), distinct.size());

  std::mt19937_64 rng(9);
  o = FindOptions{};
  o.mode = SearchMode::Sem;
  o.query_vector = random_vector(rng);
  o.semantic_floor.reset();
  for (const Hit& h : corpus.mem.find("", o).hits) {
    EXPECT_FALSE(h.lexical_score.has_value());
    EXPECT_TRUE(h.semantic_score.has_value());
  }
}

TEST(RecallTest, HighlightsConvertToCodePointsAndUtf16Units) {
  FindResult r;
  Hit h;
  // "…" is 3 UTF-8 bytes, 1 code point, 1 UTF-16 unit; "𝄞" is 4 bytes, 1 code point, 2 units.
  h.snippet = "…café 𝄞 naïve word";
  const auto at = [&](std::string_view w) { return static_cast<std::uint32_t>(h.snippet.find(w)); };
  h.highlights = {{at("café"), at("café") + 5}, {at("naïve"), at("naïve") + 6}, {at("word"), at("word") + 4}};
  r.hits.push_back(h);
  FindResult cp = r, u16 = r;
  fields::convert_highlights(cp, fields::TextUnit::CodePoints);
  fields::convert_highlights(u16, fields::TextUnit::Utf16);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> want_cp = {{1, 5}, {8, 13}, {14, 18}};
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> want_u16 = {{1, 5}, {9, 14}, {15, 19}};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cp.hits[0].highlights[i].begin, want_cp[i].first);
    EXPECT_EQ(cp.hits[0].highlights[i].end, want_cp[i].second);
    EXPECT_EQ(u16.hits[0].highlights[i].begin, want_u16[i].first);
    EXPECT_EQ(u16.hits[0].highlights[i].end, want_u16[i].second);
  }
  FindResult bytes = r;
  fields::convert_highlights(bytes, fields::TextUnit::Utf8Bytes);
  EXPECT_EQ(bytes.hits[0].highlights[0].begin, at("café"));
}
