#pragma once
// The three jobs of Memvid::find (memory/find.cpp), each in its own file:
//   find_cursor     the page a request asks for: cursors (encode, decode, the query
//                   fingerprint that binds them to one query);
//   find_retrieval  which frames rank, and how: the query vector, the filters every retriever
//                   applies, the lexical, semantic or fused ranking, duplicates, one page;
//   find_hits       a ranked frame turned into a Hit: metadata, the matched passage's range
//                   and page, the highlighted snippet.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "memory/memvid_impl.hpp"
#include "search/searcher.hpp"

namespace memvid::find {

// One entry of a ranking, before its hit is filled in from the frame.
struct Ranked {
  std::uint64_t frame = 0;
  double score = 0;
  std::uint32_t chunk = 0;
  std::uint32_t chunk_count = 1;
  bool lexical = false, semantic = false;
  std::optional<double> lexical_score, semantic_score;
  std::vector<std::uint64_t> duplicate_ids;  // copies of its content ranked after it
};

// ---- find_cursor

// A short hash of the query and every option that changes the ranking: a cursor carries it,
// so that it cannot be replayed against another query by mistake.
std::string query_fingerprint(std::string_view query, const FindOptions& options);
std::string encode_cursor(const search::RankKey& key, std::size_t rank, const std::string& fingerprint);
struct DecodedCursor {
  search::RankKey key;
  std::size_t rank = 0;
};
// InvalidArgument for a malformed cursor or one of another query.
DecodedCursor decode_cursor(const std::string& cursor, const std::string& fingerprint);

// ---- find_retrieval

struct Retrieval {
  std::vector<Ranked> page;
  bool more = false;                      // another page follows
  std::vector<std::string> match_terms;   // the analyzed terms to highlight
  SearchMode mode_used = SearchMode::Lex;
  std::string note;                       // why a requested mode was not used, how the query was read
  std::uint64_t total_hits = 0;           // distinct hits ranked (all of them when total_exact)
  bool total_exact = false;
  std::optional<double> semantic_floor;   // the cosine semantic-only hits had to reach
};

// The page of ranked frames for query: from rank base_rank (options.offset, or the cursor's
// rank), or after the cursor's key where BM25 pages itself.
Retrieval retrieve(const Memvid::Impl& impl, std::string_view query, const FindOptions& options,
                   const std::optional<search::RankKey>& after, std::size_t base_rank);

// ---- metadata filters (find_retrieval)

// The frame's metadata object ({} when it has none, or its record was vacuumed), cached.
const nlohmann::json& frame_metadata(const Memvid::Impl& impl, std::uint64_t frame);

// ---- correction_boosts

// The boosts of the memory's active corrections, read again only when the memory changed.
const CorrectionBoosts& correction_boosts(const Memvid::Impl& impl);

// ---- find_hits

Hit assemble_hit(const Memvid::Impl& impl, const Ranked& ranked, std::size_t rank,
                 const std::unordered_set<std::string>& terms, std::size_t snippet_chars, TextUnit offset_unit);

}  // namespace memvid::find
