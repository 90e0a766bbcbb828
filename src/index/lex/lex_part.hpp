#pragma once
// The lexical index as a part of index segments: each segment's documents (one per passage)
// with their postings, and a builder for the frames since the last checkpoint. Merged
// segments leave out the documents of frames that are no longer active.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "index/index_part.hpp"
#include "index/lex/lex_builder.hpp"
#include "index/lex/lex_segment.hpp"

namespace memvid::index {

const PartKind& lexical_part_kind();

class LexPart final : public IndexPart {
 public:
  static constexpr PartTag kTag = part_tag("LEX ");
  explicit LexPart(const PartHost& host) : host_(host) {}

  void reset(const IndexManifest& manifest) override;
  void add(AnalyzedFrame& frame) override;
  void forget_from(std::uint64_t frame_end) override;
  BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end, const LiveFn& live) override;
  void abandon() override { pending_.clear(); }

  // Every segment a search reads: the committed ones (opened on first use; a damaged one
  // makes this throw Corrupt naming it), then the buffer's pieces.
  std::vector<std::shared_ptr<const LexSegment>> segments() const;

 private:
  std::shared_ptr<const LexSegment> committed_segment(std::size_t i) const;
  std::shared_ptr<const LexSegment> open_buffer_bytes(std::vector<std::uint8_t> bytes, const char* what) const;
  void catch_up_tail() const;

  PartHost host_;
  std::vector<IndexSegmentRef> refs_;
  mutable std::vector<std::shared_ptr<const LexSegment>> opened_;
  // The frames since the last checkpoint. A checkpoint encodes them whole; searches read
  // them as tail_: pieces sealed as searches come, the newest smallest, merged as a binary
  // counter merges (a piece into the one before it when that one is no larger), so that
  // there are O(log n) pieces and each document is re-encoded O(log n) times in all.
  mutable LexBuilder buffer_;
  mutable std::vector<std::shared_ptr<const LexSegment>> tail_;
  std::map<std::uint64_t, std::pair<format::Checksum16, std::shared_ptr<const LexSegment>>> pending_;
};

}  // namespace memvid::index
