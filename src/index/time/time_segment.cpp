#include "index/time/time_segment.hpp"

#include <algorithm>
#include <cstring>

#include "format/bytes.hpp"

namespace memvid::index {

namespace {
constexpr char kMagic[4] = {'M', 'V', 'T', 'S'};
constexpr std::size_t kHeader = 16, kEntry = 16, kChecksum = 16;
}  // namespace

std::vector<std::uint8_t> encode_time_segment(std::span<const TimeEntry> sorted) {
  format::ByteWriter w;
  w.bytes(kMagic, 4);
  w.u32(1);
  w.u64(sorted.size());
  for (const TimeEntry& e : sorted) {
    w.i64(e.timestamp_ms);
    w.u64(e.frame_id);
  }
  w.bytes(format::checksum16(w.buffer()));
  return w.take();
}

format::Checksum16 time_segment_checksum(std::span<const std::uint8_t> encoded) {
  format::Checksum16 c{};
  if (encoded.size() >= kChecksum) std::memcpy(c.data(), encoded.data() + encoded.size() - kChecksum, kChecksum);
  return c;
}

std::vector<TimeEntry> decode_time_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                           const format::Checksum16* expected) {
  format::ByteReader r(bytes, "time index segment", file_offset);
  if (bytes.size() < kHeader + kChecksum) r.fail("too short");
  if (std::memcmp(r.bytes(4).data(), kMagic, 4) != 0) r.fail("bad magic");
  if (r.u32() != 1) r.fail("unknown version");
  const std::uint64_t count = r.u64();
  if (count != (bytes.size() - kHeader - kChecksum) / kEntry || (bytes.size() - kHeader - kChecksum) % kEntry != 0)
    r.fail("entry count " + std::to_string(count) + " does not fit the segment length");
  if (!format::checksum_matches(bytes.first(bytes.size() - kChecksum), bytes.data() + bytes.size() - kChecksum))
    r.fail("fails its checksum");
  if (expected && time_segment_checksum(bytes) != *expected) r.fail("is not the segment the TOC names");
  std::vector<TimeEntry> out(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    out[i].timestamp_ms = r.i64();
    out[i].frame_id = r.u64();
    if (i > 0 && !(out[i - 1] < out[i])) r.fail("entries out of order at " + std::to_string(i));
  }
  return out;
}

}  // namespace memvid::index
