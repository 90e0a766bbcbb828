// Memvid::find: runs the lexical engine, the vector index, or both fused (search/fusion.hpp),
// and turns ranked frame ids into hits with metadata and highlighted snippets.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "format/blake3.hpp"
#include "format/bytes.hpp"
#include "memory/memvid_impl.hpp"
#include "index/vec_format.hpp"
#include "search/fusion.hpp"
#include "search/query.hpp"
#include "search/snippet.hpp"
#include "ingest/pages.hpp"
#include "text/chunker.hpp"

namespace memvid {

namespace {

constexpr std::size_t kMaxK = 10000;
constexpr std::size_t kMaxOffset = 100000;
constexpr std::size_t kMaxSnippetChars = 100000;

// A cursor names the last hit of a page (its rank key and rank) and the query it belongs to,
// so it cannot be replayed against another query by mistake.
std::string query_fingerprint(std::string_view query, const FindOptions& o) {
  format::Blake3 h;
  h.update(query.data(), query.size());
  std::string extra = std::string(o.collapse_chunks ? "c" : "n") + "|" + o.scope + "|" +
                      std::to_string(o.title_weight) + "|" + (o.as_of_frame ? std::to_string(*o.as_of_frame) : "") +
                      "|" + (o.as_of_ms ? std::to_string(*o.as_of_ms) : "");
  extra += "|" + std::string(to_string(o.mode)) + "|" + std::string(to_string(o.fusion)) + "|" +
           std::to_string(o.semantic_weight) + "|" + std::to_string(o.candidates) + "|" + std::to_string(o.ef_search) +
           "|" + std::to_string(o.nprobe) + "|";
  h.update(extra.data(), extra.size());
  h.update(o.query_vector.data(), o.query_vector.size() * sizeof(float));
  std::uint8_t out[6];
  h.finalize(out, sizeof out);
  char hex[13];
  for (int i = 0; i < 6; ++i) std::snprintf(hex + 2 * i, 3, "%02x", out[i]);
  return std::string(hex, 12);
}

std::string encode_cursor(const search::RankKey& key, std::size_t rank, const std::string& fingerprint) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "c1.%016llx.%llu.%u.%zu.", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(key.score)),
                static_cast<unsigned long long>(key.frame), key.chunk, rank);
  return buf + fingerprint;
}

struct DecodedCursor {
  search::RankKey key;
  std::size_t rank = 0;
};

DecodedCursor decode_cursor(const std::string& cursor, const std::string& fingerprint) {
  const Error bad(ErrorCode::InvalidArgument, "invalid cursor '" + cursor.substr(0, 80) +
                                                  "': pass next_cursor from a previous find with the same query");
  unsigned long long bits = 0, frame = 0;
  unsigned chunk = 0;
  std::size_t rank = 0;
  char fp[32] = {0};
  int consumed = 0;
  if (cursor.size() > 100 ||
      std::sscanf(cursor.c_str(), "c1.%16llx.%llu.%u.%zu.%12[0-9a-f]%n", &bits, &frame, &chunk, &rank, fp, &consumed) != 5 ||
      static_cast<std::size_t>(consumed) != cursor.size())
    throw bad;
  if (fingerprint != fp)
    throw Error(ErrorCode::InvalidArgument, "the cursor belongs to a different query or options; start again without it");
  DecodedCursor d;
  d.key.score = std::bit_cast<double>(static_cast<std::uint64_t>(bits));
  d.key.frame = frame;
  d.key.chunk = chunk;
  d.rank = rank;
  return d;
}

// One entry of a ranking, before its hit is filled in from the frame.
struct Ranked {
  std::uint64_t frame = 0;
  double score = 0;
  std::uint32_t chunk = 0;
  std::uint32_t chunk_count = 1;
  bool lexical = false, semantic = false;
  double lexical_score = 0, semantic_score = 0;
};

bool after_key(const Ranked& r, const search::RankKey& key) {
  return r.score < key.score || (r.score == key.score && (r.frame > key.frame || (r.frame == key.frame && r.chunk > key.chunk)));
}

// A page of a complete ranking: by cursor key or by offset; more: another page exists.
std::vector<Ranked> page_of(std::vector<Ranked> all, const std::optional<search::RankKey>& after, std::size_t offset,
                            std::size_t k, bool& more) {
  std::size_t begin = 0;
  if (after) {
    while (begin < all.size() && !after_key(all[begin], *after)) ++begin;
  } else {
    begin = std::min(offset, all.size());
  }
  const std::size_t end = std::min(all.size(), begin + k);
  more = end < all.size();
  return {all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(end)};
}

}  // namespace

namespace {

// The page of a paged document holding the hit: where its first matched word is (a passage
// may start at the foot of the previous page), else where the passage starts.
std::uint32_t hit_page(std::string_view metadata_json, std::string_view text, const Hit& h,
                       const std::unordered_set<std::string>& terms, const text::Analyzer& analyzer) {
  std::uint64_t at = h.chunk_begin;
  if (ingest::page_at(metadata_json, at) == 0) return 0;
  std::vector<text::Token> tokens;
  analyzer.analyze(text.substr(h.chunk_begin, h.chunk_end - h.chunk_begin), tokens);
  for (const text::Token& t : tokens) {
    if (terms.count(t.term) == 0) continue;
    at = h.chunk_begin + t.begin;
    break;
  }
  return ingest::page_at(metadata_json, at);
}

}  // namespace

FindResult Memvid::find(std::string_view query, const FindOptions& options) const {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(impl_->mu);
  const store::Store& s = impl_->s();
  if (options.k > kMaxK) throw Error(ErrorCode::InvalidArgument, "k must be at most " + std::to_string(kMaxK));
  if (options.offset > kMaxOffset)
    throw Error(ErrorCode::InvalidArgument, "offset must be at most " + std::to_string(kMaxOffset) + " (use the cursor)");
  if (options.snippet_chars > kMaxSnippetChars)
    throw Error(ErrorCode::InvalidArgument, "snippet_chars must be at most " + std::to_string(kMaxSnippetChars));
  if (!(options.title_weight >= 0 && options.title_weight <= 100))
    throw Error(ErrorCode::InvalidArgument, "title_weight must be between 0 and 100");
  if (!(options.semantic_weight >= 0 && options.semantic_weight <= 1))
    throw Error(ErrorCode::InvalidArgument, "semantic_weight must be between 0 and 1");
  if (options.candidates == 0 || options.candidates > kMaxK)
    throw Error(ErrorCode::InvalidArgument, "candidates must be between 1 and " + std::to_string(kMaxK));
  if (options.ef_search == 0 || options.ef_search > 4096 || options.nprobe == 0 || options.nprobe > 65536)
    throw Error(ErrorCode::InvalidArgument, "ef_search must be between 1 and 4096 and nprobe between 1 and 65536");

  FindResult result;
  const std::string fingerprint = query_fingerprint(query, options);
  std::optional<search::RankKey> after;
  std::size_t base_rank = options.offset;
  if (!options.cursor.empty()) {
    DecodedCursor c = decode_cursor(options.cursor, fingerprint);
    after = c.key;
    base_rank = c.rank;
  }
  // How deep a ranking must go for this page (and one more entry, to know whether another
  // page follows).
  const std::size_t depth = base_rank + options.k + 1;

  // The semantic side: a unit query vector, or the reason there is none.
  const index::VectorIndex& vectors = impl_->index->vectors();
  const std::string& model = impl_->model();
  std::vector<float> qvec;
  std::string no_semantic;
  ErrorCode no_semantic_code = ErrorCode::ModelUnavailable;
  if (options.mode != SearchMode::Lex) {
    if (model.empty()) {
      no_semantic = "this memory has no embedding model (it was created with embedding model 'none')";
      no_semantic_code = ErrorCode::InvalidArgument;
    } else if (!options.query_vector.empty()) {
      if (!options.query_vector_model.empty() && options.query_vector_model != model)
        throw Error(ErrorCode::ModelMismatch, s.path() + " holds vectors of " + model +
                                                  "; the query vector comes from " + options.query_vector_model);
      vectors.check_dimension(options.query_vector.size());
      qvec = index::normalized(options.query_vector);
    } else if (EmbeddingProvider* provider = impl_->embedder.get(model)) {
      std::vector<float> v = provider->embed_query(query);
      vectors.check_dimension(v.size());
      qvec = index::normalized(v);
    } else {
      no_semantic = impl_->embedder.unavailable_reason();
    }
    // A query with no known word embeds to zero: it is near nothing.
    if (std::all_of(qvec.begin(), qvec.end(), [](float x) { return x == 0; })) qvec.clear();
    if (!qvec.empty() && vectors.vector_count() == 0 && options.mode == SearchMode::Auto) {
      no_semantic = "no document in this memory has a vector yet";
      qvec.clear();
    }
  }
  SearchMode mode = options.mode;
  if (mode == SearchMode::Sem && qvec.empty() && !no_semantic.empty())
    throw Error(no_semantic_code, "semantic search is unavailable: " + no_semantic);
  if (mode == SearchMode::Auto && !no_semantic.empty()) {
    mode = SearchMode::Lex;
    result.note = "auto: " + no_semantic + "; lexical search was used";
  }
  result.mode_used = mode;

  // Filters every retriever applies: liveness, as-of, scope.
  auto accept = [&](std::uint64_t f) {
    if (options.as_of_frame && f > *options.as_of_frame) return false;
    const format::TocEntry& e = s.entry(f);
    if (e.status != static_cast<std::uint8_t>(FrameStatus::Active)) return false;
    if (options.as_of_ms && e.timestamp_ms > *options.as_of_ms) return false;
    if (!options.scope.empty()) {
      const format::FrameRecord rec = s.read_record(e);
      if (rec.meta.uri.compare(0, options.scope.size(), options.scope) != 0) return false;
    }
    return true;
  };
  index::VecSearchOptions vec_options;
  vec_options.ef_search = options.ef_search;
  vec_options.nprobe = options.nprobe;
  // The nearest frames by exact cosine: compressed segments give approximate scores, so they
  // are asked for ten times more (at least 100; 4x gave recall@10 0.70 on clustered data,
  // 10x 0.90) and re-ranked with the frames' own vectors.
  auto semantic_ranking = [&](std::size_t n) {
    if (qvec.empty()) return std::vector<search::RankedCandidate>{};
    const std::size_t fetch = vectors.compression() ? std::min<std::size_t>(std::max<std::size_t>(10 * n, 100), kMaxK) : n;
    auto hits = vectors.search(qvec, fetch, accept, vec_options);
    std::vector<search::RankedCandidate> out;
    for (const index::VecHit& h : hits) {
      double score = h.score;
      if (vectors.compression()) {
        auto exact = vectors.exact_vector(h.frame);
        score = 0;
        if (exact.size() == qvec.size()) score = index::vec::dot(exact.data(), qvec.data(), qvec.size());
      }
      out.push_back({h.frame, score});
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.score != b.score ? a.score > b.score : a.frame < b.frame;
    });
    if (out.size() > n) out.resize(n);
    return out;
  };

  std::vector<Ranked> page;
  bool more = false;
  std::vector<std::string> match_terms;
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> best_chunk;  // frame -> (chunk, count)
  search::FrameFacts facts;
  facts.live = [&](std::uint64_t f) { return s.entry(f).status == static_cast<std::uint8_t>(FrameStatus::Active); };
  facts.timestamp = [&](std::uint64_t f) { return s.entry(f).timestamp_ms; };
  facts.change_counter = s.change_counter();
  search::SearchRequest req;
  req.collapse_chunks = options.collapse_chunks;
  req.title_weight = options.title_weight;
  req.scope = options.scope;
  req.as_of_frame = options.as_of_frame;
  req.as_of_ms = options.as_of_ms;

  std::optional<search::Query> parsed;
  if (mode != SearchMode::Sem) {
    parsed = search::parse_query(query);
    req.root = parsed->root.get();
  } else {
    match_terms = impl_->index->analyzer().terms(query);
  }

  if (mode == SearchMode::Lex) {
    req.k = options.k;
    req.offset = options.offset;
    req.after = after;
    search::SearchResult found = impl_->searcher.search(*impl_->index, facts, req);
    match_terms = std::move(found.match_terms);
    more = found.more;
    for (const search::RawHit& h : found.hits)
      page.push_back({h.frame, h.score, h.chunk, h.chunk_count, true, false, h.score, 0});
  } else if (mode == SearchMode::Sem) {
    std::vector<Ranked> all;
    for (const auto& c : semantic_ranking(depth)) all.push_back({c.frame, c.score, 0, 1, false, true, 0, c.score});
    page = page_of(std::move(all), after, options.offset, options.k, more);
  } else {
    const std::size_t n = std::max(options.candidates, depth);
    req.k = n;
    req.collapse_chunks = true;  // fusion ranks documents
    search::SearchResult found = impl_->searcher.search(*impl_->index, facts, req);
    match_terms = std::move(found.match_terms);
    std::vector<search::RankedCandidate> lexical;
    for (const search::RawHit& h : found.hits) {
      lexical.push_back({h.frame, h.score});
      best_chunk[h.frame] = {h.chunk, h.chunk_count};
    }
    // A constrained query (filters, AND, NOT...) keeps its result set: the semantic side then
    // only re-scores the lexical candidates.
    const bool free_text = parsed->root && search::is_free_text(*parsed->root);
    auto fused = search::fuse(
        lexical, free_text ? semantic_ranking(n) : std::vector<search::RankedCandidate>{},
        [&](std::uint64_t f) -> std::optional<double> {
          auto v = vectors.exact_vector(f);
          if (v.size() != qvec.size()) return std::nullopt;
          return index::vec::dot(v.data(), qvec.data(), v.size());
        },
        options.fusion, options.semantic_weight);
    std::vector<Ranked> all;
    for (const search::FusedHit& f : fused) {
      auto bc = best_chunk.find(f.frame);
      Ranked r{f.frame, f.score, 0, 1, f.lexical.has_value(), f.semantic, f.lexical.value_or(0), f.cosine};
      if (bc != best_chunk.end()) r.chunk = bc->second.first, r.chunk_count = bc->second.second;
      all.push_back(r);
    }
    page = page_of(std::move(all), after, options.offset, options.k, more);
  }

  const std::unordered_set<std::string> terms(match_terms.begin(), match_terms.end());
  for (std::size_t i = 0; i < page.size(); ++i) {
    const Ranked& raw = page[i];
    const format::TocEntry& e = s.entry(raw.frame);
    format::FrameRecord rec = s.read_record(e);
    Hit h;
    h.id = raw.frame;
    h.score = raw.score;
    h.rank = base_rank + i + 1;
    h.kind = static_cast<FrameKind>(e.kind);
    h.timestamp_ms = e.timestamp_ms;
    h.title = rec.meta.title;
    h.uri = rec.meta.uri;
    h.tags = rec.meta.tags;
    h.labels = rec.meta.labels;
    h.chunk = raw.chunk;
    h.chunk_count = raw.chunk_count;
    h.lexical_match = raw.lexical;
    h.semantic_match = raw.semantic;
    h.lexical_score = raw.lexical_score;
    h.semantic_score = raw.semantic_score;
    auto payload = format::frame_payload(rec, e.record_offset);
    const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
    // Chunking is deterministic, so the chunk's byte range is found again from the text.
    auto chunks = text::chunk_text(text, impl_->index->chunk_options(rec.meta.chunk_bytes, rec.meta.chunk_overlap));
    if (!raw.lexical) h.chunk_count = static_cast<std::uint32_t>(std::max<std::size_t>(1, chunks.size()));
    if (!chunks.empty()) {
      const auto& c = chunks[std::min<std::size_t>(raw.chunk, chunks.size() - 1)];
      h.chunk_begin = c.begin;
      h.chunk_end = c.end;
    }
    h.page = hit_page(rec.meta.metadata_json, text, h, terms, impl_->index->analyzer());
    if (options.snippet_chars > 0) {
      search::Snippet sn = search::make_snippet(text, static_cast<std::uint32_t>(h.chunk_begin),
                                                static_cast<std::uint32_t>(h.chunk_end), terms,
                                                impl_->index->analyzer(), options.snippet_chars);
      h.snippet = std::move(sn.text);
      for (const auto& [b, en] : sn.highlights) h.highlights.push_back({b, en});
    }
    result.hits.push_back(std::move(h));
  }
  if (more && !page.empty()) {
    const Ranked& last = page.back();
    result.next_cursor = encode_cursor({last.score, last.frame, last.chunk}, base_rank + page.size(), fingerprint);
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace memvid
