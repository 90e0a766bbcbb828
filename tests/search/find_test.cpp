// Memvid::find as a user drives it: ranking checked against hand-computed BM25F and a
// brute-force reference, the query language end to end, pagination, filters, chunks, and the
// index's life across transactions, checkpoints, merges, reopen and crash recovery.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;

namespace {

CreateOptions plain_create() {
  CreateOptions c;
  c.open.sync = SyncMode::Off;
  c.open.nudge_poll_ms = 0;
  c.language = "none";  // words are indexed as typed (lowercased): easy to reason about
  c.embedding_model = "none";  // lexical ranking only (tests/search/semantic_find_test.cpp has the rest)
  return c;
}

OpenOptions plain_open() {
  OpenOptions o;
  o.sync = SyncMode::Off;
  o.nudge_poll_ms = 0;
  return o;
}

CreateOptions english_create() {
  CreateOptions c;
  c.open = plain_open();
  c.embedding_model = "none";
  return c;
}

Document doc(std::string text, std::string title = "", std::int64_t ts = 1'700'000'000'000) {
  Document d;
  d.payload = std::move(text);
  d.title = std::move(title);
  d.timestamp_ms = ts;
  return d;
}

std::vector<FrameId> ids_of(const FindResult& r) {
  std::vector<FrameId> out;
  for (const Hit& h : r.hits) out.push_back(h.id);
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Brute-force BM25F over whitespace-separated lowercase words: what the engine must equal.
struct Reference {
  struct D {
    std::vector<std::string> title, body;
    bool live = true;
  };
  std::vector<D> docs;
  double w = 2.0, k1 = 1.2, b = 0.75;

  void add(const std::string& title, const std::string& body) { docs.push_back({split(title), split(body)}); }

  std::vector<std::pair<double, FrameId>> rank(const std::vector<std::string>& terms) const {
    const double n = static_cast<double>(docs.size());
    double sum_len = 0;
    for (const D& d : docs) sum_len += d.body.size() + w * d.title.size();
    const double avg = sum_len / n;
    std::map<std::string, double> dfs;
    for (const std::string& t : terms)
      for (const D& e : docs)
        if (std::count(e.body.begin(), e.body.end(), t) || std::count(e.title.begin(), e.title.end(), t)) ++dfs[t];
    std::vector<std::pair<double, FrameId>> out;
    for (FrameId id = 0; id < docs.size(); ++id) {
      const D& d = docs[id];
      double score = 0;
      bool match = false;
      for (const std::string& t : terms) {
        const double df = dfs[t];
        const double tf = std::count(d.body.begin(), d.body.end(), t) + w * std::count(d.title.begin(), d.title.end(), t);
        if (tf == 0) continue;
        match = true;
        const double len = d.body.size() + w * d.title.size();
        const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
        score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg));
      }
      if (match && d.live) out.emplace_back(score, id);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& c) {
      return a.first != c.first ? a.first > c.first : a.second < c.second;
    });
    return out;
  }
};

// The same for a two-word phrase: occurrences of a directly followed by b, per field.
std::vector<std::pair<double, FrameId>> phrase_rank(const Reference& ref, const std::string& a, const std::string& b) {
  auto count = [&](const std::vector<std::string>& words) {
    double n = 0;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) n += words[i] == a && words[i + 1] == b;
    return n;
  };
  const double n = static_cast<double>(ref.docs.size());
  double sum_len = 0;
  for (const auto& d : ref.docs) sum_len += d.body.size() + ref.w * d.title.size();
  const double avg = sum_len / n;
  double idf = 0;
  for (const std::string& t : {a, b}) {
    double df = 0;
    for (const auto& e : ref.docs)
      if (std::count(e.body.begin(), e.body.end(), t) || std::count(e.title.begin(), e.title.end(), t)) ++df;
    idf += std::log(1 + (n - df + 0.5) / (df + 0.5));
  }
  std::vector<std::pair<double, FrameId>> out;
  for (FrameId id = 0; id < ref.docs.size(); ++id) {
    const auto& d = ref.docs[id];
    const double tf = count(d.body) + ref.w * count(d.title);
    if (tf == 0) continue;
    const double len = d.body.size() + ref.w * d.title.size();
    out.emplace_back(idf * tf * (ref.k1 + 1) / (tf + ref.k1 * (1 - ref.b + ref.b * len / avg)), id);
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  return out;
}

// A corpus with a skewed (Zipf-like) vocabulary, so some terms have long posting lists
// (many blocks: the pruning paths run) and others are rare.
struct Corpus {
  std::vector<std::string> vocab;
  std::mt19937 rng{12345};
  Corpus() {
    for (int i = 0; i < 400; ++i) vocab.push_back("w" + std::to_string(i));
  }
  std::string word() {
    std::uniform_real_distribution<double> u(0, 1);
    const auto i = static_cast<std::size_t>(std::pow(u(rng), 3.0) * vocab.size());
    return vocab[std::min(i, vocab.size() - 1)];
  }
  std::string text(int min_words, int max_words) {
    std::uniform_int_distribution<int> len(min_words, max_words);
    std::string out;
    for (int n = len(rng), i = 0; i < n; ++i) out += (i ? " " : "") + word();
    return out;
  }
};

void expect_same_ranking(const FindResult& got, const std::vector<std::pair<double, FrameId>>& want, std::size_t k,
                         const std::string& query) {
  const std::size_t n = std::min(k, want.size());
  ASSERT_EQ(got.hits.size(), n) << query;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(got.hits[i].score, want[i].first, 1e-9) << query << " rank " << i;
    // Equal scores may legitimately order by id; the reference does the same.
    EXPECT_EQ(got.hits[i].id, want[i].second) << query << " rank " << i;
  }
}

}  // namespace

TEST(FindTest, Bm25MatchesHandComputedScores) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("m.mv2"), plain_create());
  mem.put(doc("apple banana apple", ""));          // body 3, title 0
  mem.put(doc("banana cherry", "apple"));          // body 2, title 1
  mem.put(doc("cherry cherry cherry durian", ""));  // body 4, title 0
  FindOptions o;
  o.title_weight = 2.0;
  // N = 3; lengths with w = 2: 3, 2 + 2*1 = 4, 4; avgdl = 11/3.
  // "apple": df = 2 -> idf = ln(1 + (3 - 2 + 0.5)/(2 + 0.5)) = ln(1.6) = 0.47000362924573558
  //   doc 0: tf 2, dl 3: 2*2.2/(2 + 1.2*(0.25 + 0.75*3/(11/3))) = 4.4/(2 + 1.2*0.86363636)
  //   doc 1: tf 2*1 = 2, dl 4: 4.4/(2 + 1.2*(0.25 + 0.75*12/11)) = 4.4/(2 + 1.2*1.06818182)
  FindResult r = mem.find("apple", o);
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, 0u);
  EXPECT_NEAR(r.hits[0].score, 0.47000362924573558 * 4.4 / (2 + 1.2 * (0.25 + 0.75 * 9.0 / 11.0)), 1e-6);
  //   = 0.47000363 * 4.4 / 3.03636364 = 0.47000363 * 1.44910180 = 0.68108310
  EXPECT_NEAR(r.hits[0].score, 0.68108310, 1e-6);
  EXPECT_EQ(r.hits[1].id, 1u);
  //   = 0.47000363 * 4.4 / 3.28181818 = 0.47000363 * 1.34072022 = 0.63014337
  EXPECT_NEAR(r.hits[1].score, 0.63014337, 1e-6);
  // "cherry durian": cherry df 2 (idf ln 1.6), durian df 1 (idf ln(1 + 2.5/1.5) = 0.98082925)
  //   doc 2: cherry tf 3, dl 4: 3*2.2/(3 + 1.2*1.06818182) = 6.6/4.28181818 = 1.5414013
  //          durian tf 1: 2.2/(1 + 1.28181818) = 0.9641434
  //   doc 1: cherry tf 1, dl 4: 2.2/2.28181818 = 0.9641434
  r = mem.find("cherry durian", o);
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, 2u);
  EXPECT_NEAR(r.hits[0].score, 0.47000363 * 1.5414013 + 0.98082925 * 0.9641434, 1e-6);
  EXPECT_EQ(r.hits[1].id, 1u);
  EXPECT_NEAR(r.hits[1].score, 0.47000363 * 0.9641434, 1e-6);
}

TEST(FindTest, PrunedTopKEqualsBruteForceAcrossSegmentLayouts) {
  TempDir dir;
  Corpus corpus;
  Reference ref;
  std::vector<Document> docs;
  for (int i = 0; i < 1500; ++i) {
    Document d = doc(corpus.text(5, 60), corpus.text(0, 3), 1'700'000'000'000 + i);
    ref.add(d.title, d.payload);
    docs.push_back(std::move(d));
  }
  // One batch, and the same documents in many small commits with checkpoints between them
  // (several merged segments plus the unflushed buffer).
  Memvid batch = Memvid::create(dir.file("batch.mv2"), plain_create());
  batch.put_many(docs);
  Memvid small = Memvid::create(dir.file("small.mv2"), plain_create());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    small.put(docs[i]);
    if (i % 97 == 0) small.commit();
  }
  std::vector<std::string> queries;
  for (int i = 0; i < 150; ++i) queries.push_back(corpus.text(1, 4));
  for (const std::string& q : queries) {
    std::vector<std::string> terms = split(q);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    std::string dedup;
    for (const auto& t : terms) dedup += t + " ";
    const auto want = ref.rank(terms);
    for (std::size_t k : {1u, 10u, 100u}) {
      FindOptions o;
      o.k = k;
      o.snippet_chars = 0;
      expect_same_ranking(batch.find(dedup, o), want, k, "batch: " + dedup);
      expect_same_ranking(small.find(dedup, o), want, k, "small: " + dedup);
    }
  }
  // Phrases of frequent words: block bounds prune most of their documents.
  for (int i = 0; i < 60; ++i) {
    const std::string a = corpus.word(), b = corpus.word();
    const auto want = phrase_rank(ref, a, b);
    for (std::size_t k : {1u, 10u}) {
      FindOptions o;
      o.k = k;
      o.snippet_chars = 0;
      const std::string q = "\"" + a + " " + b + "\"";
      expect_same_ranking(batch.find(q, o), want, k, "batch: " + q);
      expect_same_ranking(small.find(q, o), want, k, "small: " + q);
    }
  }
  // A phrase beside a word: the phrase passes over documents that its words' counts show
  // cannot enter the results beside the word's best score, and the ranking stays exact.
  for (int i = 0; i < 60; ++i) {
    const std::string a = corpus.word(), b = corpus.word(), c = corpus.word();
    if (c == a || c == b) continue;
    std::map<FrameId, double> sum;
    for (const auto& [score, id] : phrase_rank(ref, a, b)) sum[id] += score;
    for (const auto& [score, id] : ref.rank({c})) sum[id] += score;
    std::vector<std::pair<double, FrameId>> want;
    for (const auto& [id, score] : sum) want.emplace_back(score, id);
    std::sort(want.begin(), want.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (std::size_t k : {1u, 10u}) {
      FindOptions o;
      o.k = k;
      o.snippet_chars = 0;
      const std::string q = "\"" + a + " " + b + "\" " + c;
      expect_same_ranking(batch.find(q, o), want, k, "batch: " + q);
      expect_same_ranking(small.find(q, o), want, k, "small: " + q);
    }
  }
}

TEST(FindTest, ResultsIdenticalAfterMergeReopenAndTenThousandCommits) {
  TempDir dir;
  Corpus corpus;
  std::vector<Document> docs;
  for (int i = 0; i < 10000; ++i) docs.push_back(doc(corpus.text(3, 20), "", 1'700'000'000'000 + i));
  Memvid one = Memvid::create(dir.file("one.mv2"), plain_create());
  one.put_many(docs);
  one.close();
  {
    Memvid many = Memvid::create(dir.file("many.mv2"), plain_create());
    for (const Document& d : docs) many.put(d);  // 10,000 commits; checkpoints every 1,000
    many.close();
  }
  Memvid a = Memvid::open_read_only(dir.file("one.mv2"), plain_open());
  Memvid b = Memvid::open_read_only(dir.file("many.mv2"), plain_open());
  for (int i = 0; i < 100; ++i) {
    const std::string q = corpus.text(1, 3);
    FindResult ra = a.find(q), rb = b.find(q);
    ASSERT_EQ(ids_of(ra), ids_of(rb)) << q;
    for (std::size_t j = 0; j < ra.hits.size(); ++j) EXPECT_EQ(ra.hits[j].score, rb.hits[j].score) << q;
  }
}

TEST(FindTest, QueryLanguageEndToEnd) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("q.mv2"), english_create());
  Document a = doc("Solar panels convert sunlight into electricity for the house.", "Solar power guide", 1'704'067'200'000);
  a.tags = {"Energy", "home"};
  a.labels = {"draft"};
  a.uri = "mv2://notes/energy/solar.md";
  Document b = doc("A heat pump moves heat; gas boilers burn gas.", "Heating", 1'717'200'000'000);
  b.tags = {"energy"};
  b.uri = "mv2://notes/energy/heat.md";
  Document c = doc("Recipes for apple pie and pie crust.", "Baking", 1'736'899'200'000);  // 2025-01-15
  c.kind = FrameKind::Document;
  c.uri = "mv2://recipes/pie.md";
  mem.put(a);
  mem.put(b);
  mem.put(c);
  auto ids = [&](const std::string& q) { return ids_of(mem.find(q)); };
  EXPECT_EQ(ids("panels"), (std::vector<FrameId>{0}));
  EXPECT_EQ(ids("panel"), (std::vector<FrameId>{0}));  // stemmed
  EXPECT_EQ(ids("\"heat pump\""), (std::vector<FrameId>{1}));
  EXPECT_EQ(ids("\"pump heat\""), (std::vector<FrameId>{}));
  EXPECT_EQ(ids("\"apple pie\""), (std::vector<FrameId>{2}));
  EXPECT_EQ(ids("heat AND gas"), (std::vector<FrameId>{1}));
  EXPECT_EQ(ids("heat AND sunlight"), (std::vector<FrameId>{}));
  EXPECT_EQ(ids("energy OR pie").size(), 1u);  // "energy" only as a tag, not in any text
  EXPECT_EQ(ids("tag:energy"), (std::vector<FrameId>{0, 1}));  // tags fold case
  EXPECT_EQ(ids("tag:energy -gas"), (std::vector<FrameId>{0}));
  EXPECT_EQ(ids("tag:energy NOT solar"), (std::vector<FrameId>{1}));
  EXPECT_EQ(ids("label:draft"), (std::vector<FrameId>{0}));
  EXPECT_EQ(ids("kind:document"), (std::vector<FrameId>{2}));
  EXPECT_EQ(ids("uri:mv2://notes/energy"), (std::vector<FrameId>{0, 1}));
  EXPECT_EQ(ids("title:guide"), (std::vector<FrameId>{0}));
  EXPECT_EQ(ids("title:sunlight"), (std::vector<FrameId>{}));
  EXPECT_EQ(ids("(heat OR solar) AND tag:home"), (std::vector<FrameId>{0}));
  EXPECT_EQ(ids("date:[2024-06-01 TO 2024-12-31]"), (std::vector<FrameId>{1}));
  EXPECT_EQ(ids("date:[* TO 2024-01-01]"), (std::vector<FrameId>{0}));
  EXPECT_EQ(ids("pie AND date:[2024-06-01 TO *]"), (std::vector<FrameId>{2}));
  EXPECT_EQ(ids("pie AND date:[* TO 2024-12-31]"), (std::vector<FrameId>{}));
  // Juxtaposition is OR: pie (scored) or the range (a filter that scores 0).
  EXPECT_EQ(ids("pie date:[2024-06-01 TO *]"), (std::vector<FrameId>{2, 1}));
  EXPECT_EQ(ids("the of and"), (std::vector<FrameId>{}));  // only stop-words: no hits, no error
  EXPECT_EQ(ids("   "), (std::vector<FrameId>{}));
  EXPECT_EQ(ids("-solar"), (std::vector<FrameId>{}));      // a lone negation matches nothing
  // Read as words by default (docs/QUERY.md); strict parsing reports where it broke.
  EXPECT_NE(mem.find("heat AND (gas").note.find("plain"), std::string::npos);
  try {
    FindOptions strict;
    strict.strict = true;
    mem.find("heat AND (gas", strict);
    FAIL() << "expected InvalidQuery";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidQuery);
    EXPECT_NE(std::string(e.what()).find("position"), std::string::npos) << e.what();
  }
}

TEST(FindTest, HitsCarryMetadataSnippetAndHighlights) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("h.mv2"), english_create());
  Document d = doc("Nothing here. The migration of birds follows magnetic fields.\n\nMore text.", "Birds");
  d.uri = "mv2://b.md";
  d.tags = {"nature"};
  d.labels = {"science"};
  mem.put(d);
  FindOptions o;
  o.snippet_chars = 40;
  FindResult r = mem.find("magnetic migration", o);
  ASSERT_EQ(r.hits.size(), 1u);
  const Hit& h = r.hits[0];
  EXPECT_EQ(h.title, "Birds");
  EXPECT_EQ(h.uri, "mv2://b.md");
  EXPECT_EQ(h.tags, std::vector<std::string>{"nature"});
  EXPECT_EQ(h.labels, std::vector<std::string>{"science"});
  EXPECT_EQ(h.rank, 1u);
  EXPECT_EQ(h.timestamp_ms, 1'700'000'000'000);
  ASSERT_EQ(h.highlights.size(), 2u) << h.snippet;
  EXPECT_EQ(h.snippet.substr(h.highlights[0].begin, h.highlights[0].end - h.highlights[0].begin), "migration");
  EXPECT_EQ(h.snippet.substr(h.highlights[1].begin, h.highlights[1].end - h.highlights[1].begin), "magnetic");
}

TEST(FindTest, PaginationByOffsetAndCursorIsConsistent) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("p.mv2"), plain_create());
  Corpus corpus;
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i) docs.push_back(doc("w0 " + corpus.text(1, 30)));
  mem.put_many(docs);
  // Random texts repeat now and then; without folding copies, BM25 pages itself from the
  // cursor's key (RecallTest covers the folded ranking's pages).
  FindOptions all;
  all.k = 300;
  all.snippet_chars = 0;
  all.collapse_duplicates = false;
  const auto everything = ids_of(mem.find("w0 w1", all));
  ASSERT_EQ(everything.size(), 300u);
  std::vector<FrameId> by_offset, by_cursor;
  FindOptions o;
  o.k = 7;
  o.snippet_chars = 0;
  o.collapse_duplicates = false;
  for (o.offset = 0; o.offset < 300; o.offset += 7) {
    for (FrameId id : ids_of(mem.find("w0 w1", o))) by_offset.push_back(id);
  }
  FindOptions c;
  c.k = 7;
  c.snippet_chars = 0;
  c.collapse_duplicates = false;
  std::size_t expected_rank = 1;
  for (;;) {
    FindResult r = mem.find("w0 w1", c);
    for (const Hit& h : r.hits) {
      EXPECT_EQ(h.rank, expected_rank++);
      by_cursor.push_back(h.id);
    }
    if (r.next_cursor.empty()) break;
    c.cursor = r.next_cursor;
  }
  EXPECT_EQ(by_offset, everything);
  EXPECT_EQ(by_cursor, everything);
  o.offset = 0;
  c.cursor = mem.find("w0 w1", o).next_cursor;
  ASSERT_FALSE(c.cursor.empty());
  EXPECT_THROW(mem.find("w0", c), Error);  // a cursor of another query
  c.cursor = "garbage";
  EXPECT_THROW(mem.find("w0 w1", c), Error);
}

TEST(FindTest, DeletedAndSupersededFramesNeverMatch) {
  TempDir dir;
  const std::string path = dir.file("d.mv2");
  Memvid mem = Memvid::create(path, plain_create());
  for (int i = 0; i < 50; ++i) mem.put(doc("alpha beta " + std::to_string(i)));
  mem.commit();  // in a segment
  mem.delete_frame(3);
  const FrameId replaced = mem.update(4, doc("gamma only"));
  mem.put(doc("alpha in the buffer"));
  FindOptions o;
  o.k = 100;
  auto has = [&](const FindResult& r, FrameId id) {
    const std::vector<FrameId> ids = ids_of(r);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  FindResult r = mem.find("alpha", o);
  EXPECT_EQ(r.hits.size(), 49u);
  EXPECT_FALSE(has(r, 3));
  EXPECT_FALSE(has(r, 4));
  EXPECT_EQ(ids_of(mem.find("gamma", o)), (std::vector<FrameId>{replaced}));
  mem.close();
  // After many more checkpoints the merges purge the dead postings; still never found.
  Memvid again = Memvid::open(path, plain_open());
  for (int round = 0; round < 20; ++round) {
    again.put(doc("alpha round " + std::to_string(round)));
    again.commit();
  }
  r = again.find("alpha", o);
  EXPECT_EQ(r.hits.size(), 69u);
  EXPECT_FALSE(has(r, 3));
  EXPECT_FALSE(has(r, 4));
}

// An agent's loop: a search after every write. The writer reads the frames since the last
// checkpoint as pieces sealed as its searches come and merged as they grow; a reader opening
// the file reads the same frames as one piece. Both must rank every query the same, ids and
// scores to the bit, through rollbacks (of searched and of unsearched writes) and deletes.
TEST(FindTest, SearchingAfterEveryWriteRanksAsAFreshReader) {
  TempDir dir;
  const std::string path = dir.file("loop.mv2");
  Memvid mem = Memvid::create(path, plain_create());
  std::mt19937 rng(11);
  auto text = [&] {
    std::string t;
    for (std::size_t i = 0, n = 3 + rng() % 20; i < n; ++i) t += "w" + std::to_string(rng() % 30) + " ";
    return t;
  };
  const std::vector<std::string> queries = {"w1", "w2 w3", "\"w4 w5\"", "w6 OR w7 OR w8", "w9 -w10", "title:t1 w11"};
  FindOptions o;
  o.k = 8;
  o.snippet_chars = 0;
  std::size_t compared = 0;
  std::set<FrameId> deleted;
  for (int round = 0; round < 160; ++round) {
    const unsigned what = rng() % 10;
    if (what < 7) {
      mem.put(doc(text(), "t" + std::to_string(rng() % 3)));
    } else if (what < 9) {
      mem.begin();
      mem.put(doc(text()));
      if (what == 7) mem.find(queries[rng() % queries.size()], o);  // seals the pending write first
      mem.rollback();
    } else if (mem.frame_count() > 0) {
      const FrameId victim = rng() % mem.frame_count();
      if (deleted.insert(victim).second) mem.delete_frame(victim);
    }
    for (const auto& q : queries) mem.find(q, o);
    if (round % 8 != 7) continue;
    Memvid reader = Memvid::open_read_only(path, plain_open());
    for (const auto& q : queries) {
      const FindResult mine = mem.find(q, o), theirs = reader.find(q, o);
      ASSERT_EQ(ids_of(mine), ids_of(theirs)) << "round " << round << " query " << q;
      for (std::size_t i = 0; i < mine.hits.size(); ++i)
        EXPECT_EQ(mine.hits[i].score, theirs.hits[i].score) << "round " << round << " query " << q << " hit " << i;
      compared += mine.hits.size();
    }
  }
  EXPECT_GT(compared, 500u);
}

TEST(FindTest, OwnTransactionIsSearchableAndRollbackForgetsIt) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("t.mv2"), plain_create());
  mem.put(doc("kept words"));
  mem.begin();
  mem.put(doc("pending words"));
  EXPECT_EQ(mem.find("pending").hits.size(), 1u);
  mem.rollback();
  EXPECT_EQ(mem.find("pending").hits.size(), 0u);
  EXPECT_EQ(mem.find("words").hits.size(), 1u);
  mem.put(doc("after rollback pending"));
  EXPECT_EQ(ids_of(mem.find("pending")), (std::vector<FrameId>{1}));
}

TEST(FindTest, LongDocumentsAreChunkedAndCollapsed) {
  TempDir dir;
  CreateOptions c = plain_create();
  c.chunk_bytes = 200;
  c.chunk_overlap = 20;
  Memvid mem = Memvid::create(dir.file("c.mv2"), c);
  std::string text;
  for (int i = 0; i < 30; ++i) text += "sentence number " + std::to_string(i) + " talks about filler. ";
  text += "The needle hides here. ";
  for (int i = 0; i < 30; ++i) text += "more filler sentence " + std::to_string(i) + ". ";
  mem.put(doc(text, "Long"));
  mem.put(doc("short filler"));
  FindResult r = mem.find("needle");
  ASSERT_EQ(r.hits.size(), 1u);
  const Hit& h = r.hits[0];
  EXPECT_GT(h.chunk_count, 5u);
  EXPECT_GT(h.chunk, 0u);
  const std::string chunk = text.substr(h.chunk_begin, h.chunk_end - h.chunk_begin);
  EXPECT_NE(chunk.find("needle"), std::string::npos);
  EXPECT_NE(h.snippet.find("needle"), std::string::npos);
  FindOptions all;
  all.k = 100;
  EXPECT_EQ(mem.find("filler", all).hits.size(), 2u);  // one hit per document
  all.collapse_chunks = false;
  EXPECT_GT(mem.find("filler", all).hits.size(), 5u);
}

TEST(FindTest, ScopeAndAsOfOptions) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("s.mv2"), plain_create());
  for (int i = 0; i < 6; ++i) {
    Document d = doc("topic " + std::to_string(i), "", 1000 * (i + 1));
    d.uri = (i % 2 ? "mv2://a/" : "mv2://b/") + std::to_string(i);
    mem.put(d);
  }
  FindOptions o;
  o.k = 10;
  o.scope = "mv2://a/";
  EXPECT_EQ(ids_of(mem.find("topic", o)), (std::vector<FrameId>{1, 3, 5}));
  o.scope.clear();
  o.as_of_frame = 2;
  EXPECT_EQ(ids_of(mem.find("topic", o)), (std::vector<FrameId>{0, 1, 2}));
  o.as_of_frame.reset();
  o.as_of_ms = 2000;
  EXPECT_EQ(ids_of(mem.find("topic", o)), (std::vector<FrameId>{0, 1}));
}

TEST(FindTest, EmptyMemoryAndBadOptions) {
  TempDir dir;
  Memvid mem = Memvid::create(dir.file("e.mv2"), plain_create());
  EXPECT_TRUE(mem.find("anything").hits.empty());
  FindOptions o;
  o.mode = SearchMode::Sem;
  EXPECT_THROW(mem.find("x", o), Error);
  o.mode = SearchMode::Auto;
  EXPECT_FALSE(mem.find("x", o).note.empty());
  o.mode = SearchMode::Lex;
  o.k = 1'000'000;
  EXPECT_THROW(mem.find("x", o), Error);
  CreateOptions bad = plain_create();
  bad.language = "klingon";
  EXPECT_THROW(Memvid::create(dir.file("bad.mv2"), bad), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.mv2")));
}

TEST(FindTest, LanguageIsRecordedInTheFile) {
  TempDir dir;
  CreateOptions c;
  c.open = plain_open();
  c.language = "french";
  {
    Memvid mem = Memvid::create(dir.file("fr.mv2"), c);
    mem.put(doc("Les chevaux mangent"));
  }
  Memvid mem = Memvid::open_read_only(dir.file("fr.mv2"), plain_open());
  EXPECT_EQ(mem.find("cheval").hits.size(), 1u);  // French stemming: chevaux -> cheval
}

TEST(FindTest, CommittedFramesAreFoundAfterACrash) {
  TempDir dir;
  const std::string path = dir.file("crash.mv2");
  Corpus corpus;
  std::vector<Document> docs;
  for (int i = 0; i < 400; ++i) docs.push_back(doc(corpus.text(3, 30), "", 1'700'000'000'000 + i));
  {
    Memvid seed = Memvid::create(path, plain_create());
    seed.close();
  }
  // The child commits every document (some checkpoints, the rest only in the WAL) and dies
  // without closing.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      OpenOptions o = plain_open();
      o.sync = SyncMode::Full;
      Memvid mem = Memvid::open(path, o);
      for (std::size_t i = 0; i < docs.size(); ++i) {
        mem.put(docs[i]);
        if (i == 150) mem.commit();
      }
      ::_exit(0);
    } catch (...) {
      ::_exit(1);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  Memvid reference = Memvid::create(dir.file("ref.mv2"), plain_create());
  reference.put_many(docs);
  Memvid recovered = Memvid::open_read_only(path, plain_open());
  EXPECT_GT(recovered.recovery_info().transactions_replayed, 0u);
  for (int i = 0; i < 60; ++i) {
    const std::string q = corpus.text(1, 3);
    FindResult a = recovered.find(q), b = reference.find(q);
    ASSERT_EQ(ids_of(a), ids_of(b)) << q;
    for (std::size_t j = 0; j < a.hits.size(); ++j) EXPECT_EQ(a.hits[j].score, b.hits[j].score);
  }
  // A writer that recovers it checkpoints the replayed frames into a segment: same answers.
  recovered.close();
  {
    Memvid writer = Memvid::open(path, plain_open());
    writer.commit();
  }
  Memvid after = Memvid::open_read_only(path, plain_open());
  for (int i = 0; i < 30; ++i) {
    const std::string q = corpus.text(1, 3);
    EXPECT_EQ(ids_of(after.find(q)), ids_of(reference.find(q))) << q;
  }
}

TEST(FindTest, DamagedIndexSegmentIsReportedAndFramesStillRead) {
  TempDir dir;
  const std::string path = dir.file("dmg.mv2");
  {
    Memvid mem = Memvid::create(path, plain_create());
    std::vector<Document> docs;
    for (int i = 0; i < 200; ++i) docs.push_back(doc("common words here number" + std::to_string(i)));
    mem.put_many(docs);
  }
  // Flip bytes in the middle of the postings region: after the data, before the TOC. Find the
  // segment by its trailer magic.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t trailer = bytes.rfind("MVLXSEG1");
  ASSERT_NE(trailer, std::string::npos);
  bool any_error = false;
  for (std::size_t back : {200u, 600u, 1500u, 3000u}) {
    std::string damaged = bytes;
    damaged[trailer - back] ^= 0x5A;
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << damaged;
    }
    Memvid mem = Memvid::open_read_only(path, plain_open());
    EXPECT_EQ(mem.frame(7).payload, "common words here number7");  // frames are unaffected
    try {
      mem.find("common");
      mem.find("number150");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      any_error = true;
    }
  }
  EXPECT_TRUE(any_error);
}
