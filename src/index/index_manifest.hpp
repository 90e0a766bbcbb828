#pragma once
// The index layer's part of the TOC (the manifest extension): the memory's text-analysis and
// embedding settings and the list of index segments. Each index segment covers a contiguous
// run of frame ids and lists its parts by tag: today a lexical part, a time part and (when
// some of its frames have a vector) a vector part; together the segments cover frames
// [0, indexed_frames). Frames after that are indexed in memory from their records on open.
// Which parts exist, and what each checks of its reference, is the part registry's
// (index/part_registry.hpp): this file knows only tags, offsets, counts and checksums.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/checksum.hpp"

namespace memvid::index {

struct IndexSettings {
  std::string language = "english";
  std::uint32_t chunk_bytes = 4000;
  std::uint32_t chunk_overlap = 400;
  // "<provider>:<model>" whose vectors the memory holds; empty: no semantic index.
  std::string embedding_model;
  // Fixed by the first vector when 0.
  std::uint32_t embedding_dimension = 0;
  bool vector_compression = false;  // product-quantized vector segments
  // Whether a put reads facts from its text with the rules engine (facts/rules_extractor.hpp)
  // when the call does not say: the default a frame's own flag is taken from.
  bool extract_facts = true;
  // Whether text frames' date mentions are indexed (index/mentions/mention_part.hpp): on for
  // memories created since the part exists (unless created without), off for older ones.
  bool index_mentions = true;
};

// Four ASCII bytes naming a kind of index part, stored little-endian ("LEX " is 0x2058454C).
using PartTag = std::uint32_t;
constexpr PartTag part_tag(const char (&name)[5]) {
  return static_cast<PartTag>(static_cast<std::uint8_t>(name[0])) |
         static_cast<PartTag>(static_cast<std::uint8_t>(name[1])) << 8 |
         static_cast<PartTag>(static_cast<std::uint8_t>(name[2])) << 16 |
         static_cast<PartTag>(static_cast<std::uint8_t>(name[3])) << 24;
}
std::string tag_name(PartTag tag);  // "LEX ", or "0x..." when not printable

// One part of an index segment: where its bytes are, how many items it holds (documents,
// entries, rows: the part's own unit), and the checksum that identifies its bytes.
struct PartRef {
  PartTag tag = 0;
  std::uint64_t offset = 0, length = 0, count = 0;
  format::Checksum16 checksum{};
};

struct IndexSegmentRef {
  std::uint64_t first_frame = 0;
  std::uint64_t end_frame = 0;  // exclusive
  std::vector<PartRef> parts;   // at most one per tag, in the order the registry lists them
  std::uint64_t frames() const { return end_frame - first_frame; }
  // The part with this tag, or null when the segment has none.
  const PartRef* part(PartTag tag) const;
};

struct IndexManifest {
  IndexSettings settings;
  std::uint64_t indexed_frames = 0;
  std::vector<IndexSegmentRef> segments;  // in frame order

  std::vector<std::uint8_t> encode() const;
  // Checks that segments tile [0, indexed_frames), that every part lies inside committed data
  // before toc_offset, and that each part's reference is one its kind accepts; where names
  // the TOC in messages. Reads versions 1 and 2 (fixed lexical, time and vector parts) too.
  static IndexManifest decode(std::span<const std::uint8_t> bytes, std::uint64_t toc_offset, std::uint64_t frame_count,
                              const std::string& where);
};

}  // namespace memvid::index
