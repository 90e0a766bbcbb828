#pragma once
// The lexical index of frames written since the last checkpoint, held in memory. A search
// encodes it as a segment (the same bytes a checkpoint writes), so one code path reads both.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "index/term_table.hpp"

namespace memvid::index {

class LexBuilder {
 public:
  // One document (a chunk of a frame). Frame ids must not decrease. keywords: prefixed
  // filter terms (index/lex_segment.hpp).
  void add(std::uint64_t frame_id, const TermTable& vocabulary, const TermPositions& title, const TermPositions& body,
           std::span<const std::string> keywords);
  // Forgets every document of frames >= frame_id (a rolled-back transaction). Returns true
  // when that took documents encode_unsealed() had already handed out: every document is
  // then unsealed again.
  bool drop_frames_from(std::uint64_t frame_id);
  std::uint32_t doc_count() const { return static_cast<std::uint32_t>(docs_.size()); }
  // Every document, as a checkpoint writes them.
  std::vector<std::uint8_t> encode() const;
  // The documents added since the last call (all of them the first time), numbered from 0,
  // as a segment of their own; they are then sealed. The cost is that of those documents
  // only, however many the builder holds, so that a search after each write does not
  // re-encode all the writes before it.
  std::vector<std::uint8_t> encode_unsealed();
  std::uint32_t unsealed_docs() const { return doc_count() - sealed_docs_; }
  // Every document as one segment (encode()), all of them sealed after.
  std::vector<std::uint8_t> encode_sealing_all();
  void clear() { *this = LexBuilder{}; }

 private:
  struct Doc {
    std::uint64_t frame_id;
    std::uint32_t title_len;
    std::uint32_t body_len;
  };
  // The posting list of term id, marking where its unsealed postings start when it is first
  // touched after a seal.
  std::vector<std::uint32_t>& list_of(std::uint32_t id);
  // Encodes documents [first_doc, end) from the postings each listed term holds from its
  // start offset on (terms sorted by their text), documents renumbered from first_doc.
  std::vector<std::uint8_t> encode_from(std::uint32_t first_doc,
                                        std::vector<std::pair<std::uint32_t, std::size_t>> term_starts) const;

  TermTable terms_;
  // Per term id, per posting: doc, title position count, body position count, positions.
  std::vector<std::vector<std::uint32_t>> postings_;
  // Sealing: documents below sealed_docs_ were encoded by encode_unsealed(). The terms with
  // postings since then, with the offset in their list where those start.
  std::uint32_t sealed_docs_ = 0;
  std::vector<std::uint32_t> touched_epoch_;  // per term id: the seal epoch it was last touched in
  std::uint32_t epoch_ = 1;
  std::vector<std::pair<std::uint32_t, std::size_t>> touched_;
  std::vector<Doc> docs_;
  std::vector<std::uint64_t> scratch_;
};

}  // namespace memvid::index
