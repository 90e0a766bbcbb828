#pragma once
// The lexical index of frames written since the last checkpoint, held in memory. A search
// encodes it as a segment (the same bytes a checkpoint writes), so one code path reads both.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text/analyzer.hpp"

namespace memvid::index {

// Interns terms as dense ids: one hash probe per distinct term of a document, and no
// allocation per lookup (ingest spends most of its time here).
class TermTable {
 public:
  std::uint32_t intern(std::string_view term);
  std::string_view term(std::uint32_t id) const { return {arena_.data() + spans_[id].first, spans_[id].second}; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(spans_.size()); }

 private:
  void grow();
  std::vector<std::uint32_t> slots_;  // 0: empty, else id + 1
  std::vector<std::uint64_t> hashes_;
  std::string arena_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans_;
};

class LexBuilder {
 public:
  // One document (a chunk of a frame). Frame ids must not decrease. keywords: prefixed
  // filter terms (index/lex_segment.hpp).
  void add(std::uint64_t frame_id, std::span<const text::Token> title, std::span<const text::Token> body,
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
