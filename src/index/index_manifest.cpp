#include "index/index_manifest.hpp"

#include <algorithm>

#include "format/bytes.hpp"
#include "format/layout.hpp"
#include "memvid/error.hpp"

namespace memvid::index {

namespace {
// Version 1 (before vectors) had no embedding settings and no vector part.
constexpr std::uint32_t kVersion = 2;
constexpr std::size_t kMaxSegments = 4096;
constexpr std::size_t kRefSizeV1 = 8 * 8 + 2 * 16;
constexpr std::size_t kRefSize = 11 * 8 + 3 * 16;
}  // namespace

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
  w.u8(settings.vector_compression ? 1 : 0);
  w.u64(indexed_frames);
  w.u32(static_cast<std::uint32_t>(segments.size()));
  for (const IndexSegmentRef& s : segments) {
    w.u64(s.first_frame);
    w.u64(s.end_frame);
    w.u64(s.lex_offset);
    w.u64(s.lex_length);
    w.u64(s.lex_docs);
    w.bytes(s.lex_checksum);
    w.u64(s.time_offset);
    w.u64(s.time_length);
    w.u64(s.time_entries);
    w.bytes(s.time_checksum);
    w.u64(s.vec_offset);
    w.u64(s.vec_length);
    w.u64(s.vec_count);
    w.bytes(s.vec_checksum);
  }
  return w.take();
}

IndexManifest IndexManifest::decode(std::span<const std::uint8_t> bytes, std::uint64_t toc_offset,
                                    std::uint64_t frame_count, const std::string& where) {
  format::ByteReader r(bytes, where + " index section", 0);
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::InvalidToc, where + ": index section: " + why); };
  const std::uint32_t version = r.u32();
  if (version != 1 && version != kVersion) fail("unknown version " + std::to_string(version));
  IndexManifest m;
  const std::uint8_t lang_len = r.u8();
  auto lang = r.bytes(lang_len);
  m.settings.language.assign(lang.begin(), lang.end());
  m.settings.chunk_bytes = r.u32();
  m.settings.chunk_overlap = r.u32();
  if (version >= 2) {
    const std::uint8_t model_len = r.u8();
    auto model = r.bytes(model_len);
    m.settings.embedding_model.assign(model.begin(), model.end());
    m.settings.embedding_dimension = r.u32();
    const std::uint8_t compression = r.u8();
    if (compression > 1) fail("unknown vector compression " + std::to_string(compression));
    m.settings.vector_compression = compression == 1;
    if (m.settings.embedding_dimension > format::kMaxEmbeddingDimension)
      fail("embedding dimension " + std::to_string(m.settings.embedding_dimension) + " over the limit");
  }
  m.indexed_frames = r.u64();
  const std::uint32_t count = r.u32();
  const std::size_t ref_size = version >= 2 ? kRefSize : kRefSizeV1;
  if (count > kMaxSegments || count * ref_size != r.remaining()) fail("segment count does not fit");
  if (m.indexed_frames > frame_count) fail("claims more indexed frames than the memory has");
  std::uint64_t expect_first = 0;
  auto inside = [&](std::uint64_t off, std::uint64_t len) {
    return off >= format::kHeaderPageSize && off <= toc_offset && len <= toc_offset - off;
  };
  for (std::uint32_t i = 0; i < count; ++i) {
    IndexSegmentRef s;
    s.first_frame = r.u64();
    s.end_frame = r.u64();
    s.lex_offset = r.u64();
    s.lex_length = r.u64();
    s.lex_docs = r.u64();
    auto c = r.bytes(16);
    std::copy(c.begin(), c.end(), s.lex_checksum.begin());
    s.time_offset = r.u64();
    s.time_length = r.u64();
    s.time_entries = r.u64();
    c = r.bytes(16);
    std::copy(c.begin(), c.end(), s.time_checksum.begin());
    if (version >= 2) {
      s.vec_offset = r.u64();
      s.vec_length = r.u64();
      s.vec_count = r.u64();
      c = r.bytes(16);
      std::copy(c.begin(), c.end(), s.vec_checksum.begin());
    }
    const std::string seg = "segment " + std::to_string(i);
    if (s.first_frame != expect_first || s.end_frame <= s.first_frame || s.end_frame > m.indexed_frames)
      fail(seg + " covers frames [" + std::to_string(s.first_frame) + ", " + std::to_string(s.end_frame) +
           ") out of sequence");
    if (!inside(s.lex_offset, s.lex_length) || !inside(s.time_offset, s.time_length) ||
        (s.vec_length > 0 && !inside(s.vec_offset, s.vec_length)))
      fail(seg + " lies outside the committed data");
    if (s.time_entries != s.frames() || s.lex_docs > s.lex_length || s.vec_count > s.frames() ||
        (s.vec_length == 0) != (s.vec_count == 0) || (s.vec_count > 0 && m.settings.embedding_dimension == 0))
      fail(seg + " has impossible counts");
    expect_first = s.end_frame;
    m.segments.push_back(s);
  }
  if (expect_first != m.indexed_frames) fail("segments do not cover the indexed frames");
  return m;
}

}  // namespace memvid::index
