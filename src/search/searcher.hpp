#pragma once
// Ranked retrieval over a memory's lexical segments: compiles a parsed query into scorers
// per segment and collects the top k with MaxScore dynamic pruning, refined by per-block
// score bounds, so that long posting lists are mostly skipped rather than scored.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "index/search_index.hpp"
#include "search/query.hpp"

namespace memvid::search {


// A position in the ranking (score descending, then frame, then chunk ascending): a page
// starts strictly after it.
struct RankKey {
  double score = 0;
  std::uint64_t frame = 0;
  std::uint32_t chunk = 0;
};

struct SearchRequest {
  const Node* root = nullptr;
  std::size_t k = 10;
  std::size_t offset = 0;
  std::optional<RankKey> after;
  bool collapse_chunks = true;
  double title_weight = 2.0;
  std::string scope;  // uri prefix
  std::optional<std::uint64_t> as_of_frame;
  std::optional<std::int64_t> as_of_ms;
  std::optional<std::int64_t> since_ms;
  // A factor on the scores of some frames (corrections' boosts): a frame's score is its BM25
  // score times boost(frame). max_boost (at least every factor, and at least 1) scales the
  // score bounds that let the search skip documents, so the top k stays exact.
  std::function<double(std::uint64_t frame)> boost;
  double max_boost = 1;
  // Only frames this admits (the caller's `where`); null: all.
  std::function<bool(std::uint64_t frame)> accept;
  // A frame's metadata object, for `meta.` clauses; null: they match nothing.
  std::function<const nlohmann::json&(std::uint64_t frame)> metadata;
};

struct RawHit {
  std::uint64_t frame = 0;
  double score = 0;
  std::uint32_t chunk = 0;
  std::uint32_t chunk_count = 1;
};

struct SearchResult {
  std::vector<RawHit> hits;
  bool more = false;                     // another page exists
  std::vector<std::string> match_terms;  // analyzed terms a snippet should highlight
};

// What the engine asks of the memory about frames.
struct FrameFacts {
  std::function<bool(std::uint64_t frame)> live;
  std::function<std::int64_t(std::uint64_t frame)> timestamp;
  std::uint64_t change_counter = 0;  // changes when liveness may have changed
};

class Searcher {
 public:
  SearchResult search(const index::SearchIndex& index, const FrameFacts& facts, const SearchRequest& request);

 private:
  // Whether a document's frame is live, asked of the memory the first time a query reaches
  // the document and kept until liveness may have changed: a query on a large memory asks
  // about its candidates, not about every document.
  struct LiveCache {
    std::uint64_t counter = 0;
    std::weak_ptr<const index::LexSegment> segment;
    std::vector<std::uint8_t> state;  // 0 not asked yet, 1 live, 2 not live
  };
  LiveCache& live_docs(const std::shared_ptr<const index::LexSegment>& segment, const FrameFacts& facts);
  std::unordered_map<const index::LexSegment*, LiveCache> live_cache_;
};

}  // namespace memvid::search
