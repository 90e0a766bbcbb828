#pragma once
// An immutable lexical index segment: the inverted index of a run of frames. docs/FORMAT.md
// ("Lexical segment") has the byte layout. In short:
//   postings   each term's docs part and positions part (index/postings.hpp), term order
//   dictionary blocks of 64 terms, front-coded, each with its own checksum; per term the
//              document frequency, part lengths and a checksum of each part
//   columns    frame id of every document (varint deltas), field lengths (3 bytes a doc),
//              and the block index (first term and place of each dictionary block)
//   trailer    counts, sums and offsets, then its BLAKE3 checksum
// A search reads the columns once, then one dictionary block and one posting list per query
// term: nothing is proportional to the segment's size except the small columns.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/checksum.hpp"
#include "index/byte_source.hpp"
#include "index/lex/postings.hpp"

namespace memvid::index {

inline constexpr std::uint32_t kMaxBodyLength = 0xFFFF;
inline constexpr std::uint32_t kMaxTitleLength = 0xFF;
inline constexpr std::size_t kTermsPerBlock = 64;
inline constexpr std::size_t kMaxTermBytes = 255;

// Keyword terms (filters) share the dictionary with words; a control byte keeps them apart
// from anything the analyzer produces and groups each field's values together.
inline constexpr char kTagPrefix[] = "\x01t";
inline constexpr char kLabelPrefix[] = "\x01l";
inline constexpr char kKindPrefix[] = "\x01k";
inline constexpr char kUriPrefix[] = "\x01u";

struct TermInfo {
  std::uint32_t df = 0;
  std::uint64_t docs_offset = 0;  // inside the segment
  std::uint64_t docs_length = 0;
  std::uint64_t positions_offset = 0;
  std::uint64_t positions_length = 0;
  std::uint32_t docs_hash = 0;
  std::uint32_t positions_hash = 0;
};

// Assembles a segment from terms given in ascending byte order.
class SegmentWriter {
 public:
  void add_term(std::string_view term, std::uint32_t df, const std::vector<std::uint8_t>& docs,
                const std::vector<std::uint8_t>& positions);
  // One call per document, in document order.
  void add_doc(std::uint64_t frame_id, std::uint32_t title_len, std::uint32_t body_len);
  std::uint32_t doc_count() const { return static_cast<std::uint32_t>(frames_.size()); }
  std::vector<std::uint8_t> finish();

 private:
  void close_dict_block();
  std::vector<std::uint8_t> postings_;
  std::vector<std::uint8_t> dict_;
  std::vector<std::uint8_t> block_;
  std::vector<std::uint8_t> index_;
  std::vector<std::uint64_t> frames_;
  std::vector<std::uint8_t> norms_;
  std::string prev_term_;
  std::size_t terms_in_block_ = 0;
  std::uint64_t block_base_ = 0;
  std::uint64_t term_count_ = 0;
  std::uint64_t sum_body_ = 0, sum_title_ = 0;
  std::uint32_t index_blocks_ = 0;
};

class LexSegment {
 public:
  // Reads and checks the trailer and the columns. expected: the checksum the manifest names.
  static std::shared_ptr<const LexSegment> open(std::shared_ptr<const ByteSource> source, std::uint64_t offset,
                                                std::uint64_t length, const format::Checksum16* expected,
                                                std::string what);

  std::uint32_t doc_count() const { return static_cast<std::uint32_t>(frames_.size()); }
  std::uint64_t term_count() const { return term_count_; }
  std::uint64_t sum_body_length() const { return sum_body_; }
  std::uint64_t sum_title_length() const { return sum_title_; }
  std::uint64_t frame_of(std::uint32_t doc) const { return frames_[doc]; }
  const std::vector<std::uint64_t>& frames() const { return frames_; }
  std::uint32_t body_length(std::uint32_t doc) const {
    return static_cast<std::uint32_t>(norms_[3 * doc] | (norms_[3 * doc + 1] << 8));
  }
  std::uint32_t title_length(std::uint32_t doc) const { return norms_[3 * doc + 2]; }
  std::uint64_t length() const { return length_; }

  std::optional<TermInfo> lookup(std::string_view term) const;
  // Every term starting with prefix, in order (stops when fn returns false).
  void scan(std::string_view prefix, const std::function<bool(std::string_view, const TermInfo&)>& fn) const;
  PostingCursor cursor(const TermInfo& info, std::string_view term) const;

 private:
  struct BlockRef {
    std::string first_term;
    std::uint64_t offset = 0;  // inside the segment
    std::uint64_t length = 0;
    std::uint64_t postings_base = 0;
  };
  LexSegment() = default;
  void read_block(std::size_t b, const std::function<bool(std::string_view, const TermInfo&)>& fn) const;
  std::shared_ptr<const std::vector<std::uint8_t>> read_checked(std::uint64_t offset, std::uint64_t length,
                                                                std::uint32_t hash, const char* part) const;
  [[noreturn]] void fail(const std::string& why) const;

  std::shared_ptr<const ByteSource> source_;
  std::uint64_t offset_ = 0, length_ = 0;
  std::string what_;
  std::uint64_t term_count_ = 0, sum_body_ = 0, sum_title_ = 0;
  std::uint64_t dict_offset_ = 0, dict_length_ = 0;
  std::vector<std::uint64_t> frames_;
  // The columns in place (mapped where the source can): the norms are read there.
  std::shared_ptr<const FileView> columns_;
  const std::uint8_t* norms_ = nullptr;
  std::vector<BlockRef> blocks_;
};

std::uint32_t part_hash(std::span<const std::uint8_t> bytes);
// The document count a segment's trailer records (for segments this process just wrote).
std::uint64_t encoded_doc_count(std::span<const std::uint8_t> segment);

}  // namespace memvid::index
