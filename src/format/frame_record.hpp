#pragma once
// A frame as stored in the data region: fixed header, metadata fields, payload, checksum.
// Written once and never rewritten; its mutable status lives in the TOC entry.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace memvid::format {

struct FrameMeta {
  std::string title;
  std::string uri;
  std::vector<std::string> tags;
  std::vector<std::string> labels;
  std::string metadata_json;
  std::optional<std::uint64_t> parent;
  std::optional<std::uint64_t> supersedes;
  std::vector<float> embedding;  // the caller's vector for the whole frame; empty: none
  // The frame's passage vectors, normalized, 8 bits per component (row i is passage i:
  // passage_codes holds rows x dimension codes, component j of row i is code x scale i).
  // Kept where they cannot be computed again from the text (another provider's model, or a
  // compressed index that holds only approximations).
  std::vector<std::int8_t> passage_codes;
  std::vector<float> passage_scales;
  // The memory's built-in model embeds this frame's passages from its text; the vectors are
  // kept in the index only and computed again when the index needs them.
  bool vectors_from_text = false;
  // How the index splits this frame's text, when not as the memory's settings say.
  std::optional<std::uint32_t> chunk_bytes;
  std::optional<std::uint32_t> chunk_overlap;
  // The rules engine reads no facts from this frame (put with extraction off).
  bool facts_off = false;
};

struct FrameRecord {
  std::uint64_t frame_id = 0;
  std::int64_t timestamp_ms = 0;
  std::uint8_t kind = 0;
  bool compressed = false;
  std::uint64_t raw_length = 0;
  std::array<std::uint8_t, 32> content_hash{};
  FrameMeta meta;
  std::vector<std::uint8_t> stored_payload;  // as on disk (zstd frame when compressed)
};

inline constexpr std::size_t kFrameRecordHeaderSize = 80;

// Builds a record from a raw payload: hashes it and compresses it when that makes it smaller.
std::vector<std::uint8_t> encode_frame_record(std::uint64_t frame_id, std::int64_t timestamp_ms, std::uint8_t kind,
                                              const FrameMeta& meta, std::span<const std::uint8_t> payload);
// Verifies the checksum and every length; file_offset is used in error messages.
FrameRecord decode_frame_record(std::span<const std::uint8_t> bytes, std::uint64_t file_offset);
// The payload as the user stored it (decompressed, and checked against the content hash).
std::vector<std::uint8_t> frame_payload(const FrameRecord& record, std::uint64_t file_offset);

}  // namespace memvid::format
