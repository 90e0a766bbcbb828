#include "index/lex/lex_builder.hpp"

#include <algorithm>

#include <xxhash.h>

#include "index/lex/lex_segment.hpp"

namespace memvid::index {

void LexBuilder::add(std::uint64_t frame_id, const TermTable& vocabulary, const TermPositions& title,
                     const TermPositions& body, std::span<const std::string> keywords) {
  const auto doc = static_cast<std::uint32_t>(docs_.size());
  // Group this document's tokens by term: intern each token, then sort 64-bit keys
  // (term id, field, position) and walk the runs; titles sort before bodies, as the
  // posting stores them.
  scratch_.clear();
  auto add_keys = [&](const TermPositions& words, std::uint64_t field) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string_view term = vocabulary.term(words.terms[i]);
      if (term.empty() || term.size() > kMaxTermBytes) {
        scratch_.push_back(~0ull);
        continue;
      }
      const std::uint32_t id = terms_.intern(term, vocabulary.hash(words.terms[i]));
      scratch_.push_back((std::uint64_t{id} << 32) | (field << 31) | (words.positions[i] & 0x7FFFFFFFu));
    }
  };
  add_keys(title, 0);
  add_keys(body, 1);
  std::sort(scratch_.begin(), scratch_.end());
  for (std::size_t i = 0; i < scratch_.size() && scratch_[i] != ~0ull;) {
    const auto id = static_cast<std::uint32_t>(scratch_[i] >> 32);
    std::size_t j = i;
    std::uint32_t n_title = 0;
    while (j < scratch_.size() && (scratch_[j] >> 32) == id) n_title += ((scratch_[j++] >> 31) & 1) == 0;
    if (id >= postings_.size()) postings_.resize(id + 1);
    auto& list = postings_[id];
    list.push_back(doc);
    list.push_back(n_title);
    list.push_back(static_cast<std::uint32_t>(j - i) - n_title);
    for (std::size_t k = i; k < j; ++k) list.push_back(static_cast<std::uint32_t>(scratch_[k] & 0x7FFFFFFFu));
    i = j;
  }
  for (const std::string& k : keywords) {
    if (k.empty() || k.size() > kMaxTermBytes) continue;
    const std::uint32_t id = terms_.intern(k);
    if (id >= postings_.size()) postings_.resize(id + 1);
    auto& list = postings_[id];
    // A value given twice (two equal tags) is one posting.
    if (list.size() >= 3 && list[list.size() - 3] == doc && list[list.size() - 2] == 0 && list.back() == 0) continue;
    list.insert(list.end(), {doc, 0u, 0u});
  }
  docs_.push_back({frame_id, static_cast<std::uint32_t>(title.size()), static_cast<std::uint32_t>(body.size())});
}

void LexBuilder::drop_frames_from(std::uint64_t frame_id) {
  auto it = std::lower_bound(docs_.begin(), docs_.end(), frame_id,
                             [](const Doc& d, std::uint64_t f) { return d.frame_id < f; });
  const auto cut = static_cast<std::uint32_t>(it - docs_.begin());
  if (cut == docs_.size()) return;
  docs_.erase(it, docs_.end());
  for (auto& list : postings_) {
    std::size_t i = 0;
    while (i < list.size() && list[i] < cut) i += 3 + list[i + 1] + list[i + 2];
    list.resize(i);
  }
}

std::vector<std::uint8_t> LexBuilder::encode() const {
  std::vector<std::uint32_t> order;
  order.reserve(postings_.size());
  for (std::uint32_t id = 0; id < postings_.size(); ++id)
    if (!postings_[id].empty()) order.push_back(id);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return terms_.term(a) < terms_.term(b); });
  SegmentWriter writer;
  PostingListWriter list;
  std::vector<std::uint8_t> docs, positions;
  for (std::uint32_t id : order) {
    const auto& data = postings_[id];
    for (std::size_t i = 0; i < data.size();) {
      const std::uint32_t doc = data[i], nt = data[i + 1], nb = data[i + 2];
      std::span<const std::uint32_t> tp(data.data() + i + 3, nt), bp(data.data() + i + 3 + nt, nb);
      list.add(doc, tp, bp, std::min(docs_[doc].title_len, kMaxTitleLength), std::min(docs_[doc].body_len, kMaxBodyLength));
      i += 3 + nt + nb;
    }
    const std::uint32_t df = list.count();
    list.finish(docs, positions);
    writer.add_term(terms_.term(id), df, docs, positions);
  }
  for (const Doc& d : docs_) writer.add_doc(d.frame_id, d.title_len, d.body_len);
  return writer.finish();
}

}  // namespace memvid::index
