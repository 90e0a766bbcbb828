// Retrieval for Memvid::find (see memory/find_parts.hpp): the query vector, the filters every
// retriever applies, the lexical, semantic or fused ranking, duplicates collapsed, one page.
//
// A ranking is built to a depth and then paged, and it never depends on the page asked for:
//   - lex: BM25's top n is a prefix of its top m (exact scores, ties by frame), so any depth
//     gives the same order;
//   - sem and auto: nearest-neighbour search and fusion depend on how many candidates they
//     take, so they are computed in tiers of fixed size (candidates, then twice as many,
//     then twice again): ranks up to `candidates` come from the first tier, each deeper tier
//     adds the hits the earlier ones did not have, in its own order (docs/QUERY.md).
// So one page of 200 holds what ten pages of 20 hold.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "index/vec/vec_format.hpp"
#include "memory/find_parts.hpp"
#include "search/fusion.hpp"
#include "search/meta_filter.hpp"
#include "search/query.hpp"

namespace memvid::find {

namespace {

// The deepest ranking a page may need (FindOptions: offset up to 100000, k up to 10000).
constexpr std::size_t kMaxDepth = 110001;
// From this many vector rows, auto mode runs its lexical and semantic retrievers on two
// threads: below it a semantic search takes well under a millisecond and a thread's start
// would be a noticeable share of it.
constexpr std::uint64_t kParallelRetrievalRows = 20000;

// The semantic side of a query: a unit vector, or why there is none.
struct QueryVector {
  std::vector<float> unit;
  std::string unavailable;  // empty when semantic search can run
  ErrorCode unavailable_code = ErrorCode::ModelUnavailable;
};

QueryVector query_vector(const Memvid::Impl& impl, std::string_view query, const FindOptions& options,
                         SearchMode mode) {
  QueryVector q;
  if (mode == SearchMode::Lex) return q;
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
  if (!q.unit.empty() && vectors.vector_count() == 0 && mode == SearchMode::Auto) {
    q.unavailable = "no document in this memory has a vector yet";
    q.unit.clear();
  }
  return q;
}

// Whether the query ranks by words: some term or phrase on the text or title that is not
// negated. A query of filters only (`kind:document`, `tag:x -y`) has nothing to embed.
bool has_ranking_words(const search::Node& n) {
  using T = search::Node::Type;
  switch (n.type) {
    case T::Term:
    case T::Phrase: return n.field == search::Field::Text || n.field == search::Field::Title;
    case T::And:
    case T::Or:
      return std::any_of(n.children.begin(), n.children.end(), [](const search::NodePtr& c) { return has_ranking_words(*c); });
    case T::Not:
    case T::DateRange: return false;
  }
  return false;
}

// The memory's sample of vectors for the relevance floor, taken again when it changed.
const std::vector<float>& semantic_sample(const Memvid::Impl& impl) {
  const store::Store& s = impl.s();
  if (impl.semantic_sample.counter != s.change_counter()) {
    impl.semantic_sample.rows = impl.index->vectors().sample(kSemanticSampleRows);
    impl.semantic_sample.counter = s.change_counter();
  }
  return impl.semantic_sample.rows;
}

// One tier of a ranking: best first, and whether it holds every hit the query has.
struct Tier {
  std::vector<Ranked> ranked;
  bool complete = false;
};

// What one find asks of every retriever, and the rankings built on it.
class Ranking {
 public:
  Ranking(const Memvid::Impl& impl, const FindOptions& options, std::vector<float> query_vector)
      : impl_(impl), s_(impl.s()), options_(options), vectors_(impl.index->vectors()), qvec_(std::move(query_vector)) {
    vec_options_.ef_search = options.ef_search;
    vec_options_.nprobe = options.nprobe;
    // The caller computes a "custom:" memory's vectors and its records keep them as given:
    // the index's 8-bit rows find the candidates, the records' floats score them.
    exact_from_records_ = impl.model().rfind("custom:", 0) == 0;
    facts_.live = [this](std::uint64_t f) { return s_.entry(f).status == static_cast<std::uint8_t>(FrameStatus::Active); };
    facts_.timestamp = [this](std::uint64_t f) { return s_.entry(f).timestamp_ms; };
    facts_.change_counter = s_.change_counter();
    request_.collapse_chunks = options.collapse_chunks;
    request_.title_weight = options.title_weight;
    request_.scope = options.scope;
    request_.as_of_frame = options.as_of_frame;
    request_.as_of_ms = options.as_of_ms;
    request_.since_ms = options.since_ms;
    request_.metadata = [&impl](std::uint64_t f) -> const nlohmann::json& { return frame_metadata(impl, f); };
    if (!options.where.empty()) {
      where_.emplace(search::MetaFilter::from_where(options.where));
      request_.accept = [this](std::uint64_t f) { return where_->matches(frame_metadata(impl_, f)); };
    }
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
    if (!qvec_.empty() && options.semantic_floor)
      floor_ = semantic_floor(qvec_, semantic_sample(impl), *options.semantic_floor, kMinSemanticCosine);
  }

  std::optional<double> floor() const { return floor_; }

  // BM25, paged by the searcher itself (it knows how to skip to a cursor's key).
  void lexical_page(const search::Query& parsed, const std::optional<search::RankKey>& after, Retrieval& out) {
    request_.root = parsed.root.get();
    request_.k = options_.k;
    request_.offset = options_.offset;
    request_.after = after;
    search::SearchResult found = impl_.searcher.search(*impl_.index, facts_, request_);
    out.match_terms = std::move(found.match_terms);
    out.more = found.more;
    for (const search::RawHit& h : found.hits) out.page.push_back(lexical_hit(h));
  }

  // BM25's top n.
  Tier lexical_tier(const search::Query& parsed, std::size_t n, std::vector<std::string>& match_terms) {
    request_.root = parsed.root.get();
    request_.k = n;
    request_.offset = 0;
    request_.after.reset();
    search::SearchResult found = impl_.searcher.search(*impl_.index, facts_, request_);
    match_terms = std::move(found.match_terms);
    Tier t;
    t.complete = !found.more;
    for (const search::RawHit& h : found.hits) t.ranked.push_back(lexical_hit(h));
    return t;
  }

  // The n nearest frames above the floor, each at its nearest passage (or the n nearest
  // passages, when find ranks passages on their own).
  Tier semantic_tier(std::size_t n) {
    Tier t;
    const auto nearest = semantic_ranking(n, options_.collapse_chunks);
    t.complete = nearest.size() < n;
    for (const auto& c : nearest) {
      if (floor_ && c.score < *floor_) {
        t.complete = true;  // the ranking is by cosine: nothing after this one is above the floor
        break;
      }
      t.ranked.push_back({c.frame, c.score, c.passage, 1, false, true, std::nullopt, c.score, {}});
    }
    return t;
  }

  // BM25's top n and the n nearest vectors, fused; semantic-only hits below the floor dropped.
  Tier fused_tier(const search::Query& parsed, std::size_t n, std::vector<std::string>& match_terms) {
    request_.root = parsed.root.get();
    request_.k = n;
    request_.offset = 0;
    request_.after.reset();
    request_.collapse_chunks = true;  // fusion ranks documents
    // A constrained query (filters, AND, NOT...) keeps its result set: the semantic side then
    // only re-scores the lexical candidates.
    const bool free_text = parsed.root && search::is_free_text(*parsed.root);
    std::vector<index::VecHit> nearest;
    search::SearchResult found;
    if (free_text && !where_ && vectors_.vector_count() >= kParallelRetrievalRows) {
      // The two retrievers at once: they share only reads that are safe from two threads
      // (the table of contents, mapped segments, the file). The metadata cache a where
      // filter fills is not, so such a query runs them in turn.
      std::exception_ptr semantic_error;
      std::thread semantic([&] {
        try {
          nearest = semantic_ranking(n, true);
        } catch (...) {
          semantic_error = std::current_exception();
        }
      });
      try {
        found = impl_.searcher.search(*impl_.index, facts_, request_);
      } catch (...) {
        semantic.join();
        throw;
      }
      semantic.join();
      if (semantic_error) std::rethrow_exception(semantic_error);
    } else {
      found = impl_.searcher.search(*impl_.index, facts_, request_);
      if (free_text) nearest = semantic_ranking(n, true);
    }
    match_terms = std::move(found.match_terms);
    std::vector<search::RankedCandidate> lexical;
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> best_chunk;  // frame -> (chunk, count)
    for (const search::RawHit& h : found.hits) {
      lexical.push_back({h.frame, h.score});
      best_chunk[h.frame] = {h.chunk, h.chunk_count};
    }
    std::vector<search::RankedCandidate> semantic;
    std::unordered_map<std::uint64_t, std::uint32_t> nearest_passage;  // frame -> passage
    for (const index::VecHit& h : nearest) {
      semantic.push_back({h.frame, h.score});
      nearest_passage[h.frame] = h.passage;
    }
    Tier t;
    t.complete = !found.more && nearest.size() < n;
    auto cosine = [&](std::uint64_t f) -> std::optional<double> {
      if (exact_from_records_)
        if (auto exact = record_cosine(f)) return exact;
      const auto best = vectors_.best_passage(f, qvec_);
      if (!best) return std::nullopt;
      nearest_passage.emplace(f, best->passage);
      return best->score;
    };
    auto fused = search::fuse(lexical, semantic, cosine, options_.fusion, options_.semantic_weight);
    for (const search::FusedHit& f : fused) {
      if (!f.lexical && floor_ && f.cosine < *floor_) continue;
      Ranked r{f.frame, f.score, 0, 1, f.lexical.has_value(), f.semantic, f.lexical, std::nullopt, {}};
      if (f.has_cosine) r.semantic_score = f.cosine;
      // The passage shown: where the words matched, else the one nearest in meaning.
      if (auto bc = best_chunk.find(f.frame); bc != best_chunk.end())
        r.chunk = bc->second.first, r.chunk_count = bc->second.second;
      else if (auto np = nearest_passage.find(f.frame); np != nearest_passage.end())
        r.chunk = np->second;
      t.ranked.push_back(r);
    }
    return t;
  }

 private:
  static Ranked lexical_hit(const search::RawHit& h) {
    return {h.frame, h.score, h.chunk, h.chunk_count, true, false, h.score, std::nullopt, {}};
  }

  // The filters every retriever applies: liveness, as-of, scope.
  bool accept(std::uint64_t f) const {
    if (options_.as_of_frame && f > *options_.as_of_frame) return false;
    const format::TocEntry& e = s_.entry(f);
    if (e.status != static_cast<std::uint8_t>(FrameStatus::Active)) return false;
    if (options_.as_of_ms && e.timestamp_ms > *options_.as_of_ms) return false;
    if (options_.since_ms && e.timestamp_ms < *options_.since_ms) return false;
    if (!options_.scope.empty()) {
      const format::FrameRecord rec = s_.read_record(e);
      if (rec.meta.uri.compare(0, options_.scope.size(), options_.scope) != 0) return false;
    }
    return !where_ || where_->matches(frame_metadata(impl_, f));
  }

  double boost_of(std::uint64_t frame) const {
    auto it = boosts_->boost.find(frame);
    return it == boosts_->boost.end() ? 1.0 : it->second;
  }

  // The cosine of the caller's vector kept in the frame's record (field 8), in double
  // precision; none when the record keeps none.
  std::optional<float> record_cosine(std::uint64_t frame) const {
    const format::TocEntry& e = s_.entry(frame);
    if (e.record_removed()) return std::nullopt;
    const std::vector<float>& v = s_.read_record(e).meta.embedding;
    if (v.size() != qvec_.size()) return std::nullopt;
    double dot = 0, norm = 0;
    for (std::size_t i = 0; i < v.size(); ++i) dot += double{v[i]} * qvec_[i], norm += double{v[i]} * v[i];
    if (!(norm > 0)) return std::nullopt;
    return static_cast<float>(dot / std::sqrt(norm));
  }

  // The exact cosine of one passage (compressed segments score approximately).
  float exact_score(const index::VecHit& h) const {
    const std::vector<float> rows = vectors_.frame_vectors(h.frame);
    const std::size_t dim = qvec_.size(), at = std::size_t{h.passage} * dim;
    return at + dim <= rows.size() ? index::vec::dot(rows.data() + at, qvec_.data(), dim) : h.score;
  }

  // The nearest rows: each frame at its nearest passage when per_frame (a frame ranks by its
  // best passage), else passages on their own. Best first, ties by frame then passage.
  // Compressed segments give approximate scores, so they are asked for ten times more (at
  // least 100; 4x gave recall@10 0.70 on clustered data, 10x 0.90) and re-scored exactly.
  // Several passages of one frame may crowd the nearest rows, so the search goes deeper
  // until n frames are found or the index has no more.
  std::vector<index::VecHit> semantic_ranking(std::size_t n, bool per_frame) const {
    if (qvec_.empty() || n == 0) return {};
    const bool approximate = vectors_.compression();
    std::size_t fetch = approximate ? std::min<std::size_t>(std::max<std::size_t>(10 * n, 100), kMaxDepth) : n;
    // Rows a little apart in 8 bits may swap in exact scores: room for them.
    if (exact_from_records_ && !approximate) fetch = std::min<std::size_t>(2 * n + 10, kMaxDepth);
    const std::size_t rows = vectors_.vector_count();
    std::vector<index::VecHit> out;
    for (;;) {
      const auto hits = vectors_.search(qvec_, fetch, [this](std::uint64_t f) { return accept(f); }, vec_options_);
      out.clear();
      std::set<std::uint64_t> seen;
      for (const index::VecHit& h : hits) {
        if (per_frame && !seen.insert(h.frame).second) continue;
        if (!approximate) {
          out.push_back(h);
        } else if (per_frame) {
          out.push_back(vectors_.best_passage(h.frame, qvec_).value_or(h));
        } else {
          out.push_back({h.frame, h.passage, exact_score(h)});
        }
        if (exact_from_records_ && out.back().passage == 0)
          if (auto exact = record_cosine(h.frame)) out.back().score = *exact;
      }
      if (out.size() >= n || hits.size() < fetch || fetch >= rows) break;
      fetch = std::min(fetch * 4, rows);
    }
    std::stable_sort(out.begin(), out.end(), [](const index::VecHit& a, const index::VecHit& b) {
      if (a.score != b.score) return a.score > b.score;
      return a.frame != b.frame ? a.frame < b.frame : a.passage < b.passage;
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
  std::optional<double> floor_;
  std::optional<search::MetaFilter> where_;
  bool exact_from_records_ = false;
};

// A ranking with copies of one content folded into its best-ranked copy (the earliest of
// equally ranked ones: ties rank by ascending frame), as hits arrive best first.
class DuplicateCollapse {
 public:
  DuplicateCollapse(const store::Store& s, bool enabled) : s_(s), enabled_(enabled) {}

  void add(const Ranked& r) {
    if (!enabled_) {
      unique_.push_back(r);
      return;
    }
    // The passage matters too: two copies match in the same passage, two documents that only
    // share their text do not when passages are ranked on their own (collapse_chunks off).
    const auto key = std::make_pair(s_.read_content_hash(s_.entry(r.frame)), r.chunk);
    auto [it, fresh] = group_.emplace(key, unique_.size());
    if (fresh) {
      unique_.push_back(r);
      return;
    }
    Ranked& first = unique_[it->second];
    if (first.frame != r.frame) first.duplicate_ids.push_back(r.frame);
  }
  std::vector<Ranked>& ranked() { return unique_; }

 private:
  const store::Store& s_;
  const bool enabled_;
  std::map<std::pair<std::array<std::uint8_t, 32>, std::uint32_t>, std::size_t> group_;
  std::vector<Ranked> unique_;
};

// Ranks the page `retrieve` asks for in `mode` (its note and mode recorded) into result.
void rank_page(const Memvid::Impl& impl, std::string_view query, const FindOptions& options,
                    const search::Query& parsed, const std::optional<search::RankKey>& after, std::size_t base_rank,
                    SearchMode mode, const std::string& note, std::vector<float> unit, Retrieval& result) {
  if (parsed.note.empty() || mode == SearchMode::Sem) result.note = note;
  else result.note = parsed.note + (note.empty() ? "" : "; " + note);
  result.mode_used = mode;

  Ranking ranking(impl, options, std::move(unit));
  if (mode != SearchMode::Lex) result.semantic_floor = ranking.floor();
  // Without collapsing, BM25 pages itself from a cursor's key: a page stays right when
  // frames are added between pages.
  if (mode == SearchMode::Lex && !options.collapse_duplicates) {
    ranking.lexical_page(parsed, after, result);
    result.total_hits = base_rank + result.page.size() + (result.more ? 1 : 0);
    result.total_exact = !result.more;
    return;
  }

  // Rank, collapse copies, and go a tier deeper until the page and one more hit are there.
  const std::size_t needed = base_rank + options.k + 1;
  DuplicateCollapse unique(impl.s(), options.collapse_duplicates);
  std::set<std::pair<std::uint64_t, std::uint32_t>> seen;  // (frame, chunk) ranked by an earlier tier
  bool complete = false;
  std::size_t tier = mode == SearchMode::Lex ? needed + needed / 2 + 4 : options.candidates;
  for (;;) {
    Tier t;
    if (mode == SearchMode::Lex) t = ranking.lexical_tier(parsed, tier, result.match_terms);
    else if (mode == SearchMode::Sem) t = ranking.semantic_tier(tier);
    else t = ranking.fused_tier(parsed, tier, result.match_terms);
    for (const Ranked& r : t.ranked)
      if (seen.emplace(r.frame, r.chunk).second) unique.add(r);
    complete = t.complete;
    if (complete || unique.ranked().size() >= needed || tier >= kMaxDepth) break;
    tier = std::min(kMaxDepth, 2 * tier);
  }
  if (mode == SearchMode::Sem) result.match_terms = impl.index->analyzer().terms(query);

  std::vector<Ranked>& all = unique.ranked();
  result.total_hits = all.size();
  result.total_exact = complete;
  const std::size_t begin = std::min(base_rank, all.size());
  const std::size_t end = std::min(all.size(), begin + options.k);
  result.more = end < all.size();
  result.page.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(begin)),
                     std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(end)));
}

}  // namespace

Retrieval retrieve(const Memvid::Impl& impl, std::string_view query, const FindOptions& options,
                   const std::optional<search::RankKey>& after, std::size_t base_rank) {
  Retrieval result;
  TimeContext time;
  time.zone = options.time_zone;
  time.anchor_ms = options.time_anchor_ms ? *options.time_anchor_ms : impl.env->now_ms();
  check_time_zone(time.zone);  // a bad zone is the caller's error, not a date: clause read as words
  const search::Query parsed = options.strict && options.mode != SearchMode::Sem ? search::parse_query(query, time)
                                                                                  : search::parse_query_text(query, time);
  const bool ranks_by_words = !parsed.root || has_ranking_words(*parsed.root);
  SearchMode mode = options.mode;
  std::string note;
  if (!ranks_by_words && mode != SearchMode::Lex) {
    // Nothing to embed: the filters' matches rank as lex ranks them, in every mode.
    mode = SearchMode::Lex;
    note = "a query of filters only ranks lexically";
  }
  QueryVector qv = query_vector(impl, query, options, mode);
  if (mode == SearchMode::Sem && qv.unit.empty() && !qv.unavailable.empty())
    throw Error(qv.unavailable_code, "semantic search is unavailable: " + qv.unavailable);
  if (mode == SearchMode::Auto && !qv.unavailable.empty()) {
    mode = SearchMode::Lex;
    note = "auto: " + qv.unavailable + "; lexical search was used";
  }
  // Auto degrades to lexical search when the vector index cannot be searched here (an IVF-PQ
  // part without the vector-index plugin), as it does without a model.
  const Retrieval start = result;
  try {
    rank_page(impl, query, options, parsed, after, base_rank, mode, note, std::move(qv.unit), result);
  } catch (const Error& e) {
    if (mode != SearchMode::Auto || e.code() != ErrorCode::ModelUnavailable) throw;
    result = start;
    rank_page(impl, query, options, parsed, after, base_rank, SearchMode::Lex,
              std::string("auto: ") + e.what() + "; lexical search was used", {}, result);
  }
  return result;
}

}  // namespace memvid::find
