#include "index/lex_builder.hpp"

#include <algorithm>
#include <string_view>

#include "index/lex_segment.hpp"

namespace memvid::index {

void LexBuilder::add(std::uint64_t frame_id, std::span<const text::Token> title, std::span<const text::Token> body,
                     std::span<const std::string> keywords) {
  const auto doc = static_cast<std::uint32_t>(docs_.size());
  // Group this document's tokens by term, keeping positions in order per field.
  struct Occ {
    std::vector<std::uint32_t> title, body;
  };
  std::unordered_map<std::string_view, Occ> local;
  local.reserve(title.size() + body.size());
  for (const auto& t : title) local[t.term].title.push_back(t.position);
  for (const auto& t : body) local[t.term].body.push_back(t.position);
  for (auto& [term, occ] : local) {
    if (term.empty() || term.size() > kMaxTermBytes) continue;
    auto& list = postings_[std::string(term)];
    list.push_back(doc);
    list.push_back(static_cast<std::uint32_t>(occ.title.size()));
    list.push_back(static_cast<std::uint32_t>(occ.body.size()));
    list.insert(list.end(), occ.title.begin(), occ.title.end());
    list.insert(list.end(), occ.body.begin(), occ.body.end());
  }
  for (const std::string& k : keywords) {
    if (k.empty() || k.size() > kMaxTermBytes) continue;
    auto& list = postings_[k];
    // A value given twice (two equal tags) is one posting.
    if (list.size() >= 3 && list[list.size() - 3] == doc) continue;
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
  for (auto p = postings_.begin(); p != postings_.end();) {
    auto& list = p->second;
    std::size_t i = 0;
    while (i < list.size() && list[i] < cut) i += 3 + list[i + 1] + list[i + 2];
    list.resize(i);
    p = list.empty() ? postings_.erase(p) : std::next(p);
  }
}

std::vector<std::uint8_t> LexBuilder::encode() const {
  std::vector<const std::pair<const std::string, std::vector<std::uint32_t>>*> terms;
  terms.reserve(postings_.size());
  for (const auto& p : postings_) terms.push_back(&p);
  std::sort(terms.begin(), terms.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  SegmentWriter writer;
  PostingListWriter list;
  std::vector<std::uint8_t> docs, positions;
  for (const auto* t : terms) {
    const auto& data = t->second;
    for (std::size_t i = 0; i < data.size();) {
      const std::uint32_t doc = data[i], nt = data[i + 1], nb = data[i + 2];
      std::span<const std::uint32_t> tp(data.data() + i + 3, nt), bp(data.data() + i + 3 + nt, nb);
      list.add(doc, tp, bp, std::min(docs_[doc].title_len, kMaxTitleLength), std::min(docs_[doc].body_len, kMaxBodyLength));
      i += 3 + nt + nb;
    }
    const std::uint32_t df = list.count();
    list.finish(docs, positions);
    writer.add_term(t->first, df, docs, positions);
  }
  for (const Doc& d : docs_) writer.add_doc(d.frame_id, d.title_len, d.body_len);
  return writer.finish();
}

}  // namespace memvid::index
