#pragma once
// The boosts of corrections (`memvid correct`, Facts::correct): frames labelled "correction"
// whose metadata holds correction.boost. find multiplies a matching correction's score by its
// boost (docs/FACTS.md), so the boosts are looked up once per change of the memory: the frames
// come from the lexical index's postings of the label, the boost from each frame's metadata.
#include <cstdint>
#include <unordered_map>

namespace memvid {

struct CorrectionBoosts {
  std::uint64_t counter = ~0ull;  // the store's change counter they were read at
  std::unordered_map<std::uint64_t, double> boost;  // active corrections only
  double max = 1;  // at least 1: the factor by which a score bound must grow
};

}  // namespace memvid
