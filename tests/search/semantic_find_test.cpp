// Semantic and hybrid search through the public API, with vectors the test controls: the
// caller's own vectors ("custom:" models) and a deterministic embedder given at open. The
// built-in model has its own tests (tests/embed/); here the model is beside the point.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <optional>
#include <set>
#include <cstdlib>

#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;

namespace {

constexpr std::size_t kDim = 16;

OpenOptions quiet_open() {
  OpenOptions o;
  o.sync = SyncMode::Off;
  o.nudge_poll_ms = 0;
  return o;
}

CreateOptions custom_create(bool compression = false) {
  CreateOptions c;
  c.open = quiet_open();
  c.language = "none";
  c.embedding_model = "custom:test";
  c.vector_compression = compression;
  return c;
}

// Points in clusters, so that nearest neighbours are meaningful (as with real embeddings).
std::vector<float> clustered(std::mt19937_64& rng, std::size_t dim = kDim) {
  static const std::vector<std::vector<float>> centres = [] {
    std::mt19937_64 r(7);
    std::normal_distribution<float> n;
    std::vector<std::vector<float>> c(24, std::vector<float>(64));
    for (auto& v : c)
      for (auto& x : v) x = n(r);
    return c;
  }();
  std::normal_distribution<float> noise(0, 0.35f);
  const auto& c = centres[rng() % centres.size()];
  std::vector<float> v(dim);
  for (std::size_t i = 0; i < dim; ++i) v[i] = c[i] + noise(rng);
  return v;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) dot += double(a[i]) * b[i], na += double(a[i]) * a[i], nb += double(b[i]) * b[i];
  return dot / std::sqrt(na * nb);
}

Document vec_doc(std::string text, std::vector<float> v) {
  Document d;
  d.payload = std::move(text);
  d.timestamp_ms = 1'700'000'000'000;
  d.embedding = std::move(v);
  return d;
}

std::vector<FrameId> ids_of(const FindResult& r) {
  std::vector<FrameId> out;
  for (const Hit& h : r.hits) out.push_back(h.id);
  return out;
}

// The exact ranking: cosine descending, then frame ascending.
std::vector<FrameId> brute_force(const std::vector<std::vector<float>>& vectors, const std::vector<float>& q, std::size_t k,
                                 const std::set<FrameId>& excluded = {}) {
  std::vector<std::pair<double, FrameId>> all;
  for (FrameId i = 0; i < vectors.size(); ++i)
    if (!excluded.count(i) && !vectors[i].empty()) all.push_back({-cosine(vectors[i], q), i});
  std::sort(all.begin(), all.end());
  std::vector<FrameId> out;
  for (std::size_t i = 0; i < std::min(k, all.size()); ++i) out.push_back(all[i].second);
  return out;
}

// The nearest neighbours as the index ranks them, however weak, and each frame on its own
// though many share a text (the relevance floor and copies have their tests in recall_test.cpp).
FindOptions sem(const std::vector<float>& q, std::size_t k = 10) {
  FindOptions o;
  o.semantic_floor.reset();
  o.collapse_duplicates = false;
  o.mode = SearchMode::Sem;
  o.query_vector = q;
  o.k = k;
  return o;
}

// A deterministic embedder: each word adds a pseudo-random direction, so texts that share
// words are near each other.
class HashEmbedder final : public EmbeddingProvider {
 public:
  explicit HashEmbedder(std::string name = "test:hash") : name_(std::move(name)) {}
  std::string model() const override { return name_; }
  std::uint32_t dimension() const override { return kDim; }
  std::vector<std::vector<float>> embed_documents(std::span<const EmbeddingText> docs) override {
    std::vector<std::vector<float>> out;
    for (const auto& d : docs) out.push_back(embed(std::string(d.title) + " " + std::string(d.text)));
    ++document_calls;
    return out;
  }
  std::vector<float> embed_query(std::string_view q) override { return embed(std::string(q)); }
  int document_calls = 0;

 private:
  static std::vector<float> embed(const std::string& text) {
    std::vector<float> v(kDim, 0);
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) {
        std::mt19937_64 r(std::hash<std::string>{}(text.substr(start, end - start)));
        std::normal_distribution<float> n;
        for (float& x : v) x += n(r);
      }
      start = end + 1;
    }
    return v;
  }
  std::string name_;
};

}  // namespace

TEST(SemanticFindTest, CallerVectorsRankByExactCosine) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("v.mv2"), custom_create());
  std::mt19937_64 rng(1);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i) {
    vectors.push_back(clustered(rng));
    docs.push_back(vec_doc("document " + std::to_string(i), vectors.back()));
  }
  mem.put_many(docs);
  for (int t = 0; t < 20; ++t) {
    const auto q = clustered(rng);
    FindResult r = mem.find("", sem(q, 10));
    EXPECT_EQ(r.mode_used, SearchMode::Sem);
    EXPECT_EQ(ids_of(r), brute_force(vectors, q, 10));
    for (const Hit& h : r.hits) {
      EXPECT_TRUE(h.semantic_match);
      EXPECT_FALSE(h.lexical_match);
      EXPECT_NEAR(h.score, cosine(vectors[h.id], q), 1e-5);
      EXPECT_NEAR(h.semantic_score.value_or(-1), h.score, 1e-12);
    }
  }
  // The same after a checkpoint (the vectors now come from a segment in the file) and reopen.
  mem.close();
  Memvid ro = Memvid::open_read_only(dir.file("v.mv2"), quiet_open());
  EXPECT_EQ(ro.stats().vectors, 300u);
  EXPECT_EQ(ro.stats().embedding_dimension, kDim);
  EXPECT_EQ(ro.stats().embedding_model, "custom:test");
  const auto q = clustered(rng);
  EXPECT_EQ(ids_of(ro.find("", sem(q, 25))), brute_force(vectors, q, 25));
  EXPECT_EQ(ro.frame(5).embedding, vectors[5]);
}

TEST(SemanticFindTest, DeletedSupersededAndFilteredFramesAreNeverReturned) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("d.mv2"), custom_create());
  std::mt19937_64 rng(2);
  std::vector<std::vector<float>> vectors;
  for (int i = 0; i < 200; ++i) {
    vectors.push_back(clustered(rng));
    Document d = vec_doc("doc " + std::to_string(i), vectors.back());
    d.uri = i % 2 ? "mv2://odd/" + std::to_string(i) : "mv2://even/" + std::to_string(i);
    d.timestamp_ms = 1000 + i;
    mem.put(d);
    if (i % 50 == 49) mem.commit();  // several segments
  }
  std::set<FrameId> gone;
  for (FrameId id : {3, 17, 42, 99, 150, 199}) {
    mem.delete_frame(id);
    gone.insert(id);
  }
  const FrameId replaced = 60;
  vectors.push_back(clustered(rng));
  const FrameId newer = mem.update(replaced, vec_doc("doc 60 again", vectors.back()));
  gone.insert(replaced);
  auto check = [&](Memvid& m) {
    for (int t = 0; t < 10; ++t) {
      auto q = clustered(rng);
      EXPECT_EQ(ids_of(m.find("", sem(q, 20))), brute_force(vectors, q, 20, gone));
      // The replacement is found by its own vector.
      EXPECT_EQ(m.find("", sem(vectors[newer], 1)).hits.at(0).id, newer);
      FindOptions o = sem(q, 50);
      o.scope = "mv2://odd/";
      for (const Hit& h : m.find("", o).hits) EXPECT_EQ(h.id % 2, 1u) << h.id;
      o.scope.clear();
      o.as_of_ms = 1000 + 100;
      for (const Hit& h : m.find("", o).hits) EXPECT_LE(h.timestamp_ms, 1100) << h.id;
      o.as_of_ms.reset();
      o.as_of_frame = 30;
      for (const Hit& h : m.find("", o).hits) EXPECT_LE(h.id, 30u);
    }
  };
  check(mem);
  mem.commit();  // purging merges drop the dead vectors
  check(mem);
  mem.close();
  Memvid ro = Memvid::open_read_only(dir.file("d.mv2"), quiet_open());
  check(ro);
}

TEST(SemanticFindTest, ManySmallCommitsEqualOneBatch) {
  TempDir dir;
  std::mt19937_64 rng(3);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 1200; ++i) {
    vectors.push_back(clustered(rng));
    docs.push_back(vec_doc("d" + std::to_string(i), vectors.back()));
  }
  Memvid batch = Memvid::create(dir.file("b.mv2"), custom_create());
  batch.put_many(docs);
  Memvid small = Memvid::create(dir.file("s.mv2"), custom_create());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    small.put(docs[i]);
    if (i % 37 == 0) small.commit();  // many segments, merged by the tiered policy
  }
  for (int t = 0; t < 20; ++t) {
    auto q = clustered(rng);
    const auto want = brute_force(vectors, q, 15);
    EXPECT_EQ(ids_of(batch.find("", sem(q, 15))), want);
    EXPECT_EQ(ids_of(small.find("", sem(q, 15))), want);
  }
}

TEST(SemanticFindTest, MergesThatExtendGraphsStillFindTheNearest) {
  // Every part gets a graph, and many commits make the tiered policy merge graphed parts:
  // a merge extends its first input's graph by the others' rows. What it finds must stay
  // near-exact, the file must verify, and the same commits must give the same bytes.
  TempDir dir;
  std::mt19937_64 rng(9);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 2500; ++i) {
    vectors.push_back(clustered(rng));
    docs.push_back(vec_doc("g" + std::to_string(i), vectors.back()));
  }
  CreateOptions c = custom_create();
  c.open.vector_graph_min_rows = 1;
  for (const char* name : {"a.mv2", "b.mv2"}) {
    Memvid m = Memvid::create(dir.file(name), c);
    for (std::size_t i = 0; i < docs.size(); ++i) {
      m.put(docs[i]);
      if (i % 97 == 96) m.commit();
    }
    m.close();
  }
  const VerifyReport v = memvid::verify(dir.file("a.mv2"), true);
  EXPECT_TRUE(v.ok);
  auto bytes_of = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_TRUE(bytes_of(dir.file("a.mv2")) == bytes_of(dir.file("b.mv2")));
  Memvid m = Memvid::open_read_only(dir.file("a.mv2"), quiet_open());
  double recall = 0;
  const int queries = 30;
  for (int t = 0; t < queries; ++t) {
    auto q = clustered(rng);
    const auto want = brute_force(vectors, q, 10);
    const auto got = ids_of(m.find("", sem(q, 10)));
    const std::set<FrameId> got_set(got.begin(), got.end());
    for (FrameId id : want) recall += got_set.count(id) / 10.0;
  }
  EXPECT_GE(recall / queries, 0.95);
}

TEST(SemanticFindTest, PagesByOffsetAndCursorWalkTheRanking) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("p.mv2"), custom_create());
  std::mt19937_64 rng(4);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 100; ++i) {
    vectors.push_back(clustered(rng));
    docs.push_back(vec_doc("p" + std::to_string(i), vectors.back()));
  }
  mem.put_many(docs);
  const auto q = clustered(rng);
  const auto want = brute_force(vectors, q, 30);
  std::vector<FrameId> by_cursor, by_offset;
  FindOptions o = sem(q, 7);
  for (int page = 0; page < 5; ++page) {
    FindResult r = mem.find("", o);
    for (const Hit& h : r.hits) {
      EXPECT_EQ(h.rank, by_cursor.size() + 1);
      by_cursor.push_back(h.id);
    }
    ASSERT_FALSE(r.next_cursor.empty());
    o.cursor = r.next_cursor;
  }
  for (std::size_t off = 0; off < 35; off += 7) {
    FindOptions p = sem(q, 7);
    p.offset = off;
    for (FrameId id : ids_of(mem.find("", p))) by_offset.push_back(id);
  }
  ASSERT_EQ(by_cursor.size(), 35u);
  EXPECT_EQ(std::vector<FrameId>(by_cursor.begin(), by_cursor.begin() + 30), want);
  EXPECT_EQ(by_offset, by_cursor);
}

TEST(SemanticFindTest, ModelAndDimensionMismatchesAreErrors) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("m.mv2"), custom_create());
  mem.put(vec_doc("first", std::vector<float>(kDim, 1.0f)));
  auto code_of = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::Io;  // "no error" never matches what the tests expect
  };
  EXPECT_EQ(code_of([&] { mem.put(vec_doc("short", std::vector<float>(kDim - 1, 1.0f))); }), ErrorCode::ModelMismatch);
  Document other = vec_doc("other", std::vector<float>(kDim, 1.0f));
  other.embedding_model = "custom:else";
  try {
    mem.put(other);
    ADD_FAILURE() << "a vector of another model was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelMismatch);
    const std::string what = e.what();
    EXPECT_NE(what.find("custom:test"), std::string::npos) << what;
    EXPECT_NE(what.find("custom:else"), std::string::npos) << what;
  }
  Document bad = vec_doc("nan", std::vector<float>(kDim, 1.0f));
  bad.embedding[3] = std::nanf("");
  EXPECT_EQ(code_of([&] { mem.put(bad); }), ErrorCode::InvalidArgument);
  // A put_many with one bad vector writes nothing.
  std::vector<Document> batch = {vec_doc("a", std::vector<float>(kDim, 1.0f)), vec_doc("b", std::vector<float>(3, 1.0f))};
  EXPECT_EQ(code_of([&] { mem.put_many(batch); }), ErrorCode::ModelMismatch);
  EXPECT_EQ(mem.frame_count(), 1u);
  // Inside an explicit transaction too: the bad put leaves the transaction as it was.
  mem.begin();
  mem.put(vec_doc("ok", std::vector<float>(kDim, 2.0f)));
  EXPECT_EQ(code_of([&] { mem.put(vec_doc("bad", std::vector<float>(2, 1.0f))); }), ErrorCode::ModelMismatch);
  mem.commit();
  EXPECT_EQ(mem.frame_count(), 2u);
  EXPECT_EQ(mem.find("", sem(std::vector<float>(kDim, 1.0f), 5)).hits.size(), 2u);

  EXPECT_EQ(code_of([&] { mem.find("", sem(std::vector<float>(kDim + 1, 1.0f))); }), ErrorCode::ModelMismatch);
  FindOptions named = sem(std::vector<float>(kDim, 1.0f));
  named.query_vector_model = "custom:else";
  EXPECT_EQ(code_of([&] { mem.find("", named); }), ErrorCode::ModelMismatch);
  // Text queries need an embedder, which a custom model does not have here.
  FindOptions text;
  text.mode = SearchMode::Sem;
  EXPECT_EQ(code_of([&] { mem.find("first", text); }), ErrorCode::ModelUnavailable);
  text.mode = SearchMode::Auto;
  FindResult fallback = mem.find("first", text);
  EXPECT_EQ(fallback.mode_used, SearchMode::Lex);
  EXPECT_NE(fallback.note.find("caller"), std::string::npos) << fallback.note;
  ASSERT_EQ(fallback.hits.size(), 1u);
}

TEST(SemanticFindTest, MemoryWithoutModelRefusesVectors) {
  TempDir dir;
  CreateOptions c = custom_create();
  c.embedding_model = "none";
  Memvid mem = Memvid::create(dir.file("n.mv2"), c);
  try {
    mem.put(vec_doc("x", std::vector<float>(kDim, 1.0f)));
    ADD_FAILURE() << "a memory without a model took a vector";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
  Document plain;
  plain.payload = "plain words";
  mem.put(plain);
  FindOptions o;
  o.mode = SearchMode::Sem;
  EXPECT_THROW(mem.find("plain", o), Error);
  o.mode = SearchMode::Auto;
  FindResult r = mem.find("plain", o);
  EXPECT_EQ(r.mode_used, SearchMode::Lex);
  EXPECT_FALSE(r.note.empty());
  EXPECT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(mem.stats().embedding_model, "");
  CreateOptions bad = custom_create();
  bad.embedding_model = "nocolon";
  EXPECT_THROW(Memvid::create(dir.file("bad.mv2"), bad), Error);
}

TEST(SemanticFindTest, GivenEmbedderEmbedsDocumentsAndQueries) {
  TempDir dir;
  auto embedder = std::make_shared<HashEmbedder>();
  CreateOptions c = custom_create();
  c.embedding_model.clear();  // the embedder's model
  c.open.embedder = embedder;
  {
    Memvid mem = Memvid::create(dir.file("e.mv2"), c);
    std::vector<Document> docs;
    for (const char* t : {"red apple pie", "green apple tart", "blue ocean wave", "deep ocean trench", "apple orchard"}) {
      Document d;
      d.payload = t;
      docs.push_back(d);
    }
    mem.put_many(docs);
    EXPECT_EQ(embedder->document_calls, 1);  // one batch for the whole put_many
    EXPECT_EQ(mem.stats().embedding_model, "test:hash");
    FindOptions o;
    o.mode = SearchMode::Sem;
    o.k = 2;
    // "ocean" shares a word with exactly frames 2 and 3.
    auto ids = ids_of(mem.find("ocean", o));
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<FrameId>{2, 3}));
  }
  // Opened without it, the memory cannot embed text (test:hash is no provider it knows)...
  Memvid ro = Memvid::open_read_only(dir.file("e.mv2"), quiet_open());
  FindOptions o;
  o.mode = SearchMode::Sem;
  EXPECT_THROW(ro.find("ocean", o), Error);
  EXPECT_FALSE(ro.stats().semantic_unavailable.empty());
  ro.close();
  // ...and another model's embedder is refused by name.
  OpenOptions wrong = quiet_open();
  wrong.embedder = std::make_shared<HashEmbedder>("test:other");
  Memvid w = Memvid::open(dir.file("e.mv2"), wrong);
  Document d;
  d.payload = "more";
  try {
    w.put(d);
    ADD_FAILURE() << "an embedder of another model was used";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelMismatch);
    EXPECT_NE(std::string(e.what()).find("test:other"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("test:hash"), std::string::npos);
  }
}

TEST(SemanticFindTest, HybridFusesAndKeepsQueryFilters) {
  TempDir dir;
  auto embedder = std::make_shared<HashEmbedder>();
  CreateOptions c = custom_create();
  c.embedding_model.clear();
  c.open.embedder = embedder;
  Memvid mem = Memvid::create(dir.file("h.mv2"), c);
  std::vector<Document> docs;
  const char* texts[] = {"solar panel roof",     "solar heat pump guide", "heat pump maintenance", "garden roses",
                         "rose pruning guide",   "kitchen tap repair",    "solar roof tiles"};
  for (int i = 0; i < 7; ++i) {
    Document d;
    d.payload = texts[i];
    d.tags = {i % 2 ? "odd" : "even"};
    docs.push_back(d);
  }
  mem.put_many(docs);
  FindOptions o;  // auto is the default
  FindResult r = mem.find("solar roof", o);
  EXPECT_EQ(r.mode_used, SearchMode::Auto);
  ASSERT_FALSE(r.hits.empty());
  // Frames with both words lead; every lexical match is flagged as such.
  EXPECT_TRUE(r.hits[0].id == 0 || r.hits[0].id == 6);
  for (const Hit& h : r.hits) {
    const bool has_word = std::string(texts[h.id]).find("solar") != std::string::npos ||
                          std::string(texts[h.id]).find("roof") != std::string::npos;
    EXPECT_EQ(h.lexical_match, has_word) << h.id;
    EXPECT_GE(h.score, 0.0);
    EXPECT_LE(h.score, 1.0 + 1e-9);
  }
  for (std::size_t i = 1; i < r.hits.size(); ++i) EXPECT_GE(r.hits[i - 1].score, r.hits[i].score);
  // A filter keeps its meaning: semantic neighbours outside it are not added.
  for (const Hit& h : mem.find("tag:odd AND guide", o).hits) EXPECT_EQ(h.id % 2, 1u);
  EXPECT_EQ(ids_of(mem.find("tag:odd AND guide", o)), (std::vector<FrameId>{1}));
  // With no lexical match, the semantic list is the answer.
  FindResult none = mem.find("ocean", o);
  for (const Hit& h : none.hits) EXPECT_FALSE(h.lexical_match);
  // Weight 0 is BM25 order; rrf is available.
  o.semantic_weight = 0;
  FindResult lexical_order = mem.find("heat pump", o);
  FindOptions lex;
  lex.mode = SearchMode::Lex;
  // (Min-max puts BM25's last hit at 0, level with semantic-only hits: compare lexical hits.)
  std::vector<FrameId> weighted;
  for (const Hit& h : lexical_order.hits)
    if (h.lexical_match) weighted.push_back(h.id);
  EXPECT_EQ(weighted, ids_of(mem.find("heat pump", lex)));
  o.fusion = Fusion::Rrf;
  EXPECT_FALSE(mem.find("heat pump", o).hits.empty());
  o.semantic_weight = 1.5;
  EXPECT_THROW(mem.find("heat pump", o), Error);
}

TEST(SemanticFindTest, AutoOnALargeMemoryRanksAsWithTheRetrieversInTurn) {
  // From 20,000 vector rows auto runs its lexical and semantic retrievers on two threads; a
  // where filter (here one every frame passes) makes them run in turn. Same hits, same scores.
  TempDir dir;
  auto embedder = std::make_shared<HashEmbedder>();
  CreateOptions c = custom_create();
  c.embedding_model.clear();
  c.open.embedder = embedder;
  Memvid mem = Memvid::create(dir.file("big.mv2"), c);
  std::mt19937_64 rng(12);
  std::vector<Document> docs;
  for (int i = 0; i < 20500; ++i) {
    Document d;
    for (int w = 0; w < 6; ++w) d.payload += "w" + std::to_string(rng() % 300) + " ";
    d.metadata_json = "{\"n\":" + std::to_string(i) + "}";
    d.timestamp_ms = 1'700'000'000'000;
    docs.push_back(std::move(d));
  }
  mem.put_many(docs);
  mem.commit();
  FindOptions parallel;
  parallel.mode = SearchMode::Auto;
  parallel.k = 10;
  FindOptions in_turn = parallel;
  in_turn.where = R"({"n":{"$gte":0}})";
  for (int t = 0; t < 12; ++t) {
    const std::string q = "w" + std::to_string(rng() % 300) + " w" + std::to_string(rng() % 300);
    const FindResult a = mem.find(q, parallel), b = mem.find(q, in_turn);
    EXPECT_EQ(a.mode_used, SearchMode::Auto) << a.note;
    ASSERT_EQ(a.hits.size(), b.hits.size()) << q;
    ASSERT_FALSE(a.hits.empty()) << q;
    for (std::size_t k = 0; k < a.hits.size(); ++k) {
      EXPECT_EQ(a.hits[k].id, b.hits[k].id) << q << " #" << k;
      EXPECT_EQ(a.hits[k].score, b.hits[k].score) << q << " #" << k;
      EXPECT_EQ(a.hits[k].lexical_match, b.hits[k].lexical_match) << q << " #" << k;
      EXPECT_EQ(a.hits[k].semantic_match, b.hits[k].semantic_match) << q << " #" << k;
    }
  }
}

TEST(SemanticFindTest, HnswAndCompressedIndexesFindTheNearest) {
  TempDir dir;
  std::mt19937_64 rng(5);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 12000; ++i) {  // above the HNSW threshold
    vectors.push_back(clustered(rng, 32));
    docs.push_back(vec_doc("v", vectors.back()));
  }
  for (bool compression : {false, true}) {
    SCOPED_TRACE(compression ? "IVF-PQ" : "HNSW");
    const std::string path = dir.file(compression ? "pq.mv2" : "hnsw.mv2");
    {
      Memvid mem = Memvid::create(path, custom_create(compression));
      mem.put_many(docs);
    }
    Memvid mem = Memvid::open_read_only(path, quiet_open());
    double recall = 0;
    const int queries = 50;
    for (int t = 0; t < queries; ++t) {
      auto q = clustered(rng, 32);
      const auto want = brute_force(vectors, q, 10);
      FindResult r = mem.find("", sem(q, 10));
      std::set<FrameId> got;
      for (const Hit& h : r.hits) {
        got.insert(h.id);
        EXPECT_NEAR(h.score, cosine(vectors[h.id], q), 1e-5);  // exact scores, re-ranked for PQ
      }
      for (FrameId id : want) recall += got.count(id) / 10.0;
    }
    recall /= queries;
    EXPECT_GE(recall, compression ? 0.80 : 0.95) << "recall@10 " << recall;
  }
  EXPECT_LT(std::filesystem::file_size(dir.file("pq.mv2")), std::filesystem::file_size(dir.file("hnsw.mv2")));
}

TEST(SemanticFindTest, CommittedVectorsSurviveACrash) {
  TempDir dir;
  const std::string path = dir.file("crash.mv2");
  std::mt19937_64 rng(6);
  std::vector<std::vector<float>> vectors;
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i) {
    vectors.push_back(clustered(rng));
    docs.push_back(vec_doc("c" + std::to_string(i), vectors.back()));
  }
  { Memvid seed = Memvid::create(path, custom_create()); }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      OpenOptions o = quiet_open();
      o.sync = SyncMode::Full;
      Memvid mem = Memvid::open(path, o);
      for (std::size_t i = 0; i < docs.size(); ++i) {
        mem.put(docs[i]);
        if (i == 120) mem.commit();  // a segment; the rest only in the WAL
      }
      ::_exit(0);  // no close: the process dies with the vectors only in the WAL
    } catch (...) {
      ::_exit(1);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto check = [&](Memvid& m) {
    EXPECT_EQ(m.stats().vectors, 300u);
    for (int t = 0; t < 20; ++t) {
      auto q = clustered(rng);
      EXPECT_EQ(ids_of(m.find("", sem(q, 10))), brute_force(vectors, q, 10));
    }
  };
  {
    Memvid ro = Memvid::open_read_only(path, quiet_open());
    check(ro);
  }
  {
    Memvid w = Memvid::open(path, quiet_open());
    w.commit();  // folds the replayed vectors into a segment
    check(w);
  }
  Memvid ro = Memvid::open_read_only(path, quiet_open());
  check(ro);
}

TEST(SemanticFindTest, SameInputsGiveIdenticalBytes) {
  TempDir dir;
  std::mt19937_64 rng(8);
  std::vector<Document> docs;
  for (int i = 0; i < 11000; ++i) docs.push_back(vec_doc("d" + std::to_string(i), clustered(rng)));
  for (bool compression : {false, true}) {
    std::string bytes[2];
    for (int copy = 0; copy < 2; ++copy) {
      const std::string path = dir.file(std::to_string(compression) + "_" + std::to_string(copy) + ".mv2");
      {
        Memvid mem = Memvid::create(path, custom_create(compression));
        mem.put_many(docs);
      }
      std::ifstream in(path, std::ios::binary);
      bytes[copy].assign(std::istreambuf_iterator<char>(in), {});
    }
    EXPECT_TRUE(bytes[0] == bytes[1]) << "compression " << compression;
  }
}

namespace {
// Sets environment variables for one test and puts them back after.
class ScopedEnv {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
    if (value) ::setenv(name, value, 1); else ::unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1); else ::unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};
}  // namespace

TEST(SemanticFindTest, WithoutTheBuiltinModelLexicalSearchKeepsWorking) {
  TempDir dir;
  ScopedEnv env;
  env.set("MEMVID_MODEL", nullptr);
  env.set("MEMVID_MODEL_DIR", nullptr);
  env.set("XDG_DATA_HOME", dir.path().c_str());  // no model installed there
  if (!find_builtin_model().empty()) GTEST_SKIP() << "a model is installed system-wide: " << find_builtin_model();
  CreateOptions c;
  c.open = quiet_open();
  Memvid mem = Memvid::create(dir.file("b.mv2"), c);
  Document d;
  d.payload = "the heat pump keeps the house warm";
  EXPECT_EQ(mem.put(d), 0u);  // stored for lexical search only
  const Stats st = mem.stats();
  EXPECT_EQ(st.embedding_model, std::string(kBuiltinModelName));
  EXPECT_EQ(st.vectors, 0u);
  EXPECT_NE(st.semantic_unavailable.find("install-model.sh"), std::string::npos) << st.semantic_unavailable;
  FindResult r = mem.find("heat pump");
  EXPECT_EQ(r.mode_used, SearchMode::Lex);
  EXPECT_NE(r.note.find("install-model.sh"), std::string::npos) << r.note;
  ASSERT_EQ(r.hits.size(), 1u);
  FindOptions o;
  o.mode = SearchMode::Sem;
  try {
    mem.find("heat pump", o);
    ADD_FAILURE() << "semantic search ran without a model";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelUnavailable);
    EXPECT_NE(std::string(e.what()).find("install-model.sh"), std::string::npos) << e.what();
  }
}

TEST(SemanticFindTest, BuiltinModelEmbedsAtPutAndRanksByMeaning) {
  if (find_builtin_model().empty()) GTEST_SKIP() << "the built-in model is not installed (scripts/install-model.sh)";
  TempDir dir;
  CreateOptions c;
  c.open = quiet_open();
  Memvid mem = Memvid::create(dir.file("m.mv2"), c);
  std::vector<Document> docs;
  for (const char* t : {"The recipe needs flour, butter, sugar and eggs; bake the cake for forty minutes.",
                        "The striker scored twice and the team won the championship final.",
                        "Parliament passed the budget after a long debate among the ministers.",
                        "The telescope observed a distant galaxy and several bright stars."}) {
    Document d;
    d.payload = t;
    docs.push_back(d);
  }
  mem.put_many(docs);
  EXPECT_EQ(mem.stats().vectors, 4u);
  EXPECT_TRUE(mem.stats().semantic_unavailable.empty());
  // The model's vectors are made again from the text when needed: the record keeps none.
  EXPECT_TRUE(mem.frame(0).embedding.empty());
  FindOptions o;
  o.mode = SearchMode::Sem;
  o.k = 1;
  // No query word appears in the answer: only meaning connects them.
  EXPECT_EQ(mem.find("football match goal", o).hits.at(0).id, 1u);
  EXPECT_EQ(mem.find("astronomy planets universe", o).hits.at(0).id, 3u);
  EXPECT_EQ(mem.find("baking dessert kitchen", o).hits.at(0).id, 0u);
  EXPECT_EQ(mem.find("government election politics", o).hits.at(0).id, 2u);
  // Auto: a lexical match leads, and semantic neighbours follow it.
  FindResult r = mem.find("galaxy");
  EXPECT_EQ(r.mode_used, SearchMode::Auto);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, 3u);
  EXPECT_TRUE(r.hits[0].lexical_match && r.hits[0].semantic_match);
}
