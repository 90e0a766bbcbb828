#include "index/vec/vec_format.hpp"

#include <cstring>

#include <xxhash.h>

#include "format/block_checks.hpp"
#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "memvid/error.hpp"

namespace memvid::index::vec {

std::uint64_t section_hash(std::span<const std::uint8_t> bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::vector<std::uint8_t> encode_trailer(const Trailer& t) {
  format::ByteWriter w;
  w.bytes(kTrailerMagic, sizeof kTrailerMagic);
  w.u32(t.version);
  w.u8(t.layout);
  w.zeros(3);
  w.u32(t.dim);
  w.u32(0);
  w.u64(t.rows);
  for (std::uint32_t p : t.params) w.u32(p);
  for (const Part& p : t.parts) {
    w.u64(p.offset);
    w.u64(p.length);
    w.u64(p.hash);
  }
  w.bytes(format::checksum16(w.buffer()));
  return w.take();
}

Trailer decode_trailer(std::span<const std::uint8_t> bytes) {
  format::ByteReader r(bytes.first(std::min(bytes.size(), kTrailerBody)), "vector segment trailer");
  Trailer t;
  r.skip(sizeof kTrailerMagic);
  t.version = r.u32();
  t.layout = r.u8();
  std::uint32_t pad = 0;
  for (int i = 0; i < 3; ++i) pad |= r.u8();
  t.dim = r.u32();
  const std::uint32_t reserved = r.u32();
  t.reserved_zero = pad == 0 && reserved == 0;
  t.rows = r.u64();
  for (std::uint32_t& p : t.params) p = r.u32();
  for (Part& p : t.parts) {
    p.offset = r.u64();
    p.length = r.u64();
    p.hash = r.u64();
  }
  return t;
}

const char* section_name(std::uint32_t version, std::uint8_t layout, Section s) {
  if (version >= kVersion && layout != static_cast<std::uint8_t>(VecLayout::IvfPq)) {
    if (s == kFrames) return "row keys";
    if (s == kUpperIndex) return "upper-level index";
    if (s == kBlockSums) return "block checksums";
  }
  return kSectionNames[s];
}

void reseal_vec_segment(std::span<std::uint8_t> segment) {
  if (segment.size() < kTrailerSize) throw Error(ErrorCode::InvalidArgument, "segment shorter than its trailer");
  const std::size_t at = segment.size() - kTrailerSize;
  Trailer t = decode_trailer(segment.subspan(at));
  if (const Part& sums = t.parts[kBlockSums];
      t.version >= kVersion && t.layout != static_cast<std::uint8_t>(VecLayout::IvfPq) && sums.offset <= at &&
      sums.length <= at - sums.offset)
    format::fill_block_sums(segment.first(sums.offset), segment.subspan(sums.offset, sums.length));
  for (Part& p : t.parts)
    if (p.offset <= at && p.length <= at - p.offset) p.hash = section_hash(segment.subspan(p.offset, p.length));
  // Keep the magic and padding as they are: a test may have edited those on purpose.
  std::vector<std::uint8_t> fresh = encode_trailer(t);
  std::memcpy(fresh.data(), segment.data() + at, 8);
  std::memcpy(fresh.data() + 13, segment.data() + at + 13, 3);
  std::memcpy(fresh.data() + 20, segment.data() + at + 20, 4);
  const format::Checksum16 c = format::checksum16(std::span(fresh).first(kTrailerBody));
  std::memcpy(fresh.data() + kTrailerBody, c.data(), c.size());
  std::memcpy(segment.data() + at, fresh.data(), fresh.size());
}

}  // namespace memvid::index::vec
