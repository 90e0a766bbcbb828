// The fact part codec: a round trip, reading one entity without the others, and hostile bytes
// (every truncation, every single-byte change) rejected as Corrupt, never a crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "format/checksum.hpp"
#include "index/facts/fact_segment.hpp"
#include "memvid/error.hpp"

namespace {

using memvid::facts::FactRow;
using namespace memvid::index;

FactRow row(std::uint64_t frame, std::uint32_t ordinal, const char* entity, const char* slot, const char* value) {
  FactRow r;
  r.frame = frame;
  r.ordinal = ordinal;
  r.entity = entity;
  r.entity_name = std::string(entity).substr(0, 1) == "m" ? "María" : "Alice";
  r.slot = slot;
  r.value = value;
  r.engine = "rules/1";
  r.value_begin = 3;
  r.value_length = 4;
  r.confidence = 80;
  return r;
}

std::vector<FactRow> sample() {
  std::vector<FactRow> rows = {row(7, 0, "maría", "employer", "Telefónica"), row(1, 0, "alice", "employer", "Acme"),
                               row(1, 1, "alice", "location", "Oslo"), row(9, 0, "alice", "employer", "Globex")};
  rows[1].negative = true;
  rows[2].valid_from_ms = -86400000;  // before the epoch: zigzag
  rows[3].correction = true;
  return rows;
}

TEST(FactSegment, RoundTripInEntityOrder) {
  const auto bytes = encode_fact_segment(sample());
  const auto back = decode_fact_segment(bytes, 0);
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(back[0].entity, "alice");
  EXPECT_EQ(back[0].value, "Acme");
  EXPECT_TRUE(back[0].negative);
  EXPECT_EQ(back[1].value, "Globex");
  EXPECT_TRUE(back[1].correction);
  EXPECT_EQ(back[2].valid_from_ms, -86400000);
  EXPECT_EQ(back[3].entity_name, "María");
  // Deterministic: the same rows in any order give the same bytes.
  auto shuffled = sample();
  std::swap(shuffled[0], shuffled[3]);
  EXPECT_EQ(encode_fact_segment(shuffled), bytes);
}

TEST(FactSegment, OneEntityIsReadAlone) {
  const auto bytes = encode_fact_segment(sample());
  const auto checksum = fact_segment_checksum(bytes);
  FactSegmentReader reader(bytes, 100, &checksum);
  EXPECT_EQ(reader.fact_count(), 4u);
  EXPECT_EQ(reader.rows_of("alice").size(), 3u);
  EXPECT_EQ(reader.rows_of("maría").size(), 1u);
  EXPECT_TRUE(reader.rows_of("bob").empty());
  const auto other = memvid::format::Checksum16{};
  EXPECT_THROW(FactSegmentReader(bytes, 100, &other), memvid::Error);
}

TEST(FactSegment, HostileBytesAreCorruptNeverACrash) {
  const auto bytes = encode_fact_segment(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_THROW(decode_fact_segment(cut, 0), memvid::Error) << n;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto flipped = bytes;
    flipped[i] ^= 0x41;
    try {
      decode_fact_segment(flipped, 0);
      ADD_FAILURE() << "a changed byte at " << i << " went unnoticed";
    } catch (const memvid::Error& e) {
      EXPECT_EQ(e.code(), memvid::ErrorCode::Corrupt);
    }
  }
}

}  // namespace

namespace {

// Version 1 parts (written before the XXH3 field) are still read, with their BLAKE3 check;
// a version 2 part's XXH3 is checked at every load, its BLAKE3 trailer with a full check.
TEST(FactSegment, VersionOnePartsAreStillReadAndEachChecksumIsChecked) {
  std::vector<FactRow> rows = sample();
  rows[0].source_frame = 3;
  const std::vector<std::uint8_t> v2 = encode_fact_segment(rows);
  ASSERT_EQ(v2[4], 2);
  std::vector<std::uint8_t> v1(v2.begin(), v2.end() - 16 - 8);
  v1[4] = 1;
  const memvid::format::Checksum16 sum = memvid::format::checksum16(v1);
  v1.insert(v1.end(), sum.begin(), sum.end());
  const auto a = decode_fact_segment(v1, 0), b = decode_fact_segment(v2, 0);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].value, b[i].value);
    EXPECT_EQ(a[i].source_frame, b[i].source_frame);
  }
  // A changed BLAKE3 trailer: the load check (XXH3) passes, verify's full check does not.
  std::vector<std::uint8_t> trailer = v2;
  trailer.back() ^= 1;
  EXPECT_NO_THROW(FactSegmentReader(trailer, 0));
  EXPECT_THROW(decode_fact_segment(trailer, 0), memvid::Error);
  // A changed byte of the rows: the load check fails.
  std::vector<std::uint8_t> body = v2;
  body[body.size() - 16 - 8 - 2] ^= 1;
  EXPECT_THROW(FactSegmentReader(body, 0), memvid::Error);
  // A source frame at or after the recording frame is refused.
  rows[0].source_frame = rows[0].frame;
  EXPECT_THROW(decode_fact_segment(encode_fact_segment(rows), 0), memvid::Error);
}

}  // namespace
