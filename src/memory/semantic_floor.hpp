#pragma once
// The relevance floor for hits found by meaning alone (FindOptions::semantic_floor). Nearest
// neighbours always exist, however unrelated the query, so a cosine means something only next
// to what the query scores against any vector of this memory: the floor is the query's mean
// cosine with a fixed sample of the memory's vectors plus z of their standard deviations. That
// adapts to the embedding model (the built-in model's unrelated texts score around 0.0-0.2,
// a transformer's around 0.1-0.3) and to the corpus, where a fixed cosine would not.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace memvid {

// The sample's rows, taken again only when the memory changed.
struct SemanticSample {
  std::uint64_t counter = ~0ull;  // the store's change counter they were taken at
  std::vector<float> rows;        // unit vectors, dimension floats each
};

namespace find {

// Rows the floor is estimated from: enough for a stable mean and deviation (the standard
// error of a deviation from 512 values is about 3%), few enough to cost ~0.02 ms a query.
inline constexpr std::size_t kSemanticSampleRows = 512;
// Below this many vectors the statistics say little: only the least cosine applies.
inline constexpr std::size_t kMinSampleRows = 32;

// The cosine a hit found by meaning alone must reach for unit query q: at least min_cosine,
// and at least mean + z * deviation of q's cosines with sample's rows (when it has enough),
// but never above halfway from that mean to 1.
double semantic_floor(std::span<const float> q, const std::vector<float>& sample, double z, double min_cosine);

}  // namespace find
}  // namespace memvid
