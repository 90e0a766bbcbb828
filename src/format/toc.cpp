// TOC entry, 48 bytes: 0 frame id u64 | 8 record offset u64 | 16 timestamp ms i64 |
//   24 superseded-by frame id u64 (all ones: none) | 32 record length u32 |
//   36 payload length u32 | 40 status u8 | 41 kind u8 | 42 reserved [6].
// TOC segments: format/toc_segment.cpp.
// Manifest ("TOC"): 0 magic "MV2TOC\0\0" | 8 generation u64 | 16 next frame id u64 |
//   24 previous footer offset u64 | 32 segment count u32 | 36 reserved u32 |
//   40 per segment: offset u64, length u64, entry count u64, segment checksum [16].
// Footer, 64 bytes: 0 magic "MV2FOOT\0" | 8 toc offset u64 | 16 toc length u64 |
//   24 generation u64 | 32 BLAKE3(toc)[0..16] | 48 BLAKE3(bytes 0..48)[0..16].
#include "format/toc.hpp"

#include <cstring>

#include "format/bytes.hpp"
#include "format/layout.hpp"
#include "format/toc_segment.hpp"

namespace memvid::format {
namespace {
constexpr char kManifestMagic[8] = {'M', 'V', '2', 'T', 'O', 'C', '\0', '\0'};
constexpr char kFooterMagic[8] = {'M', 'V', '2', 'F', 'O', 'O', 'T', '\0'};
constexpr std::size_t kSegmentRefSize = 40;
constexpr char kExtensionMagic[4] = {'M', 'V', 'I', 'X'};
}  // namespace

void TocEntry::encode_to(std::uint8_t* out) const {
  ByteWriter w;
  w.u64(frame_id);
  w.u64(record_offset);
  w.i64(timestamp_ms);
  w.u64(superseded_by);
  w.u32(record_length);
  w.u32(payload_length);
  w.u8(status);
  w.u8(kind);
  w.zeros(6);
  std::memcpy(out, w.buffer().data(), kEncodedSize);
}

TocEntry TocEntry::decode_from(const std::uint8_t* in) {
  TocEntry e;
  e.frame_id = load_u64(in);
  e.record_offset = load_u64(in + 8);
  e.timestamp_ms = static_cast<std::int64_t>(load_u64(in + 16));
  e.superseded_by = load_u64(in + 24);
  e.record_length = load_u32(in + 32);
  e.payload_length = load_u32(in + 36);
  e.status = in[40];
  e.kind = in[41];
  return e;
}

std::vector<std::uint8_t> Manifest::encode() const {
  ByteWriter w;
  w.bytes(kManifestMagic, 8);
  w.u64(generation);
  w.u64(next_frame_id);
  w.u64(prev_footer_offset);
  w.u32(static_cast<std::uint32_t>(segments.size()));
  w.u32(0);
  for (const SegmentRef& s : segments) {
    w.u64(s.offset);
    w.u64(s.length);
    w.u64(s.entry_count);
    w.bytes(s.checksum);
  }
  if (!extension.empty()) {
    w.bytes(kExtensionMagic, 4);
    w.u32(static_cast<std::uint32_t>(extension.size()));
    w.bytes(extension);
  }
  return w.take();
}

Manifest Manifest::decode(std::span<const std::uint8_t> bytes, std::uint64_t file_offset, std::uint64_t file_size) {
  ByteReader r(bytes, "TOC", file_offset);
  if (std::memcmp(r.bytes(8).data(), kManifestMagic, 8) != 0) r.fail("bad magic");
  Manifest m;
  m.generation = r.u64();
  m.next_frame_id = r.u64();
  m.prev_footer_offset = r.u64();
  std::uint32_t count = r.u32();
  r.skip(4);
  if (count > kMaxTocSegments || count * kSegmentRefSize > r.remaining())
    r.fail("segment count " + std::to_string(count) + " does not fit the TOC length");
  if (m.next_frame_id > kMaxFrames) r.fail("frame count " + std::to_string(m.next_frame_id) + " is not plausible");
  for (std::uint32_t i = 0; i < count; ++i) {
    SegmentRef s;
    s.offset = r.u64();
    s.length = r.u64();
    s.entry_count = r.u64();
    auto c = r.bytes(16);
    std::copy(c.begin(), c.end(), s.checksum.begin());
    if (s.offset < kHeaderPageSize || s.offset > file_offset || s.length > file_offset - s.offset ||
        s.entry_count > kMaxFrames || !toc_segment_length_plausible(s.length, s.entry_count)) {
      throw Error(ErrorCode::InvalidToc, "TOC at file offset " + std::to_string(file_offset) + ": segment " +
                                             std::to_string(i) + " (offset " + std::to_string(s.offset) +
                                             ", length " + std::to_string(s.length) +
                                             ") lies outside the committed data of a " + std::to_string(file_size) +
                                             "-byte file");
    }
    m.segments.push_back(s);
  }
  if (!r.done()) {
    // Written by a version with indexes: a tagged, length-prefixed block that must fill
    // the rest of the TOC exactly.
    if (std::memcmp(r.bytes(4).data(), kExtensionMagic, 4) != 0) r.fail("unknown bytes after the segment list");
    const std::uint32_t length = r.u32();
    if (length != r.remaining()) r.fail("extension length " + std::to_string(length) + " does not fit the TOC length");
    auto ext = r.bytes(length);
    m.extension.assign(ext.begin(), ext.end());
  }
  return m;
}

std::array<std::uint8_t, Footer::kEncodedSize> Footer::encode() const {
  ByteWriter w;
  w.bytes(kFooterMagic, 8);
  w.u64(toc_offset);
  w.u64(toc_length);
  w.u64(generation);
  w.bytes(toc_hash);
  w.bytes(checksum16(w.buffer()));
  std::array<std::uint8_t, kEncodedSize> out{};
  std::memcpy(out.data(), w.buffer().data(), out.size());
  return out;
}

std::optional<Footer> Footer::decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kEncodedSize || std::memcmp(bytes.data(), kFooterMagic, 8) != 0) return std::nullopt;
  if (!checksum_matches(bytes.first(48), bytes.data() + 48)) return std::nullopt;
  Footer f;
  f.toc_offset = load_u64(bytes.data() + 8);
  f.toc_length = load_u64(bytes.data() + 16);
  f.generation = load_u64(bytes.data() + 24);
  std::memcpy(f.toc_hash.data(), bytes.data() + 32, 16);
  return f;
}

}  // namespace memvid::format
