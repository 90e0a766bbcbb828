// The boost of a correction (Facts::correct) in find and ask: a correction the query's terms
// match ranks by its score times its boost, in lex and auto modes; one that does not match is
// not pulled in; the top k stays exact under the search's pruning; pages join up; and the
// boost ends with the correction.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "memvid/facts.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;

namespace {

// Vectors of our own (model "custom:test"), so that auto mode fuses two real rankings.
std::vector<float> vec(float a, float b, float c) { return {a, b, c}; }

class CorrectionBoost : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateOptions o;
    o.embedding_model = "custom:test";
    o.embedding_dimension = 3;
    mem_ = std::make_unique<Memvid>(Memvid::create(dir_.file("m.mv2"), o));
    // Short notes that match "Ben Koenig reports" well, and a long correction that matches
    // it less well on its own (BM25 favours short texts).
    for (int i = 0; i < 4; ++i) put("Ben Koenig reports to Chloe Nguyen. Note " + std::to_string(i) + ".", vec(1, 0, 0));
    put("Lunch menu: soup and bread.", vec(0, 1, 0));
  }

  FrameId put(const std::string& text, std::vector<float> v) {
    Document d;
    d.payload = text;
    d.embedding = std::move(v);
    d.embedding_model = "custom:test";
    return mem_->put(d);
  }

  FrameId correct(double boost) {
    Document d;
    d.payload =
        "Ben Koenig reports to Dana Reyes since 2025, as the reorganisation of the platform and infrastructure "
        "groups moved the whole team under the new director of engineering, who took over in January.";
    d.labels = {"correction"};
    d.metadata_json = "{\"correction\":{\"boost\":" + std::to_string(boost) + "}}";
    d.embedding = vec(0.9f, 0.1f, 0);
    d.embedding_model = "custom:test";
    return mem_->put(d);
  }

  std::vector<FrameId> ids(const std::string& q, SearchMode mode, std::size_t k = 10, bool boost = true) {
    FindOptions o;
    o.mode = mode;
    o.k = k;
    o.correction_boost = boost;
    o.semantic_floor.reset();  // three-dimensional vectors: every neighbour counts here
    if (mode != SearchMode::Lex) o.query_vector = vec(1, 0, 0);
    std::vector<FrameId> out;
    for (const Hit& h : mem_->find(q, o).hits) out.push_back(h.id);
    return out;
  }

  mt::TempDir dir_;
  std::unique_ptr<Memvid> mem_;
};

TEST_F(CorrectionBoost, AMatchingCorrectionRanksByItsBoostInLexAndAutoModes) {
  const FrameId weak = correct(1.0);
  for (SearchMode mode : {SearchMode::Lex, SearchMode::Auto}) {
    const auto plain = ids("Ben Koenig reports", mode);
    ASSERT_EQ(plain.size(), mode == SearchMode::Lex ? 5u : 6u);
    EXPECT_NE(plain.front(), weak) << "the long correction should not win on its own";
  }
  mem_->delete_frame(weak);
  const FrameId strong = correct(5.0);
  for (SearchMode mode : {SearchMode::Lex, SearchMode::Auto}) {
    EXPECT_EQ(ids("Ben Koenig reports", mode).front(), strong) << to_string(mode);
    // Switched off, the ranking is the plain one.
    EXPECT_NE(ids("Ben Koenig reports", mode, 10, false).front(), strong) << to_string(mode);
  }
  // Semantic mode ranks by meaning alone: no boost.
  EXPECT_NE(ids("Ben Koenig reports", SearchMode::Sem).front(), strong);
}

TEST_F(CorrectionBoost, ACorrectionTheQueryDoesNotMatchIsNotPulledIn) {
  const FrameId c = correct(1000.0);
  const auto lex = ids("lunch soup", SearchMode::Lex);
  EXPECT_EQ(std::count(lex.begin(), lex.end(), c), 0);
  // Auto: it may come as a semantic neighbour, but never above the text that matches.
  const auto fused = ids("lunch soup", SearchMode::Auto);
  ASSERT_FALSE(fused.empty());
  EXPECT_NE(fused.front(), c);
}

TEST_F(CorrectionBoost, PagesJoinUpIntoTheSameRanking) {
  correct(2.5);
  for (SearchMode mode : {SearchMode::Lex, SearchMode::Auto}) {
    const auto whole = ids("Ben Koenig reports Chloe", mode, 10);
    std::vector<FrameId> paged;
    FindOptions o;
    o.mode = mode;
    o.k = 1;
    o.semantic_floor.reset();
    if (mode != SearchMode::Lex) o.query_vector = vec(1, 0, 0);
    for (;;) {
      const FindResult r = mem_->find("Ben Koenig reports Chloe", o);
      for (const Hit& h : r.hits) paged.push_back(h.id);
      if (r.next_cursor.empty()) break;
      o.cursor = r.next_cursor;
    }
    EXPECT_EQ(paged, whole) << to_string(mode);
  }
}

TEST_F(CorrectionBoost, TheTopKStaysExactWhereTheSearchSkipsDocuments) {
  // Enough matching documents that the pruning skips most, and the correction deep in the
  // plain BM25 order: the boosted top 5 must be the top 5 of the full boosted ranking.
  std::vector<Document> docs;
  for (int i = 0; i < 3000; ++i) {
    Document d;
    d.payload = "Koenig " + std::string(i % 7 == 0 ? "reports " : "") + "weekly status " + std::to_string(i);
    d.embedding = vec(0, 0, 1);
    d.embedding_model = "custom:test";
    docs.push_back(std::move(d));
  }
  mem_->put_many(docs);
  const FrameId c = correct(3.0);
  const auto top = ids("Koenig reports", SearchMode::Lex, 5);
  const auto all = ids("Koenig reports", SearchMode::Lex, 4000);
  ASSERT_GE(all.size(), 5u);
  EXPECT_EQ(top, std::vector<FrameId>(all.begin(), all.begin() + 5));
  EXPECT_EQ(top.front(), c);
  const auto plain = ids("Koenig reports", SearchMode::Lex, 4000, false);
  EXPECT_GT(std::find(plain.begin(), plain.end(), c) - plain.begin(), 5);
}

TEST_F(CorrectionBoost, AskCitesTheMatchingCorrectionFirst) {
  const FrameId c = correct(4.0);
  AskOptions o;
  o.mode = SearchMode::Lex;
  const AskResult r = mem_->ask("Who does Ben Koenig report to?", o);
  ASSERT_FALSE(r.sources.empty());
  EXPECT_EQ(r.sources.front().id, c);
}

TEST_F(CorrectionBoost, TheBoostEndsWithTheCorrectionAndNeedsItsMetadata) {
  const FrameId c = correct(5.0);
  ASSERT_EQ(ids("Ben Koenig reports", SearchMode::Lex).front(), c);
  mem_->delete_frame(c);
  const auto after = ids("Ben Koenig reports", SearchMode::Lex);
  EXPECT_EQ(std::count(after.begin(), after.end(), c), 0);
  // Labelled "correction" by hand, without a boost in its metadata: ranked as any frame.
  Document d;
  d.payload =
      "Ben Koenig reports to Dana Reyes since 2025, as the reorganisation of the platform and infrastructure "
      "groups moved the whole team under the new director of engineering, who took over in January.";
  d.labels = {"correction"};
  d.embedding = vec(0.9f, 0.1f, 0);
  d.embedding_model = "custom:test";
  const FrameId plain = mem_->put(d);
  EXPECT_NE(ids("Ben Koenig reports", SearchMode::Lex).front(), plain);
  // Through Facts::correct, with the default boost (2).
  const Correction made = Facts(*mem_).correct("Ben Koenig reports to Dana Reyes since 2025");
  EXPECT_EQ(ids("Ben Koenig reports", SearchMode::Lex).front(), made.frame);
}

}  // namespace
