#include "index/lex/lex_merge.hpp"

#include <queue>
#include <string>

namespace memvid::index {

std::vector<std::uint8_t> merge_lex_segments(std::span<const std::shared_ptr<const LexSegment>> inputs,
                                             const std::function<bool(std::uint64_t frame_id)>& live) {
  SegmentWriter writer;
  // New document numbers: the live documents of every input, in order.
  std::vector<std::vector<std::uint32_t>> remap(inputs.size());
  for (std::size_t s = 0; s < inputs.size(); ++s) {
    const LexSegment& seg = *inputs[s];
    remap[s].assign(seg.doc_count(), kNoDoc);
    for (std::uint32_t d = 0; d < seg.doc_count(); ++d) {
      if (!live(seg.frame_of(d))) continue;
      remap[s][d] = writer.doc_count();
      writer.add_doc(seg.frame_of(d), seg.title_length(d), seg.body_length(d));
    }
  }
  // Each input's dictionary, then a k-way merge by term.
  std::vector<std::vector<std::pair<std::string, TermInfo>>> dicts(inputs.size());
  for (std::size_t s = 0; s < inputs.size(); ++s) {
    dicts[s].reserve(inputs[s]->term_count());
    inputs[s]->scan("", [&](std::string_view t, const TermInfo& info) {
      dicts[s].emplace_back(std::string(t), info);
      return true;
    });
  }
  using Head = std::pair<std::string_view, std::size_t>;  // term, input
  auto later = [](const Head& a, const Head& b) { return a.first != b.first ? a.first > b.first : a.second > b.second; };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heap(later);
  std::vector<std::size_t> next(inputs.size(), 0);
  for (std::size_t s = 0; s < inputs.size(); ++s)
    if (!dicts[s].empty()) heap.emplace(dicts[s][0].first, s);

  PostingListWriter list;
  std::vector<std::uint8_t> docs, positions;
  std::vector<std::uint32_t> tp, bp;
  while (!heap.empty()) {
    const std::string term(heap.top().first);
    while (!heap.empty() && heap.top().first == term) {
      const std::size_t s = heap.top().second;
      heap.pop();
      const TermInfo& info = dicts[s][next[s]].second;
      const LexSegment& seg = *inputs[s];
      PostingCursor c = seg.cursor(info, term);
      for (std::uint32_t d = c.doc(); d != kNoDoc; d = c.next()) {
        const std::uint32_t nd = remap[s][d];
        if (nd == kNoDoc) continue;
        if (c.tf_body() == 0 && c.tf_title() == 0) {
          list.add_keyword(nd);
        } else {
          c.positions(tp, bp);
          list.add(nd, tp, bp, seg.title_length(d), seg.body_length(d));
        }
      }
      if (++next[s] < dicts[s].size()) heap.emplace(dicts[s][next[s]].first, s);
    }
    const std::uint32_t df = list.count();
    list.finish(docs, positions);
    if (df > 0) writer.add_term(term, df, docs, positions);
  }
  return writer.finish();
}

}  // namespace memvid::index
