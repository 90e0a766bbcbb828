#include "index/mentions/mention_segment.hpp"

#include <algorithm>
#include <cstring>

#include "format/bytes.hpp"
#include "time/civil.hpp"
#include "time/time_mentions.hpp"

namespace memvid::index {

namespace {
constexpr char kMagic[4] = {'M', 'V', 'D', 'M'};
constexpr std::size_t kHeader = 24, kRow = 34, kChecksum = 16;
// Days 0001-01-01 and 10000-01-01: what the resolver can name.
using civil::kEndDay;
using civil::kFirstDay;
}  // namespace

std::vector<std::uint8_t> encode_mention_segment(std::vector<MentionRow> rows) {
  std::sort(rows.begin(), rows.end());
  std::int64_t longest = 0;
  for (const MentionRow& r : rows) longest = std::max(longest, r.end_day - r.first_day);
  format::ByteWriter w;
  w.bytes(kMagic, 4);
  w.u32(1);
  w.u64(rows.size());
  w.i64(longest);
  for (const MentionRow& r : rows) {
    w.i64(r.first_day);
    w.i64(r.end_day);
    w.u64(r.frame);
    w.u32(r.begin);
    w.u32(r.length);
    w.u8(r.grain);
    w.u8(r.flags);
  }
  w.bytes(format::checksum16(w.buffer()));
  return w.take();
}

format::Checksum16 mention_segment_checksum(std::span<const std::uint8_t> encoded) {
  format::Checksum16 c{};
  if (encoded.size() >= kChecksum) std::memcpy(c.data(), encoded.data() + encoded.size() - kChecksum, kChecksum);
  return c;
}

MentionSegment decode_mention_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                      const format::Checksum16* expected) {
  format::ByteReader r(bytes, "date-mention part", file_offset);
  if (bytes.size() < kHeader + kChecksum) r.fail("too short");
  if (std::memcmp(r.bytes(4).data(), kMagic, 4) != 0) r.fail("bad magic");
  if (r.u32() != 1) r.fail("unknown version");
  const std::uint64_t count = r.u64();
  const std::uint64_t body = bytes.size() - kHeader - kChecksum;
  if (body % kRow != 0 || count != body / kRow)
    r.fail("mention count " + std::to_string(count) + " does not fit the part's length");
  if (!format::checksum_matches(bytes.first(bytes.size() - kChecksum), bytes.data() + bytes.size() - kChecksum))
    r.fail("fails its checksum");
  if (expected && mention_segment_checksum(bytes) != *expected) r.fail("is not the part the TOC names");
  MentionSegment s;
  s.longest = r.i64();
  if (s.longest < 0 || s.longest > kEndDay - kFirstDay) r.fail("impossible longest mention");
  s.rows.resize(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    MentionRow& m = s.rows[i];
    m.first_day = r.i64();
    m.end_day = r.i64();
    m.frame = r.u64();
    m.begin = r.u32();
    m.length = r.u32();
    m.grain = r.u8();
    m.flags = r.u8();
    if (m.first_day < kFirstDay || m.end_day > kEndDay || m.end_day <= m.first_day ||
        m.end_day - m.first_day > s.longest)
      r.fail("mention " + std::to_string(i) + " has impossible days");
    if (!mentions::valid_grain(m.grain) || m.flags > 3 || m.length == 0)
      r.fail("mention " + std::to_string(i) + " has impossible fields");
    if (i > 0 && !(s.rows[i - 1] < m)) r.fail("mentions out of order at " + std::to_string(i));
  }
  return s;
}

void MentionSegment::overlapping(std::int64_t first_day, std::int64_t end_day, std::vector<MentionRow>& out) const {
  MentionRow lo;
  lo.first_day = first_day - longest;
  lo.end_day = INT64_MIN;
  for (auto it = std::lower_bound(rows.begin(), rows.end(), lo); it != rows.end() && it->first_day < end_day; ++it)
    if (it->end_day > first_day) out.push_back(*it);
}

}  // namespace memvid::index
