#pragma once
// Hybrid ranking: fuses a lexical (BM25) and a semantic (cosine) candidate list into one.
// Linear fusion (the default) min-max normalizes BM25 over the lexical list and the exact
// cosine over the union of both lists, then weighs them; with word-vector embeddings it
// beats reciprocal rank fusion by a wide margin, which ignores how far apart scores are.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "memvid/types.hpp"

namespace memvid::search {

struct RankedCandidate {
  std::uint64_t frame = 0;
  double score = 0;  // BM25 or cosine
};

struct FusedHit {
  std::uint64_t frame = 0;
  double score = 0;
  std::optional<double> lexical;  // BM25, when the lexical list had the frame
  bool semantic = false;          // the semantic list had the frame
  double cosine = 0;              // exact cosine with the query (0 when the frame has no vector)
  bool has_cosine = false;        // the frame has a vector (cosine is its score)
};

// lexical and semantic: best first. cosine(frame): the exact cosine, or nullopt when the
// frame has no vector. Result: best first, equal scores by ascending frame. When the
// lexical list is empty the semantic list is returned as is (scored by cosine).
std::vector<FusedHit> fuse(const std::vector<RankedCandidate>& lexical, const std::vector<RankedCandidate>& semantic,
                           const std::function<std::optional<double>(std::uint64_t)>& cosine, Fusion fusion,
                           double semantic_weight);

}  // namespace memvid::search
