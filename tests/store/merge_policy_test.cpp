#include "store/merge_policy.hpp"

#include <gtest/gtest.h>

using namespace memvid::store;

namespace {
// Simulates n checkpoints of one entry each and returns the final segment sizes.
std::vector<std::uint64_t> simulate(int n, std::uint64_t* rewritten) {
  std::vector<std::uint64_t> sizes;
  for (int i = 0; i < n; ++i) {
    sizes.push_back(1);
    std::vector<std::uint64_t> next;
    for (const MergeGroup& g : plan_segment_merges(sizes)) {
      std::uint64_t total = 0;
      for (std::size_t s : g) total += sizes[s];
      if (g.size() > 1 || g[0] == sizes.size() - 1) *rewritten += total;
      next.push_back(total);
    }
    sizes = next;
  }
  return sizes;
}
}  // namespace

TEST(MergePolicy, KeepsSegmentCountLogarithmic) {
  std::uint64_t rewritten = 0;
  auto sizes = simulate(20000, &rewritten);
  std::uint64_t total = 0;
  for (auto s : sizes) total += s;
  EXPECT_EQ(total, 20000u);
  EXPECT_LE(sizes.size(), (kFanIn - 1) * 6);  // 8^5 > 20000: at most 7 per tier
  // Each entry is rewritten about log8(n) times, not n times.
  EXPECT_LE(rewritten, 20000u * 8);
  for (std::size_t i = 1; i < sizes.size(); ++i) EXPECT_GE(sizes[i - 1], sizes[i]);
}

TEST(MergePolicy, LargeNewSegmentAbsorbsSmallerOlderOnes) {
  auto groups = plan_segment_merges({5, 3, 1000});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0], (MergeGroup{0, 1, 2}));
}

TEST(MergePolicy, KeepsExistingSegmentsWhenNothingIsDue) {
  auto groups = plan_segment_merges({5000, 300, 20, 1});
  ASSERT_EQ(groups.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(groups[i], MergeGroup{i});
}
