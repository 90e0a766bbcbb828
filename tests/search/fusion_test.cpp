// The hybrid fusion formulas, checked against hand computations.
#include <gtest/gtest.h>

#include <map>

#include "search/fusion.hpp"
#include "search/query.hpp"

using namespace memvid;
using namespace memvid::search;

namespace {
std::function<std::optional<double>(std::uint64_t)> cosines(std::map<std::uint64_t, double> m) {
  return [m](std::uint64_t f) -> std::optional<double> {
    auto it = m.find(f);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST(FusionTest, LinearNormalizesBothScalesAndWeighsThem) {
  // BM25: frame 1 = 10, frame 2 = 6, frame 3 = 2 -> normalized 1, 0.5, 0.
  // Cosines over the union {1, 2, 3, 4}: 0.2, 0.6, 0.4, 1.0 -> normalized 0, 0.5, 0.25, 1.
  std::vector<RankedCandidate> lex = {{1, 10}, {2, 6}, {3, 2}};
  std::vector<RankedCandidate> sem = {{4, 1.0}, {2, 0.6}};
  auto out = fuse(lex, sem, cosines({{1, 0.2}, {2, 0.6}, {3, 0.4}, {4, 1.0}}), Fusion::Linear, 0.2);
  ASSERT_EQ(out.size(), 4u);
  std::map<std::uint64_t, FusedHit> by;
  for (const auto& h : out) by[h.frame] = h;
  EXPECT_NEAR(by[1].score, 0.8 * 1 + 0.2 * 0, 1e-12);
  EXPECT_NEAR(by[2].score, 0.8 * 0.5 + 0.2 * 0.5, 1e-12);
  EXPECT_NEAR(by[3].score, 0.8 * 0 + 0.2 * 0.25, 1e-12);
  EXPECT_NEAR(by[4].score, 0.8 * 0 + 0.2 * 1, 1e-12);
  EXPECT_EQ(out[0].frame, 1u);
  EXPECT_EQ(out[1].frame, 2u);
  EXPECT_EQ(out[2].frame, 4u);
  EXPECT_EQ(out[3].frame, 3u);
  EXPECT_TRUE(by[2].lexical && by[2].semantic);
  EXPECT_FALSE(by[4].lexical.has_value());
  EXPECT_FALSE(by[3].semantic);
  EXPECT_NEAR(by[3].cosine, 0.4, 1e-12);
}

TEST(FusionTest, MissingVectorsScoreZeroOnTheSemanticSide) {
  std::vector<RankedCandidate> lex = {{1, 5}, {2, 5}};
  auto out = fuse(lex, {}, cosines({{2, 0.9}}), Fusion::Linear, 0.5);
  ASSERT_EQ(out.size(), 2u);
  // Equal BM25 (normalized to 1); frame 2's cosine is the only one, so it normalizes to 1.
  EXPECT_EQ(out[0].frame, 2u);
  EXPECT_NEAR(out[0].score, 1.0, 1e-12);
  EXPECT_NEAR(out[1].score, 0.5, 1e-12);
}

TEST(FusionTest, EmptyLexicalListReturnsTheSemanticList) {
  std::vector<RankedCandidate> sem = {{7, 0.9}, {3, 0.5}, {5, 0.5}};
  auto out = fuse({}, sem, cosines({}), Fusion::Linear, 0.2);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].frame, 7u);
  EXPECT_NEAR(out[0].score, 0.9, 1e-12);
  EXPECT_EQ(out[1].frame, 3u);  // ties by ascending frame
  EXPECT_EQ(out[2].frame, 5u);
}

TEST(FusionTest, ReciprocalRankFusionSumsOneOverSixtyPlusRank) {
  std::vector<RankedCandidate> lex = {{1, 9}, {2, 8}};
  std::vector<RankedCandidate> sem = {{2, 0.9}, {3, 0.8}};
  auto out = fuse(lex, sem, cosines({{1, 0.1}}), Fusion::Rrf, 0.2);
  std::map<std::uint64_t, double> by;
  for (const auto& h : out) by[h.frame] = h.score;
  EXPECT_NEAR(by[1], 1.0 / 61, 1e-15);
  EXPECT_NEAR(by[2], 1.0 / 62 + 1.0 / 61, 1e-15);
  EXPECT_NEAR(by[3], 1.0 / 62, 1e-15);
  EXPECT_EQ(out[0].frame, 2u);
}

TEST(FusionTest, QueriesWithConstraintsAreNotFreeText) {
  auto free = [](const char* q) { return is_free_text(*parse_query(q).root); };
  EXPECT_TRUE(free("solar heat pump"));
  EXPECT_TRUE(free("\"heat pump\" solar title:guide"));
  EXPECT_FALSE(free("solar AND pump"));
  EXPECT_FALSE(free("solar -gas"));
  EXPECT_FALSE(free("+solar pump"));
  EXPECT_FALSE(free("tag:energy"));
  EXPECT_FALSE(free("pump date:[2024-01-01 TO *]"));
  EXPECT_FALSE(free("uri:mv2://x pump"));
}
