#pragma once
// Document iterators over one lexical segment, each able to score the document it is on and
// to bound its scores from above (globally and per posting block): the pieces a query is
// compiled into, and what the top-k loop prunes with.
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "index/lex/lex_segment.hpp"
#include "index/lex/postings.hpp"

namespace memvid::search {

using index::kNoDoc;

// BM25F (Robertson's simple BM25F): title and body term frequencies and lengths are
// combined with the title weight before the usual BM25 saturation and length normalization.
struct Bm25 {
  double k1 = 1.2;
  double b = 0.75;
  double title_weight = 2.0;
  double avg_length = 1;  // average of body_len + title_weight * title_len over all documents
  double total_docs = 0;

  double idf(double df) const;
  // tf and len already combined (tf_body + w * tf_title, body_len + w * title_len).
  double tf_part(double tf, double len) const {
    if (tf <= 0) return 0;
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_length));
  }
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  virtual std::uint32_t doc() const = 0;
  // The first matching document >= target (kNoDoc at the end); never moves backwards.
  virtual std::uint32_t advance(std::uint32_t target) = 0;
  virtual double score() = 0;  // of doc(), which must not be kNoDoc
  virtual double max_score() const = 0;
  // A bound on the score of any document in [target, block_end] (block_end set by the call).
  virtual double block_max(std::uint32_t target, std::uint32_t& block_end) {
    block_end = kNoDoc - 1;
    (void)target;
    return max_score();
  }
  virtual std::uint64_t cost() const = 0;  // about how many documents match
  // From the searcher, as its k-th score rises: a matching document whose score here is at
  // most `score` cannot enter the results, so advance() may pass over it when telling it
  // apart costs more than finding it (a phrase's positions). Never given to a scorer used as
  // a filter or an exclusion, whose matches must all be seen.
  virtual void set_min_competitive(double score) { (void)score; }
};

enum class TermField { Both, TitleOnly };

class TermScorer final : public Scorer {
 public:
  TermScorer(index::PostingCursor cursor, const index::LexSegment& segment, const Bm25& bm25, double idf,
             TermField field);
  std::uint32_t doc() const override { return cursor_.doc(); }
  std::uint32_t advance(std::uint32_t target) override;
  double score() override;
  double max_score() const override { return max_; }
  double block_max(std::uint32_t target, std::uint32_t& block_end) override;
  std::uint64_t cost() const override { return cursor_.df(); }

 private:
  double bound(const index::BlockMeta& m) const;
  bool matches() const { return field_ == TermField::Both || cursor_.tf_title() > 0; }
  index::PostingCursor cursor_;
  const index::LexSegment& segment_;
  const Bm25& bm25_;
  double idf_;
  TermField field_;
  double max_ = 0;
  std::vector<double> block_bounds_;
};

// Terms at fixed relative positions (stop-words inside a phrase leave gaps), matched within
// the title or within the body; the phrase frequency is scored like a term frequency.
class PhraseScorer final : public Scorer {
 public:
  PhraseScorer(std::vector<index::PostingCursor> cursors, std::vector<std::uint32_t> offsets,
               const index::LexSegment& segment, const Bm25& bm25, double idf, TermField field);
  std::uint32_t doc() const override { return doc_; }
  std::uint32_t advance(std::uint32_t target) override;
  double score() override;
  double max_score() const override;
  double block_max(std::uint32_t target, std::uint32_t& block_end) override;
  std::uint64_t cost() const override;
  void set_min_competitive(double score) override { min_competitive_ = score; }

 private:
  std::uint32_t seek(std::uint32_t target);
  double upper_bound() const;  // of score() at the document every cursor sits on
  bool count_matches();
  std::uint32_t count_in(const std::vector<std::vector<std::uint32_t>>& lists) const;
  std::vector<index::PostingCursor> cursors_;
  std::vector<std::uint32_t> offsets_;
  const index::LexSegment& segment_;
  const Bm25& bm25_;
  double idf_;
  TermField field_;
  std::uint32_t doc_ = 0;
  std::uint32_t title_freq_ = 0, body_freq_ = 0;
  std::vector<std::vector<std::uint32_t>> title_pos_, body_pos_;
  double min_competitive_ = -std::numeric_limits<double>::infinity();
};

// A fixed, sorted set of documents that scores nothing (filters: tags, dates, ...).
class DocSetScorer final : public Scorer {
 public:
  explicit DocSetScorer(std::vector<std::uint32_t> docs) : docs_(std::move(docs)) {}
  std::uint32_t doc() const override { return at_ < docs_.size() ? docs_[at_] : kNoDoc; }
  std::uint32_t advance(std::uint32_t target) override;
  double score() override { return 0; }
  double max_score() const override { return 0; }
  std::uint64_t cost() const override { return docs_.size(); }

 private:
  std::vector<std::uint32_t> docs_;
  std::size_t at_ = 0;
};

// Every child must match; the score is the sum of the children's.
class AndScorer final : public Scorer {
 public:
  explicit AndScorer(std::vector<std::unique_ptr<Scorer>> children);
  std::uint32_t doc() const override { return doc_; }
  std::uint32_t advance(std::uint32_t target) override;
  double score() override;
  double max_score() const override;
  std::uint64_t cost() const override { return children_.front()->cost(); }

 private:
  std::uint32_t settle(std::uint32_t target);
  std::vector<std::unique_ptr<Scorer>> children_;  // cheapest first
  std::uint32_t doc_ = 0;
};

// Any child may match; the score is the sum of those that do.
class OrScorer final : public Scorer {
 public:
  explicit OrScorer(std::vector<std::unique_ptr<Scorer>> children);
  std::uint32_t doc() const override { return doc_; }
  std::uint32_t advance(std::uint32_t target) override;
  double score() override;
  double max_score() const override;
  std::uint64_t cost() const override;

 private:
  std::vector<std::unique_ptr<Scorer>> children_;
  std::uint32_t doc_ = 0;
};

// The positive side's documents that the negative side does not match.
class ExcludeScorer final : public Scorer {
 public:
  ExcludeScorer(std::unique_ptr<Scorer> positive, std::unique_ptr<Scorer> negative);
  std::uint32_t doc() const override { return positive_->doc(); }
  std::uint32_t advance(std::uint32_t target) override;
  double score() override { return positive_->score(); }
  double max_score() const override { return positive_->max_score(); }
  std::uint64_t cost() const override { return positive_->cost(); }

 private:
  std::unique_ptr<Scorer> positive_, negative_;
};

}  // namespace memvid::search
