#pragma once
// The lexical index of frames written since the last checkpoint, held in memory. A search
// encodes it as a segment (the same bytes a checkpoint writes), so one code path reads both.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/term_table.hpp"

namespace memvid::index {

class LexBuilder {
 public:
  // One document (a chunk of a frame). Frame ids must not decrease. keywords: prefixed
  // filter terms (index/lex_segment.hpp).
  void add(std::uint64_t frame_id, const TermTable& vocabulary, const TermPositions& title, const TermPositions& body,
           std::span<const std::string> keywords);
  // Forgets every document of frames >= frame_id (a rolled-back transaction).
  void drop_frames_from(std::uint64_t frame_id);
  std::uint32_t doc_count() const { return static_cast<std::uint32_t>(docs_.size()); }
  std::vector<std::uint8_t> encode() const;
  void clear() { *this = LexBuilder{}; }

 private:
  struct Doc {
    std::uint64_t frame_id;
    std::uint32_t title_len;
    std::uint32_t body_len;
  };
  TermTable terms_;
  // Per term id, per posting: doc, title position count, body position count, positions.
  std::vector<std::vector<std::uint32_t>> postings_;
  std::vector<Doc> docs_;
  std::vector<std::uint64_t> scratch_;
};

}  // namespace memvid::index
