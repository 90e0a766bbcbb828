// The fact part codec: a round trip, reading one entity without the others, and hostile bytes
// (every truncation, every single-byte change) rejected as Corrupt, never a crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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
