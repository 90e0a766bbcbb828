#pragma once
// One term's posting list inside a lexical segment: which documents hold the term, how often
// in the body and in the title, and where (positions, for phrases).
//
// Two parts, each with its own checksum in the term dictionary:
//   docs part       varint posting count, then a skip table (one entry per block of 128
//                   postings: last doc, byte sizes, and the largest term frequencies and
//                   smallest lengths in the block), then the blocks. A full block holds its
//                   128 doc deltas, body frequencies and title frequencies bit-packed (a
//                   width byte, then 16 x width bytes each); the last, partial block holds
//                   per posting a doc delta, (tf_body << 1 | has_title) and, if has_title,
//                   tf_title, all varints.
//   positions part  per posting: its title positions then its body positions, each run
//                   delta-encoded; one block's positions are contiguous.
// The skip table lets a search jump over blocks without decoding them, and bound the score
// of every document in a block (block-max pruning) from the block's maxima alone.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace memvid::index {

inline constexpr std::uint32_t kBlockSize = 128;
inline constexpr std::uint32_t kNoDoc = 0xFFFFFFFFu;

struct BlockMeta {
  std::uint32_t first_doc = 0;
  std::uint32_t last_doc = 0;
  std::uint32_t count = 0;
  std::uint64_t docs_offset = 0;  // of the block's first byte inside the docs part
  std::uint64_t docs_bytes = 0;
  std::uint64_t pos_offset = 0;   // inside the positions part
  std::uint64_t pos_bytes = 0;
  std::uint32_t max_tf_body = 0;
  std::uint32_t max_tf_title = 0;
  std::uint32_t min_body_len = 0;
  std::uint32_t min_title_len = 0;
};

class PostingListWriter {
 public:
  // Documents in ascending order. Lengths are the document's field lengths (for the block's
  // minimum); positions are within the field.
  void add(std::uint32_t doc, std::span<const std::uint32_t> title_positions,
           std::span<const std::uint32_t> body_positions, std::uint32_t title_len, std::uint32_t body_len);
  // A posting without positions (keyword terms: tags, labels, kinds, uris).
  void add_keyword(std::uint32_t doc);
  std::uint32_t count() const { return count_; }
  // Writes the two parts and resets the writer.
  void finish(std::vector<std::uint8_t>& docs_out, std::vector<std::uint8_t>& positions_out);

 private:
  void close_block();
  std::vector<std::uint8_t> skip_;
  std::vector<std::uint8_t> blocks_;
  std::vector<std::uint8_t> positions_;
  std::vector<std::uint8_t> block_;
  std::uint32_t deltas_[kBlockSize];
  std::uint32_t tf_body_[kBlockSize];
  std::uint32_t tf_title_[kBlockSize];
  std::uint32_t count_ = 0, in_block_ = 0;
  std::uint32_t prev_doc_ = 0, prev_block_last_ = 0;
  bool any_ = false;
  std::size_t block_pos_start_ = 0;
  BlockMeta meta_;
};

// Walks one posting list. Every number read is checked against the segment's document count
// and the part's length: a damaged list throws Corrupt, it never reads out of bounds.
class PostingCursor {
 public:
  using PositionsLoader = std::function<std::shared_ptr<const std::vector<std::uint8_t>>()>;

  // docs: the docs part; doc_count: documents in the segment; what: names the list in errors.
  PostingCursor(std::shared_ptr<const std::vector<std::uint8_t>> docs, std::uint32_t doc_count,
                PositionsLoader positions, std::string what);

  std::uint32_t df() const { return df_; }
  std::uint32_t doc() const { return doc_; }
  std::uint32_t tf_body() const { return tf_body_[idx_]; }
  std::uint32_t tf_title() const { return tf_title_[idx_]; }
  // Moves to the first document >= target (kNoDoc when none); never moves backwards.
  std::uint32_t advance(std::uint32_t target);
  std::uint32_t next();
  const std::vector<BlockMeta>& blocks() const { return blocks_; }
  // The block that holds target or would (without decoding it); blocks().size() past the end.
  std::size_t block_for(std::uint32_t target) const;
  // Positions of the current posting, within the title and within the body.
  void positions(std::vector<std::uint32_t>& title, std::vector<std::uint32_t>& body);

 private:
  void load_block(std::size_t b);
  [[noreturn]] void fail(const std::string& why) const;

  std::shared_ptr<const std::vector<std::uint8_t>> docs_;
  std::uint32_t doc_count_;
  PositionsLoader load_positions_;
  std::shared_ptr<const std::vector<std::uint8_t>> positions_;
  std::string what_;
  std::uint32_t df_ = 0;
  std::vector<BlockMeta> blocks_;
  std::size_t block_ = 0;  // loaded block
  bool loaded_ = false;
  std::uint32_t doc_ = 0;
  std::size_t idx_ = 0;
  std::uint32_t docs_buf_[kBlockSize];
  std::uint32_t tf_body_[kBlockSize];
  std::uint32_t tf_title_[kBlockSize];
  // Positions read state inside the loaded block: the posting whose positions start at pos_at_.
  std::size_t pos_idx_ = 0;
  std::uint64_t pos_at_ = 0;
};

}  // namespace memvid::index
