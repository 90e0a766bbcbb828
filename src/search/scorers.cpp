#include "search/scorers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace memvid::search {

double Bm25::idf(double df) const { return std::log(1 + (total_docs - df + 0.5) / (df + 0.5)); }

// ---------------------------------------------------------------------------------------

TermScorer::TermScorer(index::PostingCursor cursor, const index::LexSegment& segment, const Bm25& bm25, double idf,
                       TermField field)
    : cursor_(std::move(cursor)), segment_(segment), bm25_(bm25), idf_(idf), field_(field) {
  block_bounds_.reserve(cursor_.blocks().size());
  for (const auto& m : cursor_.blocks()) {
    block_bounds_.push_back(bound(m));
    max_ = std::max(max_, block_bounds_.back());
  }
  if (!matches()) advance(cursor_.doc() + 1);
}

double TermScorer::bound(const index::BlockMeta& m) const {
  // Scores grow with tf and shrink with length, so the block's largest frequencies with its
  // smallest lengths bound every document in it (they may come from different documents).
  const double w = bm25_.title_weight;
  const double tf = (field_ == TermField::Both ? m.max_tf_body : 0) + w * m.max_tf_title;
  const double len = m.min_body_len + w * m.min_title_len;
  return idf_ * bm25_.tf_part(tf, len);
}

std::uint32_t TermScorer::advance(std::uint32_t target) {
  std::uint32_t d = cursor_.advance(target);
  while (d != kNoDoc && !matches()) d = cursor_.next();
  return d;
}

double TermScorer::score() {
  const std::uint32_t d = cursor_.doc();
  const double w = bm25_.title_weight;
  const double tf = (field_ == TermField::Both ? cursor_.tf_body() : 0) + w * cursor_.tf_title();
  const double len = segment_.body_length(d) + w * segment_.title_length(d);
  return idf_ * bm25_.tf_part(tf, len);
}

double TermScorer::block_max(std::uint32_t target, std::uint32_t& block_end) {
  const std::size_t b = cursor_.block_for(target);
  if (b >= block_bounds_.size()) {
    block_end = kNoDoc - 1;
    return 0;
  }
  block_end = cursor_.blocks()[b].last_doc;
  return block_bounds_[b];
}

// ---------------------------------------------------------------------------------------

PhraseScorer::PhraseScorer(std::vector<index::PostingCursor> cursors, std::vector<std::uint32_t> offsets,
                           const index::LexSegment& segment, const Bm25& bm25, double idf, TermField field)
    : cursors_(std::move(cursors)), offsets_(std::move(offsets)), segment_(segment), bm25_(bm25), idf_(idf),
      field_(field), title_pos_(cursors_.size()), body_pos_(cursors_.size()) {
  seek(0);
}

double PhraseScorer::max_score() const { return idf_ * (bm25_.k1 + 1); }

double PhraseScorer::block_max(std::uint32_t target, std::uint32_t& block_end) {
  // A phrase occurs at most as often as its rarest word, in a document at least as long as
  // the longest of the words' block minimums; the window ends where the first block ends.
  const double w = bm25_.title_weight;
  double tf = std::numeric_limits<double>::infinity(), len = 0;
  block_end = kNoDoc - 1;
  for (const auto& c : cursors_) {
    const std::size_t b = c.block_for(target);
    if (b >= c.blocks().size()) return 0;
    const index::BlockMeta& m = c.blocks()[b];
    tf = std::min(tf, (field_ == TermField::Both ? m.max_tf_body : 0) + w * m.max_tf_title);
    len = std::max(len, m.min_body_len + w * m.min_title_len);
    block_end = std::min(block_end, m.last_doc);
  }
  return idf_ * bm25_.tf_part(tf, len);
}

std::uint64_t PhraseScorer::cost() const {
  std::uint64_t c = ~0ull;
  for (const auto& cur : cursors_) c = std::min<std::uint64_t>(c, cur.df());
  return c;
}

std::uint32_t PhraseScorer::count_in(const std::vector<std::vector<std::uint32_t>>& lists) const {
  // Start positions p with p + offset_i in list i for every i.
  std::uint32_t n = 0;
  for (std::uint32_t p0 : lists[0]) {
    if (p0 < offsets_[0]) continue;
    const std::uint32_t start = p0 - offsets_[0];
    bool all = true;
    for (std::size_t i = 1; i < lists.size() && all; ++i)
      all = std::binary_search(lists[i].begin(), lists[i].end(), start + offsets_[i]);
    if (all) ++n;
  }
  return n;
}

double PhraseScorer::upper_bound() const {
  // A phrase occurs in a field at most as often as each of its words does there.
  std::uint32_t body = std::numeric_limits<std::uint32_t>::max(), title = body;
  for (const auto& c : cursors_) {
    body = std::min(body, c.tf_body());
    title = std::min(title, c.tf_title());
  }
  const double w = bm25_.title_weight;
  const double tf = (field_ == TermField::Both ? body : 0) + w * title;
  const double len = segment_.body_length(doc_) + w * segment_.title_length(doc_);
  return idf_ * bm25_.tf_part(tf, len);
}

bool PhraseScorer::count_matches() {
  for (std::size_t i = 0; i < cursors_.size(); ++i) cursors_[i].positions(title_pos_[i], body_pos_[i]);
  title_freq_ = count_in(title_pos_);
  body_freq_ = field_ == TermField::Both ? count_in(body_pos_) : 0;
  return title_freq_ + body_freq_ > 0;
}

std::uint32_t PhraseScorer::advance(std::uint32_t target) {
  if (doc_ == kNoDoc || doc_ >= target) return doc_;
  return seek(target);
}

std::uint32_t PhraseScorer::seek(std::uint32_t target) {
  std::uint32_t t = target;
  for (;;) {
    // Leapfrog until every cursor sits on the same document.
    std::uint32_t d = cursors_[0].advance(t);
    bool agreed = false;
    while (d != kNoDoc && !agreed) {
      agreed = true;
      for (auto& c : cursors_) {
        const std::uint32_t cd = c.advance(d);
        if (cd != d) {
          d = cd;
          agreed = false;
          break;
        }
      }
      if (!agreed && d != kNoDoc) d = cursors_[0].advance(d);
    }
    if (d == kNoDoc) return doc_ = kNoDoc;
    doc_ = d;
    // Two phases: the words' counts bound the phrase's score before its positions are read;
    // a document the searcher would turn away anyway is passed over unread.
    if (upper_bound() > min_competitive_ && count_matches()) return doc_;
    t = d + 1;
  }
}

double PhraseScorer::score() {
  const double w = bm25_.title_weight;
  const double tf = body_freq_ + w * title_freq_;
  const double len = segment_.body_length(doc_) + w * segment_.title_length(doc_);
  return idf_ * bm25_.tf_part(tf, len);
}

// ---------------------------------------------------------------------------------------

std::uint32_t DocSetScorer::advance(std::uint32_t target) {
  if (at_ < docs_.size() && docs_[at_] < target)
    at_ = static_cast<std::size_t>(std::lower_bound(docs_.begin() + static_cast<std::ptrdiff_t>(at_), docs_.end(), target) -
                                   docs_.begin());
  return doc();
}

// ---------------------------------------------------------------------------------------

AndScorer::AndScorer(std::vector<std::unique_ptr<Scorer>> children) : children_(std::move(children)) {
  std::stable_sort(children_.begin(), children_.end(), [](const auto& a, const auto& b) { return a->cost() < b->cost(); });
  doc_ = settle(children_.front()->doc());
}

std::uint32_t AndScorer::settle(std::uint32_t target) {
  std::uint32_t d = children_.front()->advance(target);
  while (d != kNoDoc) {
    bool agreed = true;
    for (std::size_t i = 1; i < children_.size(); ++i) {
      const std::uint32_t cd = children_[i]->advance(d);
      if (cd != d) {
        agreed = false;
        d = cd == kNoDoc ? kNoDoc : children_.front()->advance(cd);
        break;
      }
    }
    if (agreed) break;
  }
  return d;
}

std::uint32_t AndScorer::advance(std::uint32_t target) {
  if (doc_ == kNoDoc || doc_ >= target) return doc_;
  return doc_ = settle(target);
}

double AndScorer::score() {
  double s = 0;
  for (auto& c : children_) s += c->score();
  return s;
}

double AndScorer::max_score() const {
  double s = 0;
  for (const auto& c : children_) s += c->max_score();
  return s;
}

// ---------------------------------------------------------------------------------------

OrScorer::OrScorer(std::vector<std::unique_ptr<Scorer>> children) : children_(std::move(children)) {
  doc_ = kNoDoc;
  for (const auto& c : children_) doc_ = std::min(doc_, c->doc());
}

std::uint32_t OrScorer::advance(std::uint32_t target) {
  if (doc_ == kNoDoc || doc_ >= target) return doc_;
  doc_ = kNoDoc;
  for (auto& c : children_) doc_ = std::min(doc_, c->advance(target));
  return doc_;
}

double OrScorer::score() {
  double s = 0;
  for (auto& c : children_)
    if (c->doc() == doc_) s += c->score();
  return s;
}

double OrScorer::max_score() const {
  double s = 0;
  for (const auto& c : children_) s += c->max_score();
  return s;
}

std::uint64_t OrScorer::cost() const {
  std::uint64_t s = 0;
  for (const auto& c : children_) s += c->cost();
  return s;
}

// ---------------------------------------------------------------------------------------

ExcludeScorer::ExcludeScorer(std::unique_ptr<Scorer> positive, std::unique_ptr<Scorer> negative)
    : positive_(std::move(positive)), negative_(std::move(negative)) {
  advance(positive_->doc());
}

std::uint32_t ExcludeScorer::advance(std::uint32_t target) {
  std::uint32_t d = positive_->advance(target);
  while (d != kNoDoc && negative_->advance(d) == d) d = positive_->advance(d + 1);
  return d;
}

}  // namespace memvid::search
