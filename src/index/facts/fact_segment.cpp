#include "index/facts/fact_segment.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>

#include <xxhash.h>

#include "format/bytes.hpp"

namespace memvid::index {

namespace {

constexpr char kMagic[4] = {'M', 'V', 'F', 'C'};
constexpr std::size_t kChecksum = 16;
constexpr std::uint8_t kNegative = 1, kCorrection = 2, kHasValidFrom = 4, kHasSource = 8, kKnownFlags = 15;
// A row takes at least this many bytes (8 one-byte varints or lengths, flags, confidence).
constexpr std::uint64_t kMinRowBytes = 10;

std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

void put_text(format::ByteWriter& w, const std::string& s) {
  w.varint(s.size());
  w.bytes(s.data(), s.size());
}

std::string get_text(format::ByteReader& r) {
  const std::uint64_t len = r.varint();
  if (len > r.remaining()) r.fail("a text runs past the end");
  auto b = r.bytes(static_cast<std::size_t>(len));
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

bool fact_row_less(const facts::FactRow& a, const facts::FactRow& b) {
  return std::tie(a.entity, a.slot, a.frame, a.ordinal) < std::tie(b.entity, b.slot, b.frame, b.ordinal);
}

std::vector<std::uint8_t> encode_fact_segment(std::vector<facts::FactRow> rows) {
  std::sort(rows.begin(), rows.end(), fact_row_less);
  // The rows region, entity by entity, and the directory of the runs.
  format::ByteWriter region;
  struct Run {
    const std::string* entity;
    std::uint64_t rows, offset, length;
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < rows.size();) {
    const std::size_t start = region.buffer().size();
    std::size_t j = i;
    for (; j < rows.size() && rows[j].entity == rows[i].entity; ++j) {
      const facts::FactRow& r = rows[j];
      region.varint(r.frame);
      region.varint(r.ordinal);
      put_text(region, r.entity_name);
      put_text(region, r.slot);
      put_text(region, r.value);
      put_text(region, r.engine);
      region.u8(static_cast<std::uint8_t>((r.negative ? kNegative : 0) | (r.correction ? kCorrection : 0) |
                                          (r.valid_from_ms ? kHasValidFrom : 0) | (r.source_frame ? kHasSource : 0)));
      if (r.valid_from_ms) region.varint(zigzag(*r.valid_from_ms));
      if (r.source_frame) region.varint(*r.source_frame);
      region.varint(r.value_begin);
      region.varint(r.value_length);
      region.u8(r.confidence);
    }
    runs.push_back({&rows[i].entity, j - i, start, region.buffer().size() - start});
    i = j;
  }
  format::ByteWriter w;
  w.bytes(kMagic, 4);
  w.u8(2);
  w.u8(0);
  w.u16(0);
  w.varint(rows.size());
  w.varint(runs.size());
  for (const Run& r : runs) {
    put_text(w, *r.entity);
    w.varint(r.rows);
    w.varint(r.offset);
    w.varint(r.length);
  }
  w.varint(region.buffer().size());
  w.bytes(region.buffer());
  // Version 2: an XXH3-64 of everything so far, which a reader checks at load (a fraction of
  // the cost of the BLAKE3 trailer, which verify and the TOC's identity check use).
  w.u64(XXH3_64bits(w.buffer().data(), w.buffer().size()));
  w.bytes(format::checksum16(w.buffer()));
  return w.take();
}

format::Checksum16 fact_segment_checksum(std::span<const std::uint8_t> encoded) {
  format::Checksum16 c{};
  if (encoded.size() >= kChecksum) std::memcpy(c.data(), encoded.data() + encoded.size() - kChecksum, kChecksum);
  return c;
}

FactSegmentReader::FactSegmentReader(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                     const format::Checksum16* expected, bool full_check) {
  format::ByteReader r(bytes, "fact index part", file_offset);
  if (bytes.size() < 8 + 8 + kChecksum) r.fail("too short");
  if (expected && fact_segment_checksum(bytes) != *expected) r.fail("is not the part the TOC names");
  const std::uint8_t version = bytes[4];
  if (version != 1 && version != 2) r.fail("unknown version " + std::to_string(version));
  std::span<const std::uint8_t> content = bytes.first(bytes.size() - kChecksum);
  if (version == 2) {
    // The XXH3-64 after the rows region covers all before it.
    content = content.first(content.size() - 8);
    if (XXH3_64bits(content.data(), content.size()) != format::load_u64(bytes.data() + content.size()))
      r.fail("fails its checksum (XXH3)");
  }
  // Version 1 has only the BLAKE3 trailer: it is checked at every load.
  if ((full_check || version == 1) &&
      !format::checksum_matches(bytes.first(bytes.size() - kChecksum), bytes.data() + bytes.size() - kChecksum))
    r.fail("fails its checksum");
  format::ByteReader body(content, "fact index part", file_offset);
  if (std::memcmp(body.bytes(4).data(), kMagic, 4) != 0) body.fail("bad magic");
  body.u8();
  body.skip(3);
  facts_ = body.varint();
  const std::uint64_t entities = body.varint();
  // Each directory entry takes at least 4 bytes: a count beyond the bytes left is a lie.
  if (entities > body.remaining() / 4) body.fail("entity count " + std::to_string(entities) + " does not fit");
  directory_.reserve(static_cast<std::size_t>(entities));
  std::uint64_t rows = 0, end = 0;
  for (std::uint64_t i = 0; i < entities; ++i) {
    Entry e;
    e.entity = get_text(body);
    e.rows = body.varint();
    e.offset = body.varint();
    e.length = body.varint();
    if (e.rows == 0 || e.offset != end || e.length < e.rows * kMinRowBytes)
      body.fail("directory entry " + std::to_string(i) + " does not describe the next run of facts");
    if (i > 0 && !(directory_.back().entity < e.entity)) body.fail("entities out of order at " + std::to_string(i));
    end = e.offset + e.length;
    rows += e.rows;
    directory_.push_back(std::move(e));
  }
  if (rows != facts_) body.fail("the directory holds " + std::to_string(rows) + " facts, the part says " + std::to_string(facts_));
  const std::uint64_t region = body.varint();
  if (region != body.remaining() || region != end) body.fail("the rows region does not fill the part");
  rows_base_ = file_offset + body.pos();
  rows_region_ = bytes.subspan(body.pos(), static_cast<std::size_t>(region));
}

void FactSegmentReader::decode_run(const Entry& e, std::vector<facts::FactRow>& out) const {
  format::ByteReader r(rows_region_.subspan(static_cast<std::size_t>(e.offset), static_cast<std::size_t>(e.length)),
                       "fact index part", rows_base_ + e.offset);
  const std::size_t first = out.size();
  for (std::uint64_t i = 0; i < e.rows; ++i) {
    facts::FactRow row;
    row.entity = e.entity;
    row.frame = r.varint();
    const std::uint64_t ordinal = r.varint();
    if (ordinal > facts::kMaxFactsPerFrame) r.fail("fact ordinal " + std::to_string(ordinal) + " out of range");
    row.ordinal = static_cast<std::uint32_t>(ordinal);
    row.entity_name = get_text(r);
    row.slot = get_text(r);
    row.value = get_text(r);
    row.engine = get_text(r);
    const std::uint8_t flags = r.u8();
    if (flags & ~kKnownFlags) r.fail("unknown fact flags");
    row.negative = flags & kNegative;
    row.correction = flags & kCorrection;
    if (flags & kHasValidFrom) row.valid_from_ms = unzigzag(r.varint());
    if (flags & kHasSource) {
      row.source_frame = r.varint();
      if (*row.source_frame >= row.frame) r.fail("a fact recorded in frame " + std::to_string(row.frame) +
                                                 " names a later source frame " + std::to_string(*row.source_frame));
    }
    const std::uint64_t begin = r.varint(), length = r.varint();
    if (begin > UINT32_MAX || length > UINT32_MAX) r.fail("value span out of range");
    row.value_begin = static_cast<std::uint32_t>(begin);
    row.value_length = static_cast<std::uint32_t>(length);
    row.confidence = r.u8();
    if (row.confidence > 100) r.fail("confidence over 100");
    if (out.size() > first && !fact_row_less(out.back(), row)) r.fail("facts out of order");
    out.push_back(std::move(row));
  }
  if (!r.done()) r.fail("trailing bytes after an entity's facts");
}

std::vector<facts::FactRow> FactSegmentReader::rows_of(const std::string& entity) const {
  std::vector<facts::FactRow> out;
  auto it = std::lower_bound(directory_.begin(), directory_.end(), entity,
                             [](const Entry& e, const std::string& k) { return e.entity < k; });
  if (it != directory_.end() && it->entity == entity) decode_run(*it, out);
  return out;
}

std::vector<facts::FactRow> FactSegmentReader::all_rows() const {
  std::vector<facts::FactRow> out;
  for (const Entry& e : directory_) decode_run(e, out);
  return out;
}

std::vector<facts::FactRow> decode_fact_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                                const format::Checksum16* expected) {
  return FactSegmentReader(bytes, file_offset, expected, /*full_check=*/true).all_rows();
}

}  // namespace memvid::index
