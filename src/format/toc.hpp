#pragma once
// Table of contents: fixed-size frame entries grouped in immutable segments, a manifest
// listing the live segments, and the commit footer that seals the manifest.
#include <array>
#include <cstdint>
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
