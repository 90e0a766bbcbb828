// The relevance floor for semantic-only hits (memory/semantic_floor.hpp).
#include "memory/semantic_floor.hpp"

#include <algorithm>
#include <cmath>

#include "index/vec/vec_format.hpp"

namespace memvid::find {

double semantic_floor(std::span<const float> q, const std::vector<float>& sample, double z, double min_cosine) {
  const std::size_t dim = q.size();
  const std::size_t rows = dim == 0 ? 0 : sample.size() / dim;
  if (rows < kMinSampleRows) return min_cosine;
  double sum = 0, sum_sq = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const double c = index::vec::dot(sample.data() + r * dim, q.data(), dim);
    sum += c;
    sum_sq += c * c;
  }
  const double mean = sum / static_cast<double>(rows);
  const double deviation = std::sqrt(std::max(0.0, sum_sq / static_cast<double>(rows) - mean * mean));
  // The deviations say where the typical text ends when cosines spread roughly normally. In
  // few dimensions, or on a memory of near-identical texts, they spread wide and bounded, and
  // mean + 3 deviations can pass 1, above even an exact match: the floor stops halfway from
  // the mean to 1, which a text is only when it is far closer to the query than the typical one.
  const double halfway = mean + (1 - mean) / 2;
  return std::max(min_cosine, std::min(mean + z * deviation, halfway));
}

}  // namespace memvid::find
