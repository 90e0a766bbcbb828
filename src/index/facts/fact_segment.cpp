#include "index/facts/fact_segment.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <tuple>

#include "format/bytes.hpp"

namespace memvid::index {

namespace {

constexpr char kMagic[4] = {'M', 'V', 'F', 'C'};
constexpr std::size_t kChecksum = 16;
constexpr std::uint8_t kNegative = 1, kCorrection = 2, kHasValidFrom = 4, kKnownFlags = 7;

std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

}  // namespace

bool fact_row_less(const facts::FactRow& a, const facts::FactRow& b) {
  return std::tie(a.entity, a.slot, a.frame, a.ordinal) < std::tie(b.entity, b.slot, b.frame, b.ordinal);
}

std::vector<std::uint8_t> encode_fact_segment(std::vector<facts::FactRow> rows) {
  std::sort(rows.begin(), rows.end(), fact_row_less);
  std::map<std::string, std::uint64_t> ids;
  for (const facts::FactRow& r : rows)
    for (const std::string* s : {&r.entity, &r.entity_name, &r.slot, &r.value, &r.engine}) ids.emplace(*s, 0);
  std::uint64_t next = 0;
  for (auto& [s, id] : ids) id = next++;

  format::ByteWriter w;
  w.bytes(kMagic, 4);
  w.u8(1);
  w.u8(0);
  w.u16(0);
  w.varint(ids.size());
  for (const auto& [s, id] : ids) {
    w.varint(s.size());
    w.bytes(s.data(), s.size());
  }
  w.varint(rows.size());
  for (const facts::FactRow& r : rows) {
    w.varint(r.frame);
    w.varint(r.ordinal);
    w.varint(ids[r.entity]);
    w.varint(ids[r.entity_name]);
    w.varint(ids[r.slot]);
    w.varint(ids[r.value]);
    w.varint(ids[r.engine]);
    const std::uint8_t flags = (r.negative ? kNegative : 0) | (r.correction ? kCorrection : 0) |
                               (r.valid_from_ms ? kHasValidFrom : 0);
    w.u8(flags);
    if (r.valid_from_ms) w.varint(zigzag(*r.valid_from_ms));
    w.varint(r.value_begin);
    w.varint(r.value_length);
    w.u8(r.confidence);
  }
  w.bytes(format::checksum16(w.buffer()));
  return w.take();
}

format::Checksum16 fact_segment_checksum(std::span<const std::uint8_t> encoded) {
  format::Checksum16 c{};
  if (encoded.size() >= kChecksum) std::memcpy(c.data(), encoded.data() + encoded.size() - kChecksum, kChecksum);
  return c;
}

std::vector<facts::FactRow> decode_fact_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                                const format::Checksum16* expected) {
  format::ByteReader r(bytes, "fact index part", file_offset);
  if (bytes.size() < 8 + kChecksum) r.fail("too short");
  if (!format::checksum_matches(bytes.first(bytes.size() - kChecksum), bytes.data() + bytes.size() - kChecksum))
    r.fail("fails its checksum");
  if (expected && fact_segment_checksum(bytes) != *expected) r.fail("is not the part the TOC names");
  format::ByteReader body(bytes.first(bytes.size() - kChecksum), "fact index part", file_offset);
  if (std::memcmp(body.bytes(4).data(), kMagic, 4) != 0) body.fail("bad magic");
  if (body.u8() != 1) body.fail("unknown version");
  body.skip(3);
  const std::uint64_t n_strings = body.varint();
  // Each string takes at least its length byte: a count beyond the bytes left is a lie.
  if (n_strings > body.remaining()) body.fail("string count " + std::to_string(n_strings) + " does not fit");
  std::vector<std::string> strings;
  strings.reserve(n_strings);
  for (std::uint64_t i = 0; i < n_strings; ++i) {
    const std::uint64_t len = body.varint();
    if (len > body.remaining()) body.fail("string " + std::to_string(i) + " runs past the end");
    auto s = body.bytes(static_cast<std::size_t>(len));
    strings.emplace_back(reinterpret_cast<const char*>(s.data()), s.size());
    if (i > 0 && !(strings[i - 1] < strings[i])) body.fail("strings out of order at " + std::to_string(i));
  }
  const auto string_at = [&](std::uint64_t id) -> const std::string& {
    if (id >= strings.size()) body.fail("string index " + std::to_string(id) + " out of range");
    return strings[id];
  };
  const std::uint64_t n_rows = body.varint();
  // A row takes at least 11 bytes.
  if (n_rows > body.remaining() / 11) body.fail("row count " + std::to_string(n_rows) + " does not fit");
  std::vector<facts::FactRow> rows(static_cast<std::size_t>(n_rows));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    facts::FactRow& row = rows[i];
    row.frame = body.varint();
    const std::uint64_t ordinal = body.varint();
    if (ordinal > facts::kMaxFactsPerFrame) body.fail("fact ordinal " + std::to_string(ordinal) + " out of range");
    row.ordinal = static_cast<std::uint32_t>(ordinal);
    row.entity = string_at(body.varint());
    row.entity_name = string_at(body.varint());
    row.slot = string_at(body.varint());
    row.value = string_at(body.varint());
    row.engine = string_at(body.varint());
    const std::uint8_t flags = body.u8();
    if (flags & ~kKnownFlags) body.fail("unknown flags in row " + std::to_string(i));
    row.negative = flags & kNegative;
    row.correction = flags & kCorrection;
    if (flags & kHasValidFrom) row.valid_from_ms = unzigzag(body.varint());
    const std::uint64_t begin = body.varint(), length = body.varint();
    if (begin > UINT32_MAX || length > UINT32_MAX) body.fail("value span out of range in row " + std::to_string(i));
    row.value_begin = static_cast<std::uint32_t>(begin);
    row.value_length = static_cast<std::uint32_t>(length);
    row.confidence = body.u8();
    if (row.confidence > 100) body.fail("confidence over 100 in row " + std::to_string(i));
    if (i > 0 && !fact_row_less(rows[i - 1], row)) body.fail("rows out of order at " + std::to_string(i));
  }
  if (body.remaining() != 0) body.fail("trailing bytes after the rows");
  return rows;
}

}  // namespace memvid::index
