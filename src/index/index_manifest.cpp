#include "index/index_manifest.hpp"

#include <algorithm>

#include "format/bytes.hpp"
#include "format/layout.hpp"
#include "index/part_registry.hpp"
#include "memvid/error.hpp"

namespace memvid::index {

namespace {
// Version 1 (before vectors) had no embedding settings and no vector part; version 2 had
// fixed lexical, time and vector parts; version 3 lists each segment's parts by tag.
constexpr std::uint32_t kVersion = 3;
constexpr std::size_t kMaxSegments = 4096;
constexpr std::size_t kMaxPartsPerSegment = 32;
constexpr std::size_t kRefSizeV1 = 8 * 8 + 2 * 16;
constexpr std::size_t kRefSizeV2 = 11 * 8 + 3 * 16;
constexpr std::size_t kPartSize = 4 + 3 * 8 + 16;
constexpr PartTag kLexTag = part_tag("LEX ");
constexpr PartTag kTimeTag = part_tag("TIME");
constexpr PartTag kVecTag = part_tag("VEC ");

void write_part(format::ByteWriter& w, const PartRef& p) {
  w.u32(p.tag);
  w.u64(p.offset);
  w.u64(p.length);
  w.u64(p.count);
  w.bytes(p.checksum);
}

PartRef read_part(format::ByteReader& r, PartTag tag) {
  PartRef p;
  p.tag = tag;
  p.offset = r.u64();
  p.length = r.u64();
  p.count = r.u64();
  auto c = r.bytes(16);
  std::copy(c.begin(), c.end(), p.checksum.begin());
  return p;
}

}  // namespace

std::string tag_name(PartTag tag) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xFF);
    if (c < 0x20 || c > 0x7E) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%08x", tag);
      return hex;
    }
    s[static_cast<std::size_t>(i)] = c;
  }
  return s;
}

const PartRef* IndexSegmentRef::part(PartTag tag) const {
  for (const PartRef& p : parts)
    if (p.tag == tag) return &p;
  return nullptr;
}

std::vector<std::uint8_t> IndexManifest::encode() const {
  format::ByteWriter w;
  w.u32(kVersion);
  w.u8(static_cast<std::uint8_t>(settings.language.size()));
  w.bytes(settings.language.data(), settings.language.size());
  w.u32(settings.chunk_bytes);
  w.u32(settings.chunk_overlap);
  w.u8(static_cast<std::uint8_t>(settings.embedding_model.size()));
  w.bytes(settings.embedding_model.data(), settings.embedding_model.size());
  w.u32(settings.embedding_dimension);
  // Flags: bit 0 vector compression, bit 1 facts extraction off, bit 2 date mentions indexed.
  w.u8(static_cast<std::uint8_t>((settings.vector_compression ? 1 : 0) | (settings.extract_facts ? 0 : 2) |
                                 (settings.index_mentions ? 4 : 0)));
  w.u64(indexed_frames);
  w.u32(static_cast<std::uint32_t>(segments.size()));
  for (const IndexSegmentRef& s : segments) {
    w.u64(s.first_frame);
    w.u64(s.end_frame);
    w.u8(static_cast<std::uint8_t>(s.parts.size()));
    for (const PartRef& p : s.parts) write_part(w, p);
  }
  return w.take();
}

IndexManifest IndexManifest::decode(std::span<const std::uint8_t> bytes, std::uint64_t toc_offset,
                                    std::uint64_t frame_count, const std::string& where) {
  format::ByteReader r(bytes, where + " index section", 0);
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::InvalidToc, where + ": index section: " + why); };
  const std::uint32_t version = r.u32();
  if (version < 1 || version > kVersion) fail("unknown version " + std::to_string(version));
  IndexManifest m;
  const std::uint8_t lang_len = r.u8();
  auto lang = r.bytes(lang_len);
  m.settings.language.assign(lang.begin(), lang.end());
  m.settings.chunk_bytes = r.u32();
  m.settings.chunk_overlap = r.u32();
  m.settings.index_mentions = false;  // a version 1 manifest has no flags: it predates them
  if (version >= 2) {
    const std::uint8_t model_len = r.u8();
    auto model = r.bytes(model_len);
    m.settings.embedding_model.assign(model.begin(), model.end());
    m.settings.embedding_dimension = r.u32();
    const std::uint8_t flags = r.u8();
    if (flags > 7) fail("unknown index flags " + std::to_string(flags));
    m.settings.vector_compression = (flags & 1) != 0;
    m.settings.extract_facts = (flags & 2) == 0;
    m.settings.index_mentions = (flags & 4) != 0;
    if (m.settings.embedding_dimension > format::kMaxEmbeddingDimension)
      fail("embedding dimension " + std::to_string(m.settings.embedding_dimension) + " over the limit");
  }
  m.indexed_frames = r.u64();
  const std::uint32_t count = r.u32();
  if (count > kMaxSegments) fail("segment count does not fit");
  if (version < 3 && count * (version == 2 ? kRefSizeV2 : kRefSizeV1) != r.remaining()) fail("segment count does not fit");
  if (version == 3 && count * (16 + 1) > r.remaining()) fail("segment count does not fit");
  if (m.indexed_frames > frame_count) fail("claims more indexed frames than the memory has");
  std::uint64_t expect_first = 0;
  auto inside = [&](std::uint64_t off, std::uint64_t len) {
    return off >= format::kHeaderPageSize && off <= toc_offset && len <= toc_offset - off;
  };
  for (std::uint32_t i = 0; i < count; ++i) {
    IndexSegmentRef s;
    s.first_frame = r.u64();
    s.end_frame = r.u64();
    if (version < 3) {
      // Fixed parts: lexical and time always, vector when its length is not 0.
      s.parts.push_back(read_part(r, kLexTag));
      s.parts.push_back(read_part(r, kTimeTag));
      if (version == 2) {
        PartRef vec = read_part(r, kVecTag);
        if (vec.length > 0 || vec.count > 0) s.parts.push_back(vec);
      }
    } else {
      const std::uint8_t parts = r.u8();
      if (parts > kMaxPartsPerSegment || parts * kPartSize > r.remaining()) fail("segment " + std::to_string(i) + ": part count does not fit");
      for (std::uint8_t k = 0; k < parts; ++k) s.parts.push_back(read_part(r, r.u32()));
    }
    const std::string seg = "segment " + std::to_string(i);
    if (s.first_frame != expect_first || s.end_frame <= s.first_frame || s.end_frame > m.indexed_frames)
      fail(seg + " covers frames [" + std::to_string(s.first_frame) + ", " + std::to_string(s.end_frame) +
           ") out of sequence");
    for (const PartRef& p : s.parts)
      if (p.length == 0 || !inside(p.offset, p.length)) fail(seg + " lies outside the committed data");
    if (const std::string why = check_segment_parts(s, m.settings); !why.empty()) fail(seg + " " + why);
    expect_first = s.end_frame;
    m.segments.push_back(std::move(s));
  }
  if (r.remaining() != 0) fail("bytes follow the last segment");
  if (expect_first != m.indexed_frames) fail("segments do not cover the indexed frames");
  return m;
}

}  // namespace memvid::index
