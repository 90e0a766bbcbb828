#pragma once
// Table of contents: fixed-size frame entries grouped in immutable segments, a manifest
// listing the live segments, and the commit footer that seals the manifest.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "format/checksum.hpp"

namespace memvid::format {

inline constexpr std::uint64_t kNoFrame = ~0ull;

// Where a frame's record lives and its mutable state. A status change is written as a new
// copy of the whole entry in a later segment; the newest copy of an id wins.
struct TocEntry {
  std::uint64_t frame_id = 0;
  std::uint64_t record_offset = 0;
  std::int64_t timestamp_ms = 0;
  std::uint64_t superseded_by = kNoFrame;
  std::uint32_t record_length = 0;
  std::uint32_t payload_length = 0;  // raw (uncompressed) payload bytes, for stats without reads
  std::uint8_t status = 0;
  std::uint8_t kind = 0;

  static constexpr std::size_t kEncodedSize = 48;
  // A vacuum removed this inactive frame's record; the entry stays so that ids are never
  // reused and the time index still knows it (record offset and length are both zero).
  bool record_removed() const { return record_length == 0 && record_offset == 0; }
  void encode_to(std::uint8_t* out) const;
  static TocEntry decode_from(const std::uint8_t* in);
  bool operator==(const TocEntry&) const = default;
};

// A TOC segment: magic, count, entries sorted by frame id and delta-encoded as varints
// (about 9 bytes an entry instead of 48: open time and merge cost scale with this), checksum.
std::vector<std::uint8_t> encode_toc_segment(std::span<const TocEntry> entries);
std::vector<TocEntry> decode_toc_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset);
// The same, handing each entry to fn: open decodes straight into its table, because an
// intermediate copy of a large TOC costs a page fault per 4 KiB in a fresh process.
void decode_toc_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                        const std::function<void(const TocEntry&)>& fn);
inline constexpr std::uint64_t kTocSegmentOverhead = 32;     // header 16 + checksum 16
inline constexpr std::uint64_t kMinEncodedTocEntry = 6;      // six one-byte fields
// Whether a segment of this length can hold this many entries (checked before decoding).
inline constexpr bool toc_segment_length_plausible(std::uint64_t length, std::uint64_t entries) {
  return length >= kTocSegmentOverhead && entries <= (length - kTocSegmentOverhead) / kMinEncodedTocEntry;
}

struct SegmentRef {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t entry_count = 0;
  Checksum16 checksum{};  // the segment's own trailing checksum
  bool operator==(const SegmentRef&) const = default;
};

struct Manifest {
  std::uint64_t generation = 0;
  std::uint64_t next_frame_id = 0;
  std::uint64_t prev_footer_offset = 0;  // 0: none
  std::vector<SegmentRef> segments;      // oldest first
  // Bytes the index layer owns (its settings and index segment list); the store carries
  // them from commit to commit without looking inside. Empty in files without indexes.
  std::vector<std::uint8_t> extension;

  std::vector<std::uint8_t> encode() const;
  static Manifest decode(std::span<const std::uint8_t> bytes, std::uint64_t file_offset, std::uint64_t file_size);
};

struct Footer {
  std::uint64_t toc_offset = 0;
  std::uint64_t toc_length = 0;
  std::uint64_t generation = 0;
  Checksum16 toc_hash{};

  static constexpr std::size_t kEncodedSize = 64;
  std::array<std::uint8_t, kEncodedSize> encode() const;
  // nullopt when the magic or checksum is wrong.
  static std::optional<Footer> decode(std::span<const std::uint8_t> bytes);
};

}  // namespace memvid::format
