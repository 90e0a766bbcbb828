// Retrieval for Memvid::find (see memory/find_parts.hpp): the query vector, the filters every
// retriever applies, and the lexical, semantic or fused ranking of one page.
#include <algorithm>
#include <unordered_map>

#include "index/vec/vec_format.hpp"
#include "memory/find_parts.hpp"
#include "search/fusion.hpp"
#include "search/query.hpp"

namespace memvid::find {

namespace {

constexpr std::size_t kMaxK = 10000;

// The semantic side of a query: a unit vector, or why there is none.
struct QueryVector {
  std::vector<float> unit;
  std::string unavailable;  // empty when semantic search can run
  ErrorCode unavailable_code = ErrorCode::ModelUnavailable;
};

QueryVector query_vector(const Memvid::Impl& impl, std::string_view query, const FindOptions& options) {
  QueryVector q;
  if (options.mode == SearchMode::Lex) return q;
  const index::VectorIndex& vectors = impl.index->vectors();
  const std::string& model = impl.model();
  if (model.empty()) {
    q.unavailable = "this memory has no embedding model (it was created with embedding model 'none')";
    q.unavailable_code = ErrorCode::InvalidArgument;
  } else if (!options.query_vector.empty()) {
    if (!options.query_vector_model.empty() && options.query_vector_model != model)
      throw Error(ErrorCode::ModelMismatch, impl.s().path() + " holds vectors of " + model +
                                                "; the query vector comes from " + options.query_vector_model);
    vectors.check_dimension(options.query_vector.size());
    q.unit = index::normalized(options.query_vector);
  } else if (EmbeddingProvider* provider = impl.embedder.get(model)) {
    std::vector<float> v = provider->embed_query(query);
    vectors.check_dimension(v.size());
    q.unit = index::normalized(v);
  } else {
    q.unavailable = impl.embedder.unavailable_reason();
  }
  // A query with no known word embeds to zero: it is near nothing.
  if (std::all_of(q.unit.begin(), q.unit.end(), [](float x) { return x == 0; })) q.unit.clear();
  if (!q.unit.empty() && vectors.vector_count() == 0 && options.mode == SearchMode::Auto) {
    q.unavailable = "no document in this memory has a vector yet";
    q.unit.clear();
  }
  return q;
}

// What one find asks of every retriever, and the rankings built on it.
class Ranking {
 public:
  Ranking(const Memvid::Impl& impl, const FindOptions& options, std::vector<float> query_vector)
      : impl_(impl), s_(impl.s()), options_(options), vectors_(impl.index->vectors()), qvec_(std::move(query_vector)) {
    vec_options_.ef_search = options.ef_search;
    vec_options_.nprobe = options.nprobe;
    facts_.live = [this](std::uint64_t f) { return s_.entry(f).status == static_cast<std::uint8_t>(FrameStatus::Active); };
    facts_.timestamp = [this](std::uint64_t f) { return s_.entry(f).timestamp_ms; };
    facts_.change_counter = s_.change_counter();
    request_.collapse_chunks = options.collapse_chunks;
    request_.title_weight = options.title_weight;
    request_.scope = options.scope;
    request_.as_of_frame = options.as_of_frame;
    request_.as_of_ms = options.as_of_ms;
    // A correction the query's terms match ranks by its BM25 score times its boost, in lex
    // mode and as the lexical evidence fusion weighs in auto mode; a correction only near the
    // query in meaning is not boosted.
    if (options.correction_boost) {
      const CorrectionBoosts& c = correction_boosts(impl);
      if (!c.boost.empty()) {
        boosts_ = &c;
        request_.boost = [this](std::uint64_t f) { return boost_of(f); };
        request_.max_boost = c.max;
      }
    }
  }

  // BM25, paged by the searcher itself (it knows how to skip to a cursor's key).
  void lexical_page(const search::Query& parsed, const std::optional<search::RankKey>& after, Retrieval& out) {
    request_.root = parsed.root.get();
    request_.k = options_.k;
    request_.offset = options_.offset;
    request_.after = after;
    search::SearchResult found = impl_.searcher.search(*impl_.index, facts_, request_);
    out.match_terms = std::move(found.match_terms);
    out.more = found.more;
    for (const search::RawHit& h : found.hits)
      out.page.push_back({h.frame, h.score, h.chunk, h.chunk_count, true, false, h.score, 0});
  }

  // Nearest vectors only, ranked to depth, then paged.
  std::vector<Ranked> semantic_all(std::size_t depth) {
    std::vector<Ranked> all;
    for (const auto& c : semantic_ranking(depth)) all.push_back({c.frame, c.score, 0, 1, false, true, 0, c.score});
    return all;
  }

  // BM25's candidates and the semantic ones, fused; the whole ranking to be paged.
  std::vector<Ranked> fused_all(const search::Query& parsed, std::size_t depth, std::vector<std::string>& match_terms) {
    const std::size_t n = std::max(options_.candidates, depth);
    request_.root = parsed.root.get();
    request_.k = n;
    request_.collapse_chunks = true;  // fusion ranks documents
    search::SearchResult found = impl_.searcher.search(*impl_.index, facts_, request_);
    match_terms = std::move(found.match_terms);
    std::vector<search::RankedCandidate> lexical;
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> best_chunk;  // frame -> (chunk, count)
    for (const search::RawHit& h : found.hits) {
      lexical.push_back({h.frame, h.score});
      best_chunk[h.frame] = {h.chunk, h.chunk_count};
    }
    // A constrained query (filters, AND, NOT...) keeps its result set: the semantic side then
    // only re-scores the lexical candidates.
    const bool free_text = parsed.root && search::is_free_text(*parsed.root);
    auto fused = search::fuse(
        lexical, free_text ? semantic_ranking(n) : std::vector<search::RankedCandidate>{},
        [&](std::uint64_t f) -> std::optional<double> { return exact_cosine(f); }, options_.fusion,
        options_.semantic_weight);
    std::vector<Ranked> all;
    for (const search::FusedHit& f : fused) {
      Ranked r{f.frame, f.score, 0, 1, f.lexical.has_value(), f.semantic, f.lexical.value_or(0), f.cosine};
      if (auto bc = best_chunk.find(f.frame); bc != best_chunk.end()) r.chunk = bc->second.first, r.chunk_count = bc->second.second;
      all.push_back(r);
    }
    return all;
  }

 private:
  // The filters every retriever applies: liveness, as-of, scope.
  bool accept(std::uint64_t f) const {
    if (options_.as_of_frame && f > *options_.as_of_frame) return false;
    const format::TocEntry& e = s_.entry(f);
    if (e.status != static_cast<std::uint8_t>(FrameStatus::Active)) return false;
    if (options_.as_of_ms && e.timestamp_ms > *options_.as_of_ms) return false;
    if (!options_.scope.empty()) {
      const format::FrameRecord rec = s_.read_record(e);
      if (rec.meta.uri.compare(0, options_.scope.size(), options_.scope) != 0) return false;
    }
    return true;
  }

  double boost_of(std::uint64_t frame) const {
    auto it = boosts_->boost.find(frame);
    return it == boosts_->boost.end() ? 1.0 : it->second;
  }

  std::optional<double> exact_cosine(std::uint64_t frame) const {
    auto v = vectors_.exact_vector(frame);
    if (v.size() != qvec_.size()) return std::nullopt;
    return index::vec::dot(v.data(), qvec_.data(), v.size());
  }

  // The nearest frames by exact cosine: compressed segments give approximate scores, so they
  // are asked for ten times more (at least 100; 4x gave recall@10 0.70 on clustered data,
  // 10x 0.90) and re-ranked with the frames' own vectors.
  std::vector<search::RankedCandidate> semantic_ranking(std::size_t n) const {
    if (qvec_.empty()) return {};
    const bool approximate = vectors_.compression();
    const std::size_t fetch = approximate ? std::min<std::size_t>(std::max<std::size_t>(10 * n, 100), kMaxK) : n;
    auto hits = vectors_.search(qvec_, fetch, [this](std::uint64_t f) { return accept(f); }, vec_options_);
    std::vector<search::RankedCandidate> out;
    for (const index::VecHit& h : hits) out.push_back({h.frame, approximate ? exact_cosine(h.frame).value_or(0) : h.score});
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.score != b.score ? a.score > b.score : a.frame < b.frame;
    });
    if (out.size() > n) out.resize(n);
    return out;
  }

  const Memvid::Impl& impl_;
  const store::Store& s_;
  const FindOptions& options_;
  const index::VectorIndex& vectors_;
  const std::vector<float> qvec_;
  index::VecSearchOptions vec_options_;
  search::FrameFacts facts_;
  search::SearchRequest request_;
  const CorrectionBoosts* boosts_ = nullptr;  // null: no correction is boosted
};

}  // namespace

Retrieval retrieve(const Memvid::Impl& impl, std::string_view query, const FindOptions& options,
                   const std::optional<search::RankKey>& after, std::size_t base_rank) {
  Retrieval result;
  QueryVector qv = query_vector(impl, query, options);
  SearchMode mode = options.mode;
  if (mode == SearchMode::Sem && qv.unit.empty() && !qv.unavailable.empty())
    throw Error(qv.unavailable_code, "semantic search is unavailable: " + qv.unavailable);
  if (mode == SearchMode::Auto && !qv.unavailable.empty()) {
    mode = SearchMode::Lex;
    result.note = "auto: " + qv.unavailable + "; lexical search was used";
  }
  result.mode_used = mode;

  Ranking ranking(impl, options, std::move(qv.unit));
  // How deep a ranking must go for this page (and one more entry, to know whether another
  // page follows).
  const std::size_t depth = base_rank + options.k + 1;
  if (mode == SearchMode::Sem) {
    result.match_terms = impl.index->analyzer().terms(query);
    result.page = page_of(ranking.semantic_all(depth), after, options.offset, options.k, result.more);
    return result;
  }
  const search::Query parsed = search::parse_query(query);
  if (mode == SearchMode::Lex) {
    ranking.lexical_page(parsed, after, result);
    return result;
  }
  result.page = page_of(ranking.fused_all(parsed, depth, result.match_terms), after, options.offset, options.k, result.more);
  return result;
}

}  // namespace memvid::find
