#pragma once
// TOC segments: a checkpoint's frame entries, sorted by frame id. Version 3 is read in place:
// entries sit in blocks of 32 with an index of each block's first frame id, and an XXH3-64
// per 4 KiB checks a block the first time a look-up reads it, so that opening a memory of a
// million frames reads a few kilobytes of its TOC instead of decoding all of it. Version 2
// (one delta-coded run and one checksum) is still read, decoded whole.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "format/block_checks.hpp"
#include "format/checksum.hpp"
#include "format/toc.hpp"
#include "memvid/env.hpp"

namespace memvid::format {

inline constexpr std::uint32_t kTocBlockEntries = 32;      // what the writer puts in a block
inline constexpr std::uint32_t kMaxTocBlockEntries = 4096;  // what a reader accepts

// Encodes a version 3 segment (entries strictly ascending by frame id) with per_block entries
// a block; version 2 for tests of the older layout.
std::vector<std::uint8_t> encode_toc_segment(std::span<const TocEntry> entries, std::uint8_t version = 3,
                                             std::uint32_t per_block = kTocBlockEntries);
// Decodes a whole segment of either version, checking every checksum and structure first.
std::vector<TocEntry> decode_toc_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset);
// The same, handing each entry to fn in frame order.
void decode_toc_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                        const std::function<void(const TocEntry&)>& fn);

inline constexpr std::uint64_t kTocSegmentOverhead = 32;  // the smallest segment (version 2, empty)
inline constexpr std::uint64_t kMinEncodedTocEntry = 6;   // six one-byte fields
// Whether a segment of this length can hold this many entries (checked before decoding).
inline constexpr bool toc_segment_length_plausible(std::uint64_t length, std::uint64_t entries) {
  return length >= kTocSegmentOverhead && entries <= (length - kTocSegmentOverhead) / kMinEncodedTocEntry;
}

// One segment as a look-up reads it. Opening checks the header, the block index and the
// checksum table (and that the segment is the one the TOC names); each entry block is checked
// and decoded the first time a look-up needs it, then kept. Damage is Corrupt, a hostile
// structure InvalidToc, found when read. A version 2 segment is decoded whole at open.
// Safe to share between threads.
// What a reader's owner checks of each entry as it is decoded (a frame id within the count, a
// record within the data region); throws to reject it.
using TocEntryCheck = std::function<void(const TocEntry& entry, std::uint64_t segment_offset)>;

class TocSegmentReader {
 public:
  TocSegmentReader(std::shared_ptr<const FileView> bytes, std::uint64_t file_offset, const Checksum16& expected,
                   TocEntryCheck check = {});
  ~TocSegmentReader();
  TocSegmentReader(const TocSegmentReader&) = delete;
  TocSegmentReader& operator=(const TocSegmentReader&) = delete;

  std::uint64_t file_offset() const { return file_offset_; }
  std::uint64_t entry_count() const { return count_; }
  // The smallest and largest frame ids held (both 0 when empty).
  std::uint64_t first_id() const { return first_id_; }
  std::uint64_t last_id() const { return last_id_; }
  // The entry of frame id, or nullptr when this segment holds none; stays valid as long as
  // the reader.
  const TocEntry* find(std::uint64_t id) const;
  // Every entry in frame order; each reference stays valid as long as the reader.
  void visit(const std::function<void(const TocEntry&)>& fn) const;
  // Checks every block against its checksum now (a torn write is found at open).
  void check_blocks() const;

 private:
  using Block = std::vector<TocEntry>;
  const Block& block(std::size_t b) const;
  std::size_t block_of(std::uint64_t id) const;

  std::shared_ptr<const FileView> view_;
  std::uint64_t file_offset_ = 0;
  TocEntryCheck check_;
  std::uint64_t count_ = 0, first_id_ = 0, last_id_ = 0;
  std::uint32_t per_block_ = 0;  // entries per block
  bool dense_ = false;           // every id from first_id_ to last_id_: blocks found by division
  std::uint64_t body_at_ = 0, body_length_ = 0;
  std::vector<std::uint64_t> block_first_;  // each block's first frame id
  std::vector<std::uint64_t> block_at_;     // each block's offset in the body
  BlockChecks checks_;
  mutable std::unique_ptr<std::atomic<const Block*>[]> blocks_;
  mutable std::atomic<std::size_t> last_block_{0};
  Block whole_;  // version 2: every entry
};

}  // namespace memvid::format
