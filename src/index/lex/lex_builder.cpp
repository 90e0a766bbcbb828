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
    auto& list = list_of(id);
    list.push_back(doc);
    list.push_back(n_title);
    list.push_back(static_cast<std::uint32_t>(j - i) - n_title);
    for (std::size_t k = i; k < j; ++k) list.push_back(static_cast<std::uint32_t>(scratch_[k] & 0x7FFFFFFFu));
    i = j;
  }
  for (const std::string& k : keywords) {
    if (k.empty() || k.size() > kMaxTermBytes) continue;
    const std::uint32_t id = terms_.intern(k);
    auto& list = list_of(id);
    // A value given twice (two equal tags) is one posting.
    if (list.size() >= 3 && list[list.size() - 3] == doc && list[list.size() - 2] == 0 && list.back() == 0) continue;
    list.insert(list.end(), {doc, 0u, 0u});
  }
  docs_.push_back({frame_id, static_cast<std::uint32_t>(title.size()), static_cast<std::uint32_t>(body.size())});
}

std::vector<std::uint32_t>& LexBuilder::list_of(std::uint32_t id) {
  if (id >= postings_.size()) {
    postings_.resize(id + 1);
    touched_epoch_.resize(id + 1, 0);
  }
  if (touched_epoch_[id] != epoch_) {
    touched_epoch_[id] = epoch_;
    touched_.emplace_back(id, postings_[id].size());
  }
  return postings_[id];
}

bool LexBuilder::drop_frames_from(std::uint64_t frame_id) {
  auto it = std::lower_bound(docs_.begin(), docs_.end(), frame_id,
                             [](const Doc& d, std::uint64_t f) { return d.frame_id < f; });
  const auto cut = static_cast<std::uint32_t>(it - docs_.begin());
  if (cut == docs_.size()) return false;
  docs_.erase(it, docs_.end());
  for (auto& list : postings_) {
    std::size_t i = 0;
    while (i < list.size() && list[i] < cut) i += 3 + list[i + 1] + list[i + 2];
    list.resize(i);
  }
  if (cut >= sealed_docs_) {
    // The unsealed postings of each touched term start at or before the cut.
    std::erase_if(touched_, [&](const auto& t) { return t.second >= postings_[t.first].size(); });
    for (auto& e : touched_epoch_) e = e == epoch_ ? 0 : e;
    for (const auto& t : touched_) touched_epoch_[t.first] = epoch_;
    return false;
  }
  // Sealed documents went: everything left is unsealed again.
  sealed_docs_ = 0;
  ++epoch_;
  touched_.clear();
  for (std::uint32_t id = 0; id < postings_.size(); ++id) {
    if (postings_[id].empty()) continue;
    touched_epoch_[id] = epoch_;
    touched_.emplace_back(id, 0);
  }
  return true;
}

std::vector<std::uint8_t> LexBuilder::encode() const {
  std::vector<std::pair<std::uint32_t, std::size_t>> all;
  all.reserve(postings_.size());
  for (std::uint32_t id = 0; id < postings_.size(); ++id)
    if (!postings_[id].empty()) all.emplace_back(id, 0);
  return encode_from(0, std::move(all));
}

std::vector<std::uint8_t> LexBuilder::encode_unsealed() {
  std::vector<std::pair<std::uint32_t, std::size_t>> starts;
  starts.swap(touched_);
  std::erase_if(starts, [&](const auto& t) { return t.second >= postings_[t.first].size(); });
  auto bytes = encode_from(sealed_docs_, std::move(starts));
  sealed_docs_ = doc_count();
  ++epoch_;
  return bytes;
}

std::vector<std::uint8_t> LexBuilder::encode_sealing_all() {
  auto bytes = encode();
  sealed_docs_ = doc_count();
  touched_.clear();
  ++epoch_;
  return bytes;
}

std::vector<std::uint8_t> LexBuilder::encode_from(std::uint32_t first_doc,
                                              std::vector<std::pair<std::uint32_t, std::size_t>> term_starts) const {
  std::sort(term_starts.begin(), term_starts.end(),
            [&](const auto& a, const auto& b) { return terms_.term(a.first) < terms_.term(b.first); });
  SegmentWriter writer;
  PostingListWriter list;
  std::vector<std::uint8_t> docs, positions;
  for (const auto& [id, start] : term_starts) {
    const auto& data = postings_[id];
    for (std::size_t i = start; i < data.size();) {
      const std::uint32_t doc = data[i], nt = data[i + 1], nb = data[i + 2];
      std::span<const std::uint32_t> tp(data.data() + i + 3, nt), bp(data.data() + i + 3 + nt, nb);
      list.add(doc - first_doc, tp, bp, std::min(docs_[doc].title_len, kMaxTitleLength),
               std::min(docs_[doc].body_len, kMaxBodyLength));
      i += 3 + nt + nb;
    }
    const std::uint32_t df = list.count();
    list.finish(docs, positions);
    writer.add_term(terms_.term(id), df, docs, positions);
  }
  for (std::size_t d = first_doc; d < docs_.size(); ++d) writer.add_doc(docs_[d].frame_id, docs_[d].title_len, docs_[d].body_len);
  return writer.finish();
}

}  // namespace memvid::index
