#pragma once
// Which TOC segments to merge at a checkpoint. Sizes are kept non-increasing from the oldest
// segment to the newest (a newer segment larger than its predecessor is merged into it), and
// when kFanIn segments share a size tier (powers of kFanIn) they become one. So a memory has
// at most (kFanIn - 1) segments per tier, and an entry is rewritten about log_kFanIn(n) times:
// a commit's TOC cost stays proportional to what it changed, amortized.
#include <cstdint>
#include <vector>

namespace memvid::store {

inline constexpr std::uint64_t kFanIn = 8;

// A planned segment: the indexes (into the input list) of the segments it is made from.
// A group of exactly one index is an existing segment kept as it is.
using MergeGroup = std::vector<std::size_t>;

// sizes: entry counts, oldest first; the last one is the segment this checkpoint adds.
std::vector<MergeGroup> plan_segment_merges(const std::vector<std::uint64_t>& sizes);

}  // namespace memvid::store
