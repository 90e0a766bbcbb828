#include "search/searcher.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_set>

#include "search/meta_filter.hpp"
#include "search/scorers.hpp"
#include "text/analyzer.hpp"

namespace memvid::search {

namespace {

using index::LexSegment;
using index::TermInfo;

// Slack for comparing a bound with the threshold: bounds and scores are sums of the same
// doubles in different orders, so they may differ in the last bits.
constexpr double kEpsilon = 1e-9;

bool ranks_before(const RankKey& a, const RankKey& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.frame != b.frame) return a.frame < b.frame;
  return a.chunk < b.chunk;
}

// The analyzed form of a text clause: terms with their relative positions.
struct Analyzed {
  std::vector<std::string> terms;
  std::vector<std::uint32_t> offsets;
};

Analyzed analyze(const text::Analyzer& analyzer, std::string_view raw) {
  std::vector<text::Token> tokens;
  analyzer.analyze(raw, tokens);
  Analyzed a;
  for (const auto& t : tokens) {
    a.terms.push_back(t.term);
    a.offsets.push_back(t.position - tokens.front().position);
  }
  return a;
}

bool is_filter(const Node& n) {
  switch (n.type) {
    case Node::Type::DateRange: return true;
    case Node::Type::Term: return n.field != Field::Text && n.field != Field::Title;
    case Node::Type::Phrase: return false;
    case Node::Type::And:
    case Node::Type::Or:
      return std::all_of(n.children.begin(), n.children.end(), [](const NodePtr& c) { return is_filter(*c); });
    case Node::Type::Not: return true;
  }
  return false;
}

// The analyzed words of the query's text clauses; negated ones only if asked (they need
// statistics, but a snippet must not highlight them).
void collect_terms(const text::Analyzer& analyzer, const Node& n, bool negated, std::vector<std::string>& out) {
  if (n.type == Node::Type::Not && !negated) return;
  if ((n.type == Node::Type::Term || n.type == Node::Type::Phrase) && (n.field == Field::Text || n.field == Field::Title)) {
    for (auto& t : analyze(analyzer, n.text).terms) out.push_back(t);
  }
  for (const auto& c : n.children) collect_terms(analyzer, *c, negated, out);
}

// Compilation of one query against one segment. A clause compiles to a scorer, to Empty
// (matches nothing here) or to Ignore (no constraint at all, e.g. a stop-word).
struct Compiled {
  enum class Kind { Scorer, Empty, Ignore } kind = Kind::Ignore;
  std::unique_ptr<Scorer> scorer;
  static Compiled empty() { return {Kind::Empty, nullptr}; }
  static Compiled ignore() { return {Kind::Ignore, nullptr}; }
  static Compiled of(std::unique_ptr<Scorer> s) { return {Kind::Scorer, std::move(s)}; }
};

class SegmentCompiler {
 public:
  SegmentCompiler(const LexSegment& segment, const index::SearchIndex& index, const Bm25& bm25,
                  const std::map<std::string, double>& df, const SearchRequest& request)
      : seg_(segment), index_(index), bm25_(bm25), df_(df), req_(request) {}

  Compiled compile(const Node& n) {
    switch (n.type) {
      case Node::Type::Term:
      case Node::Type::Phrase:
        if (n.field == Field::Text || n.field == Field::Title) return text_clause(n);
        return keyword(n);
      case Node::Type::DateRange: return dates(n);
      case Node::Type::Not: return Compiled::empty();  // a lone negation matches nothing
      case Node::Type::And: return conjunction(n);
      case Node::Type::Or: return disjunction(n);
    }
    return Compiled::empty();
  }

  std::optional<TermInfo> lookup(const std::string& term) {
    auto it = infos_.find(term);
    if (it == infos_.end()) it = infos_.emplace(term, seg_.lookup(term)).first;
    return it->second;
  }

 private:
  Compiled text_clause(const Node& n) {
    const Analyzed a = analyze(index_.analyzer(), n.text);
    if (a.terms.empty()) return Compiled::ignore();
    const TermField field = n.field == Field::Title ? TermField::TitleOnly : TermField::Both;
    double idf = 0;
    std::vector<index::PostingCursor> cursors;
    for (const auto& t : a.terms) {
      auto info = lookup(t);
      if (!info) return Compiled::empty();
      auto it = df_.find(t);
      idf += bm25_.idf(it == df_.end() ? 1.0 : it->second);
      cursors.push_back(seg_.cursor(*info, t));
    }
    if (cursors.size() == 1) {
      auto s = std::make_unique<TermScorer>(std::move(cursors.front()), seg_, bm25_, idf, field);
      return s->doc() == kNoDoc ? Compiled::empty() : Compiled::of(std::move(s));
    }
    auto s = std::make_unique<PhraseScorer>(std::move(cursors), a.offsets, seg_, bm25_, idf, field);
    return s->doc() == kNoDoc ? Compiled::empty() : Compiled::of(std::move(s));
  }

  // meta.KEY:... clauses: metadata is not indexed, so each frame of the segment is asked
  // (its parsed metadata is cached by the caller; a frame's chunks are adjacent documents).
  Compiled metadata(const Node& n) {
    if (!req_.metadata) return Compiled::empty();
    const MetaFilter filter = MetaFilter::from_node(n);
    std::vector<std::uint32_t> docs;
    const auto& frames = seg_.frames();
    std::optional<std::uint64_t> last;
    bool last_matched = false;
    for (std::uint32_t d = 0; d < frames.size(); ++d) {
      if (frames[d] != last) {
        last = frames[d];
        last_matched = filter.matches(req_.metadata(frames[d]));
      }
      if (last_matched) docs.push_back(d);
    }
    if (docs.empty()) return Compiled::empty();
    return Compiled::of(std::make_unique<DocSetScorer>(std::move(docs)));
  }

  Compiled keyword(const Node& n) {
    if (n.field == Field::Meta) return metadata(n);
    std::string prefix;
    switch (n.field) {
      case Field::Tag: prefix = index::kTagPrefix; break;
      case Field::Label: prefix = index::kLabelPrefix; break;
      case Field::Kind: prefix = index::kKindPrefix; break;
      case Field::Uri: prefix = index::kUriPrefix; break;
      default: return Compiled::empty();
    }
    const std::string key = prefix + (n.field == Field::Kind ? n.text : text::Analyzer::fold(n.text));
    std::vector<std::uint32_t> docs;
    auto collect = [&](std::string_view term, const TermInfo& info) {
      index::PostingCursor c = seg_.cursor(info, term);
      for (std::uint32_t d = c.doc(); d != kNoDoc; d = c.next()) docs.push_back(d);
    };
    if (n.field == Field::Uri) {
      seg_.scan(key, [&](std::string_view term, const TermInfo& info) {
        collect(term, info);
        return true;
      });
      std::sort(docs.begin(), docs.end());
      docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
    } else if (auto info = lookup(key)) {
      collect(key, *info);
    }
    if (docs.empty()) return Compiled::empty();
    return Compiled::of(std::make_unique<DocSetScorer>(std::move(docs)));
  }

  Compiled dates(const Node& n) {
    std::vector<std::uint64_t> frames;
    if (n.field == Field::Mentions) {
      frames = index_.mentioned_frames(n.from_ms, n.until_ms);
    } else {
      for (const auto& e : index_.time_range(n.from_ms, n.until_ms)) frames.push_back(e.frame_id);
    }
    std::sort(frames.begin(), frames.end());
    std::vector<std::uint32_t> docs;
    const auto& f = seg_.frames();
    for (std::uint32_t d = 0; d < f.size(); ++d)
      if (std::binary_search(frames.begin(), frames.end(), f[d])) docs.push_back(d);
    if (docs.empty()) return Compiled::empty();
    return Compiled::of(std::make_unique<DocSetScorer>(std::move(docs)));
  }

  // Splits children into positive scorers and negated ones; Empty/Ignore handled by caller.
  Compiled with_exclusions(std::unique_ptr<Scorer> positive, std::vector<std::unique_ptr<Scorer>> negatives) {
    if (negatives.empty()) return Compiled::of(std::move(positive));
    std::unique_ptr<Scorer> neg = negatives.size() == 1 ? std::move(negatives.front())
                                                        : std::make_unique<OrScorer>(std::move(negatives));
    auto s = std::make_unique<ExcludeScorer>(std::move(positive), std::move(neg));
    return s->doc() == kNoDoc ? Compiled::empty() : Compiled::of(std::move(s));
  }

  std::vector<std::unique_ptr<Scorer>> negatives_of(const Node& n) {
    std::vector<std::unique_ptr<Scorer>> out;
    for (const auto& c : n.children) {
      if (c->type != Node::Type::Not) continue;
      Compiled x = compile(*c->children.front());
      if (x.kind == Compiled::Kind::Scorer) out.push_back(std::move(x.scorer));
    }
    return out;
  }

  Compiled conjunction(const Node& n) {
    std::vector<std::unique_ptr<Scorer>> positives;
    bool any_positive = false;
    for (const auto& c : n.children) {
      if (c->type == Node::Type::Not) continue;
      any_positive = true;
      Compiled x = compile(*c);
      if (x.kind == Compiled::Kind::Empty) return Compiled::empty();
      if (x.kind == Compiled::Kind::Scorer) positives.push_back(std::move(x.scorer));
    }
    if (!any_positive) return Compiled::empty();
    if (positives.empty()) return Compiled::ignore();
    std::unique_ptr<Scorer> pos = positives.size() == 1 ? std::move(positives.front())
                                                        : std::make_unique<AndScorer>(std::move(positives));
    if (pos->doc() == kNoDoc) return Compiled::empty();
    return with_exclusions(std::move(pos), negatives_of(n));
  }

  Compiled disjunction(const Node& n) {
    std::vector<std::unique_ptr<Scorer>> positives;
    bool all_ignored = true;
    for (const auto& c : n.children) {
      if (c->type == Node::Type::Not) continue;
      Compiled x = compile(*c);
      if (x.kind != Compiled::Kind::Ignore) all_ignored = false;
      if (x.kind == Compiled::Kind::Scorer) positives.push_back(std::move(x.scorer));
    }
    if (positives.empty()) return all_ignored ? Compiled::ignore() : Compiled::empty();
    std::unique_ptr<Scorer> pos = positives.size() == 1 ? std::move(positives.front())
                                                        : std::make_unique<OrScorer>(std::move(positives));
    return with_exclusions(std::move(pos), negatives_of(n));
  }

  const LexSegment& seg_;
  const index::SearchIndex& index_;
  const Bm25& bm25_;
  const std::map<std::string, double>& df_;
  const SearchRequest& req_;
  std::map<std::string, std::optional<TermInfo>> infos_;
};

// The top of the ranking seen so far (a min-heap on rank), bounded in size.
class TopK {
 public:
  explicit TopK(std::size_t capacity) : capacity_(capacity) {}
  bool full() const { return heap_.size() >= capacity_; }
  double threshold() const { return full() ? heap_.front().score : -std::numeric_limits<double>::infinity(); }
  void offer(const RankKey& key) {
    if (capacity_ == 0) return;
    if (full()) {
      if (!ranks_before(key, heap_.front())) return;
      std::pop_heap(heap_.begin(), heap_.end(), ranks_before);
      heap_.pop_back();
    }
    heap_.push_back(key);
    std::push_heap(heap_.begin(), heap_.end(), ranks_before);
  }
  std::vector<RankKey> sorted() const {
    std::vector<RankKey> out = heap_;
    std::sort(out.begin(), out.end(), ranks_before);
    return out;
  }

 private:
  std::size_t capacity_;
  std::vector<RankKey> heap_;  // heap_.front() ranks last
};

}  // namespace

Searcher::LiveCache& Searcher::live_docs(const std::shared_ptr<const LexSegment>& segment, const FrameFacts& facts) {
  LiveCache& c = live_cache_[segment.get()];
  if (c.segment.lock() != segment || c.counter != facts.change_counter || c.state.size() != segment->doc_count()) {
    c.segment = segment;
    c.counter = facts.change_counter;
    c.state.assign(segment->doc_count(), 0);
  }
  // Drop entries for segments that no longer exist.
  if (live_cache_.size() > 64) {
    for (auto it = live_cache_.begin(); it != live_cache_.end();)
      it = it->second.segment.expired() ? live_cache_.erase(it) : std::next(it);
  }
  return c;
}

SearchResult Searcher::search(const index::SearchIndex& index, const FrameFacts& facts, const SearchRequest& req) {
  SearchResult result;
  if (!req.root) return result;
  const Node& root = *req.root;
  const auto segments = index.lex_segments();
  if (segments.empty()) return result;
  collect_terms(index.analyzer(), root, /*negated=*/false, result.match_terms);

  // Collection statistics over every segment, so a document scores the same whichever
  // segment holds it.
  Bm25 bm25;
  bm25.title_weight = req.title_weight;
  // Summed as integers and weighted once, so that the result does not depend on how the
  // documents are split into segments (the in-memory tail is split as searches come).
  std::uint64_t sum_body = 0, sum_title = 0;
  for (const auto& s : segments) {
    bm25.total_docs += s->doc_count();
    sum_body += s->sum_body_length();
    sum_title += s->sum_title_length();
  }
  const double sum_len = static_cast<double>(sum_body) + req.title_weight * static_cast<double>(sum_title);
  if (bm25.total_docs == 0) return result;
  bm25.avg_length = std::max(sum_len / bm25.total_docs, 1e-9);

  // The query's top-level shape: ranked clauses, required filters, exclusions.
  std::vector<const Node*> clauses, required, excluded;
  auto split = [&](const Node& n) {
    for (const auto& c : n.children) (c->type == Node::Type::Not ? excluded : clauses).push_back(c.get());
  };
  if (root.type == Node::Type::Or) {
    split(root);
  } else if (root.type == Node::Type::And) {
    std::vector<const Node*> positives;
    for (const auto& c : root.children) (c->type == Node::Type::Not ? excluded : positives).push_back(c.get());
    const Node* ranked = nullptr;
    std::size_t scoring = 0;
    for (const Node* p : positives) if (!is_filter(*p)) ++scoring, ranked = p;
    if (scoring == 1 && ranked->type == Node::Type::Or) {
      for (const auto& c : ranked->children) (c->type == Node::Type::Not ? excluded : clauses).push_back(c.get());
      for (const Node* p : positives) if (p != ranked) required.push_back(p);
    } else {
      clauses.push_back(&root);
      excluded.clear();
    }
  } else {
    clauses.push_back(&root);
  }
  Node scope;  // a uri prefix filter (the original memvid's --scope)
  if (!req.scope.empty()) {
    scope.type = Node::Type::Term;
    scope.field = Field::Uri;
    scope.text = req.scope;
    required.push_back(&scope);
  }

  // Document frequencies summed over segments.
  std::map<std::string, double> df;
  {
    std::vector<std::string> all;
    collect_terms(index.analyzer(), root, /*negated=*/true, all);
    for (const auto& t : all) df.emplace(t, 0.0);
    for (const auto& s : segments)
      for (auto& [term, count] : df)
        if (auto info = s->lookup(term)) count += info->df;
  }

  const std::size_t capacity = (req.after ? 0 : req.offset) + req.k + 1;
  TopK top(capacity);
  auto accept_key = [&](const RankKey& key) { return !req.after || ranks_before(*req.after, key); };

  for (const auto& seg_ptr : segments) {
    const LexSegment& seg = *seg_ptr;
    SegmentCompiler compiler(seg, index, bm25, df, req);
    struct Clause {
      std::unique_ptr<Scorer> s;
      double max = 0;
      std::size_t order = 0;  // position in the query, for a canonical summation order
    };
    std::vector<Clause> cl;
    for (std::size_t i = 0; i < clauses.size(); ++i) {
      Compiled c = compiler.compile(*clauses[i]);
      if (c.kind != Compiled::Kind::Scorer) continue;
      const double m = c.scorer->max_score();
      cl.push_back({std::move(c.scorer), m, i});
    }
    if (cl.empty()) continue;
    std::vector<std::unique_ptr<Scorer>> filters, excl;
    bool impossible = false;
    for (const Node* r : required) {
      Compiled c = compiler.compile(*r);
      if (c.kind == Compiled::Kind::Empty) impossible = true;
      if (c.kind == Compiled::Kind::Scorer) filters.push_back(std::move(c.scorer));
    }
    if (impossible) continue;
    for (const Node* x : excluded) {
      Compiled c = compiler.compile(*x->children.front());
      if (c.kind == Compiled::Kind::Scorer) excl.push_back(std::move(c.scorer));
    }
    std::vector<std::uint8_t>& live = live_docs(seg_ptr, facts).state;

    std::sort(cl.begin(), cl.end(), [](const Clause& a, const Clause& b) { return a.max < b.max; });
    // Bounds on a score before its frame's boost: scaled by the largest boost to bound after.
    const double grow = req.boost ? std::max(1.0, req.max_boost) : 1.0;
    std::vector<double> prefix(cl.size());
    for (std::size_t i = 0; i < cl.size(); ++i) prefix[i] = cl[i].max * grow + (i ? prefix[i - 1] : 0);
    std::vector<double> contrib(clauses.size(), 0.0);

    std::size_t essential = 0;
    double told = -std::numeric_limits<double>::infinity();  // the threshold the clauses last heard
    auto update_essential = [&] {
      const double theta = top.threshold();
      while (top.full() && essential < cl.size() && prefix[essential] + kEpsilon <= theta) ++essential;
      if (!top.full() || theta == told) return;
      told = theta;
      // A clause scoring s lifts a document to at most (s + every other clause's max) x grow:
      // at most the threshold (with twice the slack the loop allows) means it cannot enter.
      for (auto& c : cl) c.s->set_min_competitive((theta - 2 * kEpsilon) / grow - (prefix.back() / grow - c.max));
    };
    update_essential();

    // Collapsing: a frame's chunks are adjacent documents; its score is its best chunk's.
    std::optional<RankKey> pending;
    auto flush = [&] {
      if (pending && accept_key(*pending)) top.offer(*pending);
      pending.reset();
    };
    auto offer = [&](std::uint32_t doc, double score) {
      const std::uint64_t frame = seg.frame_of(doc);
      std::uint32_t chunk = 0;
      while (chunk < doc && seg.frame_of(doc - chunk - 1) == frame) ++chunk;
      RankKey key{score, frame, chunk};
      if (!req.collapse_chunks) {
        if (accept_key(key)) top.offer(key);
        return;
      }
      if (pending && pending->frame != frame) flush();
      if (!pending || ranks_before(key, *pending)) pending = key;
    };
    auto gate = [&](std::uint32_t doc) {
      const std::uint64_t frame = seg.frame_of(doc);
      if (live[doc] == 0) live[doc] = facts.live(frame) ? 1 : 2;
      if (live[doc] != 1) return false;
      if (req.as_of_frame && frame > *req.as_of_frame) return false;
      if (req.as_of_ms && facts.timestamp(frame) > *req.as_of_ms) return false;
      if (req.since_ms && facts.timestamp(frame) < *req.since_ms) return false;
      if (req.accept && !req.accept(frame)) return false;
      for (auto& f : filters)
        if (f->advance(doc) != doc) return false;
      for (auto& x : excl)
        if (x->advance(doc) == doc) return false;
      return true;
    };

    // The block-max window last computed: [window_begin, window_end], each clause's bound
    // over it (already times grow) and their sum. It holds for every document inside it, so
    // the documents of one window share one computation.
    std::vector<double> bound_of(cl.size(), 0.0);
    double window_ub = 0;
    std::uint32_t window_begin = 1, window_end = 0;  // empty
    while (essential < cl.size()) {
      std::uint32_t doc = kNoDoc;
      for (std::size_t i = essential; i < cl.size(); ++i) doc = std::min(doc, cl[i].s->doc());
      if (doc == kNoDoc) break;
      bool skip = false;
      if (top.full()) {
        // Block-max: the posting blocks that hold `doc` bound every document up to the
        // earliest of their ends. If even that bound cannot beat the k-th score, skip the
        // whole window without decoding it.
        if (doc < window_begin || doc > window_end) {
          window_ub = 0;
          window_begin = doc;
          window_end = kNoDoc - 1;
          for (std::size_t i = 0; i < cl.size(); ++i) {
            std::uint32_t block_end = kNoDoc - 1;
            bound_of[i] = cl[i].s->block_max(doc, block_end) * grow;
            window_ub += bound_of[i];
            window_end = std::min(window_end, block_end);
          }
        }
        if (window_ub + kEpsilon <= top.threshold()) {
          const std::uint32_t next = window_end + 1;  // kNoDoc when the window runs to the end
          for (std::size_t i = essential; i < cl.size(); ++i) cl[i].s->advance(next);
          continue;
        }
        // Otherwise bound this one document: clauses not on it contribute nothing.
        double doc_ub = 0;
        for (std::size_t i = 0; i < cl.size(); ++i)
          if (i < essential || cl[i].s->doc() == doc) doc_ub += bound_of[i];
        skip = doc_ub + kEpsilon <= top.threshold();
      }
      if (!skip) {
        std::fill(contrib.begin(), contrib.end(), 0.0);
        double partial = 0;
        for (std::size_t i = essential; i < cl.size(); ++i) {
          if (cl[i].s->doc() != doc) continue;
          const double s = cl[i].s->score();
          contrib[cl[i].order] = s;
          partial += s;
        }
        for (std::size_t i = essential; i-- > 0;) {
          if (top.full() && partial * grow + prefix[i] + kEpsilon <= top.threshold()) {
            skip = true;
            break;
          }
          if (cl[i].s->advance(doc) == doc) {
            const double s = cl[i].s->score();
            contrib[cl[i].order] = s;
            partial += s;
          }
        }
        if (!skip) {
          double score = 0;
          for (double c : contrib) score += c;
          if (req.boost) score *= req.boost(seg.frame_of(doc));
          // The gate (liveness, time, filters) asks the memory about the frame: only for a
          // document whose score could still enter the top k.
          if (!(top.full() && score + kEpsilon <= top.threshold()) && gate(doc)) offer(doc, score);
        }
      }
      for (std::size_t i = essential; i < cl.size(); ++i)
        if (cl[i].s->doc() == doc) cl[i].s->advance(doc + 1);
      update_essential();
    }
    flush();
  }

  std::vector<RankKey> ranked = top.sorted();
  const std::size_t skip = req.after ? 0 : req.offset;
  result.more = ranked.size() > skip + req.k;
  for (std::size_t i = skip; i < ranked.size() && i < skip + req.k; ++i) {
    RawHit h;
    h.frame = ranked[i].frame;
    h.score = ranked[i].score;
    h.chunk = ranked[i].chunk;
    result.hits.push_back(h);
  }
  // Chunk counts come from the segment holding each frame.
  for (RawHit& h : result.hits) {
    for (const auto& s : segments) {
      const auto& f = s->frames();
      auto lo = std::lower_bound(f.begin(), f.end(), h.frame);
      if (lo == f.end() || *lo != h.frame) continue;
      h.chunk_count = static_cast<std::uint32_t>(std::upper_bound(lo, f.end(), h.frame) - lo);
      break;
    }
  }
  return result;
}

}  // namespace memvid::search
