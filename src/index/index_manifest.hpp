#pragma once
// The index layer's part of the TOC (the manifest extension): the memory's text-analysis and
// embedding settings and the list of index segments. Each index segment covers a contiguous
// run of frame ids and has a lexical part, a time part and a vector part (empty when none of
// its frames has a vector); together they cover frames [0, indexed_frames). Frames after
// that are indexed in memory from their records on open.
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
};

struct IndexSegmentRef {
  std::uint64_t first_frame = 0;
  std::uint64_t end_frame = 0;  // exclusive
  std::uint64_t lex_offset = 0, lex_length = 0, lex_docs = 0;
  format::Checksum16 lex_checksum{};
  std::uint64_t time_offset = 0, time_length = 0, time_entries = 0;
  format::Checksum16 time_checksum{};
  std::uint64_t vec_offset = 0, vec_length = 0, vec_count = 0;  // length 0: no vector part
  format::Checksum16 vec_checksum{};
  std::uint64_t frames() const { return end_frame - first_frame; }
};

struct IndexManifest {
  IndexSettings settings;
  std::uint64_t indexed_frames = 0;
  std::vector<IndexSegmentRef> segments;  // in frame order

  std::vector<std::uint8_t> encode() const;
  // Checks that segments tile [0, indexed_frames) and lie inside committed data before
  // toc_offset; where names the TOC in messages.
  static IndexManifest decode(std::span<const std::uint8_t> bytes, std::uint64_t toc_offset, std::uint64_t frame_count,
                              const std::string& where);
};

}  // namespace memvid::index
