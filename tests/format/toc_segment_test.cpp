// TOC segments read in place (version 3): look-ups give exactly what a whole decode gives,
// decode only the blocks they read, and find every damaged byte before using it; hostile
// structures behind correct checksums are errors, never a crash.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "format/block_checks.hpp"
#include "format/bytes.hpp"
#include "format/toc_segment.hpp"
#include "memvid/error.hpp"

using namespace memvid;
using namespace memvid::format;

namespace {

// Frames first..first+n-1 (every `step`-th id), records end to end, some superseded.
std::vector<TocEntry> make_entries(std::size_t n, std::uint64_t first = 0, std::uint64_t step = 1) {
  std::vector<TocEntry> out;
  std::uint64_t offset = 70000;
  for (std::size_t i = 0; i < n; ++i) {
    TocEntry e;
    e.frame_id = first + i * step;
    e.record_offset = offset;
    e.record_length = 100 + static_cast<std::uint32_t>(i % 37);
    e.payload_length = 40 + static_cast<std::uint32_t>(i % 11);
    e.timestamp_ms = 1'700'000'000'000 + static_cast<std::int64_t>(i * 1000) - static_cast<std::int64_t>(i % 5) * 7000;
    e.kind = static_cast<std::uint8_t>(i % 3);
    if (i % 17 == 3) {
      e.status = 2;
      e.superseded_by = e.frame_id + 1;
    }
    offset += e.record_length + (i % 13 == 0 ? 5 : 0);
    out.push_back(e);
  }
  return out;
}

std::shared_ptr<const FileView> view_of(std::vector<std::uint8_t> bytes) {
  return std::make_shared<BufferView>(std::move(bytes));
}

Checksum16 own_checksum(const std::vector<std::uint8_t>& bytes) {
  Checksum16 c;
  std::copy(bytes.end() - 16, bytes.end(), c.begin());
  return c;
}

// Header fields of a version 3 segment.
std::uint32_t block_count(const std::vector<std::uint8_t>& b) { return load_u32(b.data() + 16); }
std::uint64_t body_at(const std::vector<std::uint8_t>& b) { return 48 + 16 * std::uint64_t{block_count(b)}; }
std::uint64_t block_offset(const std::vector<std::uint8_t>& b, std::size_t block) {
  return body_at(b) + load_u64(b.data() + 48 + 16 * block + 8);
}

// Recomputes the block checksums and the segment checksum over `covered` bytes, so that a
// changed byte is no longer caught by a checksum and the structure checks must catch it.
void reseal(std::vector<std::uint8_t>& b, std::uint64_t covered) {
  const std::uint64_t sums = block_sums_length(covered);
  fill_block_sums(std::span<const std::uint8_t>(b.data(), covered), std::span(b.data() + covered, sums));
  Blake3 h;
  h.update(std::span<const std::uint8_t>(b.data(), 48));
  h.update(std::span<const std::uint8_t>(b.data() + covered, sums));
  h.finalize(b.data() + covered + sums, 16);
}

TEST(TocSegment, LookupsGiveWhatAWholeDecodeGivesAtEveryBlockEdge) {
  for (std::size_t n : {0, 1, 31, 32, 33, 127, 128, 129, 300, 1000}) {
    for (std::uint64_t step : {1, 3}) {
      const auto entries = make_entries(n, 5, step);
      for (std::uint8_t version : {2, 3}) {
        const auto bytes = encode_toc_segment(entries, version);
        EXPECT_EQ(decode_toc_segment(bytes, 0), entries) << n << " entries, version " << int{version};
        TocSegmentReader r(view_of(bytes), 0, own_checksum(bytes));
        EXPECT_EQ(r.entry_count(), n);
        for (const TocEntry& e : entries) {
          const TocEntry* found = r.find(e.frame_id);
          ASSERT_NE(found, nullptr) << "frame " << e.frame_id;
          EXPECT_EQ(*found, e);
        }
        // Ids between, before and after the held ones.
        EXPECT_EQ(r.find(0), nullptr);
        EXPECT_EQ(r.find(4), nullptr);
        if (n > 0) {
          EXPECT_EQ(r.find(entries.back().frame_id + 1), nullptr);
        }
        if (step > 1 && n > 1) {
          EXPECT_EQ(r.find(entries[1].frame_id - 1), nullptr);
        }
        std::vector<TocEntry> visited;
        r.visit([&](const TocEntry& e) { visited.push_back(e); });
        EXPECT_EQ(visited, entries);
      }
    }
  }
}

TEST(TocSegment, ReadsAnyBlockSizeTheHeaderNames) {
  const auto entries = make_entries(1000, 7, 2);
  for (std::uint32_t per_block : {1u, 5u, 128u, 999u, 1000u, 4096u}) {
    const auto bytes = encode_toc_segment(entries, 3, per_block);
    EXPECT_EQ(load_u32(bytes.data() + 20), per_block);
    EXPECT_EQ(decode_toc_segment(bytes, 0), entries) << per_block;
    TocSegmentReader r(view_of(bytes), 0, own_checksum(bytes));
    for (const TocEntry& e : entries) ASSERT_EQ(*r.find(e.frame_id), e) << per_block;
  }
  auto bytes = encode_toc_segment(entries, 3, 4097);  // more than a reader accepts
  EXPECT_THROW(decode_toc_segment(bytes, 0), Error);
}

TEST(TocSegment, StaysCompactAtScale) {
  const auto entries = make_entries(10000);
  const auto v3 = encode_toc_segment(entries);
  const auto v2 = encode_toc_segment(entries, 2);
  // About 9 bytes an entry instead of 48; the block index and checksums add under 1.5.
  EXPECT_LE(v3.size(), entries.size() * 12);
  EXPECT_LE(v3.size(), v2.size() + entries.size() * 3 / 2);
  EXPECT_EQ(encode_toc_segment(entries), v3);  // deterministic
}

TEST(TocSegment, ALookupDecodesOnlyTheBlockItReads) {
  const auto entries = make_entries(1000);
  const auto bytes = encode_toc_segment(entries);
  std::size_t checked = 0;
  TocSegmentReader r(view_of(bytes), 0, own_checksum(bytes), [&](const TocEntry&, std::uint64_t) { ++checked; });
  EXPECT_EQ(checked, 0u);
  ASSERT_NE(r.find(500), nullptr);
  EXPECT_EQ(checked, kTocBlockEntries);
  ASSERT_NE(r.find(501), nullptr);
  ASSERT_NE(r.find(480), nullptr);
  EXPECT_EQ(checked, kTocBlockEntries);  // the same block, kept
  ASSERT_NE(r.find(999), nullptr);
  EXPECT_EQ(checked, kTocBlockEntries + 1000 % kTocBlockEntries);
}

TEST(TocSegment, TheOwnersCheckRejectsAnEntryWhenItsBlockIsRead) {
  const auto entries = make_entries(400);
  const auto bytes = encode_toc_segment(entries);
  TocSegmentReader r(view_of(bytes), 0, own_checksum(bytes), [](const TocEntry& e, std::uint64_t) {
    if (e.frame_id == 300) throw Error(ErrorCode::InvalidToc, "frame 300 rejected");
  });
  EXPECT_NE(r.find(10), nullptr);
  try {
    r.find(290);
    FAIL() << "the block holding frame 300 was used";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidToc);
  }
}

TEST(TocSegment, ADamagedBlockIsFoundWhenReadAndByAWholeCheck) {
  const auto entries = make_entries(5000);
  auto bytes = encode_toc_segment(entries);
  const std::size_t damaged_block = 100;
  const std::uint64_t at = block_offset(bytes, damaged_block) + 3;
  ASSERT_GT(at, body_at(bytes) + 2 * kCheckedBlockBytes);  // another 4 KiB than block 0's
  bytes[at] ^= 0x20;
  TocSegmentReader r(view_of(bytes), 77, own_checksum(bytes));  // open reads none of the body
  EXPECT_EQ(*r.find(3), entries[3]);
  try {
    r.find(damaged_block * kTocBlockEntries + 5);
    FAIL() << "a damaged block was decoded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("fails its checksum"), std::string::npos) << e.what();
  }
  EXPECT_THROW(r.check_blocks(), Error);
  EXPECT_THROW(decode_toc_segment(bytes, 77), Error);
}

TEST(TocSegment, EveryChangedByteIsAnErrorBeforeAnyEntryIsUsed) {
  const auto entries = make_entries(600);
  const auto original = encode_toc_segment(entries);
  for (std::size_t i = 0; i < original.size(); ++i) {
    auto bytes = original;
    bytes[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    bool failed = false;
    try {
      // The manifest names the segment by its original checksum.
      TocSegmentReader r(view_of(bytes), 0, own_checksum(original));
      for (const TocEntry& e : entries) {
        const TocEntry* found = r.find(e.frame_id);
        ASSERT_TRUE(found && *found == e) << "byte " << i << ": frame " << e.frame_id << " read wrong";
      }
    } catch (const Error& e) {
      failed = true;
      EXPECT_TRUE(e.code() == ErrorCode::Corrupt || e.code() == ErrorCode::InvalidToc) << e.what();
    }
    EXPECT_TRUE(failed) << "byte " << i << " changed and nothing noticed";
  }
}

TEST(TocSegment, HostileStructuresBehindCorrectChecksumsNeverCrash) {
  const auto entries = make_entries(700, 10, 2);
  const auto original = encode_toc_segment(entries);
  const std::uint64_t covered = body_at(original) + load_u64(original.data() + 40);
  std::mt19937_64 rng(20261207);
  std::map<ErrorCode, int> outcomes;
  int answered = 0;
  for (int round = 0; round < 3000; ++round) {
    auto bytes = original;
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int c = 0; c < changes; ++c) {
      // Mostly the header and block index, where the structure lives; the body too.
      const std::uint64_t at = rng() % 2 ? rng() % body_at(original) : rng() % covered;
      bytes[at] = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0xFF : rng());
    }
    reseal(bytes, covered);
    try {
      TocSegmentReader r(view_of(bytes), 0, own_checksum(bytes));
      for (std::uint64_t id = 0; id < 1500; id += 1 + rng() % 5) (void)r.find(id);
      r.visit([](const TocEntry&) {});
      ++answered;
    } catch (const Error& e) {
      ++outcomes[e.code()];
      EXPECT_TRUE(e.code() == ErrorCode::Corrupt || e.code() == ErrorCode::InvalidToc) << e.what();
    }
  }
  EXPECT_GT(outcomes[ErrorCode::Corrupt] + outcomes[ErrorCode::InvalidToc], 1000);
  (void)answered;  // a changed timestamp or length still decodes: the owner's checks judge those
}

TEST(TocSegment, TheTocMustNameTheSegment) {
  const auto bytes = encode_toc_segment(make_entries(10));
  Checksum16 other = own_checksum(bytes);
  other[0] ^= 1;
  try {
    TocSegmentReader r(view_of(bytes), 4096, other);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("checksum differs"), std::string::npos);
  }
}

}  // namespace
