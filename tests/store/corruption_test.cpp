// Damages each region of a valid file (byte flips, truncation, hostile values with valid
// checksums) and checks that opening and reading give a typed error or a clean fallback:
// never a crash, a hang, an unbounded allocation, or wrong data passed off as right.
#include <gtest/gtest.h>

#include <random>

#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/header.hpp"
#include "format/layout.hpp"
#include "format/toc.hpp"
#include "format/toc_segment.hpp"
#include "memvid/memvid.hpp"
#include "support/fault_env.hpp"
#include "support/loop_sizes.hpp"

using namespace memvid;
using memvid::testing::FaultEnv;

namespace {

const std::string kPath = "/mem/c.mv2";

std::string payload_for(int i) { return "payload of frame " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 7) * 40, 'q'); }

// A memory with two checkpoints and, when pending_wal, committed transactions still in the WAL.
std::vector<std::uint8_t> build(bool pending_wal) {
  auto env = std::make_shared<FaultEnv>();
  CreateOptions c;
  c.open.env = env;
  c.wal_bytes = 64 * 1024;
  Memvid m = Memvid::create(kPath, c);
  for (int i = 0; i < 20; ++i) {
    Document d;
    d.payload = payload_for(i);
    d.title = "t" + std::to_string(i);
    d.timestamp_ms = i;
    m.put(d);
    if (i == 9 || i == 14) m.commit();
  }
  m.delete_frame(3);
  if (!pending_wal) m.close();
  return env->contents(kPath);
}

// The header copy with the highest sequence: the one that names the committed state.
format::Header newest_header(const std::vector<std::uint8_t>& image) {
  auto a = format::Header::decode(std::span(image).subspan(format::kHeaderSlotOffset[0], format::kHeaderSize));
  auto b = format::Header::decode(std::span(image).subspan(format::kHeaderSlotOffset[1], format::kHeaderSize));
  if (!a || (b && b->sequence > a->sequence)) return *b;
  return *a;
}

// A fresh in-memory disk holding these bytes as the memory file, and options that use it.
std::shared_ptr<FaultEnv> env_holding(const std::vector<std::uint8_t>& image) {
  auto env = std::make_shared<FaultEnv>();
  env->set_contents(kPath, image);
  return env;
}

OpenOptions options_for(const std::shared_ptr<FaultEnv>& env) {
  OpenOptions o;
  o.env = env;
  return o;
}

// NotAMemory: a cut at 0 leaves an empty file, which is not a memory (nor a damaged one).
bool is_integrity_error(ErrorCode c) {
  return c == ErrorCode::Corrupt || c == ErrorCode::InvalidToc || c == ErrorCode::RecoveryNeeded ||
         c == ErrorCode::NotAMemory;
}

// Opens the image and reads everything; returns how many frames read back intact.
// Any failure must be a typed integrity error, and any payload returned must be right.
void open_and_read_all(const std::vector<std::uint8_t>& image, bool writer, const std::string& context) {
  auto env = env_holding(image);
  OpenOptions o = options_for(env);
  try {
    Memvid m = writer ? Memvid::open(kPath, o) : Memvid::open_read_only(kPath, o);
    ASSERT_LE(m.frame_count(), 20u) << context;
    for (FrameId id = 0; id < m.frame_count(); ++id) {
      try {
        Frame f = m.frame(id);
        ASSERT_EQ(f.payload, payload_for(static_cast<int>(id))) << context << " frame " << id;
      } catch (const Error& e) {
        ASSERT_TRUE(is_integrity_error(e.code())) << context << ": " << e.what();
      }
    }
    try {
      m.timeline();
      m.stats();
    } catch (const Error& e) {
      ASSERT_TRUE(is_integrity_error(e.code())) << context << ": " << e.what();
    }
  } catch (const Error& e) {
    ASSERT_TRUE(is_integrity_error(e.code())) << context << ": " << to_string(e.code()) << " " << e.what();
  }
}

struct Region {
  std::string name;
  std::size_t begin, end;
};

std::vector<Region> regions(const std::vector<std::uint8_t>& image) {
  auto h = newest_header(image);
  auto footer = *format::Footer::decode(std::span(image).subspan(h.footer_offset, 64));
  std::size_t data_start = h.wal_offset + h.wal_size;
  return {{"header copy A", 0, 128},
          {"header copy B", 512, 640},
          {"owner record", 1024, 1408},
          {"WAL", h.wal_offset, h.wal_offset + 4096},
          {"frame data", data_start, data_start + 3000},
          {"TOC and segments", footer.toc_offset - 200, footer.toc_offset + footer.toc_length},
          {"footer", h.footer_offset, h.footer_offset + 64},
          {"tail", h.footer_offset + 64, image.size()}};
}

}  // namespace

TEST(Corruption, ByteFlipsInEveryRegionGiveTypedErrorsOrCorrectData) {
  for (bool pending : {false, true}) {
    const auto original = build(pending);
    std::mt19937_64 rng(pending ? 1 : 2);
    for (const Region& r : regions(original)) {
      if (r.begin >= r.end || r.end > original.size()) continue;
      const std::size_t len = r.end - r.begin;
      const std::size_t samples = std::min<std::size_t>(len, memvid::testing::short_loops() ? 48 : 160);
      for (std::size_t i = 0; i < samples; ++i) {
        std::size_t at = r.begin + (samples == len ? i : rng() % len);
        auto image = original;
        image[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        std::string context = r.name + " byte " + std::to_string(at) + (pending ? " (WAL pending)" : "");
        open_and_read_all(image, false, context + " reader");
        open_and_read_all(image, true, context + " writer");
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(Corruption, TruncationAnywhereGivesTypedErrorsOrAnOlderState) {
  for (bool pending : {false, true}) {
    const auto original = build(pending);
    for (std::size_t cut = 0; cut < original.size(); cut += std::max<std::size_t>(1, original.size() / 300)) {
      std::vector<std::uint8_t> image(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(cut));
      open_and_read_all(image, false, "cut at " + std::to_string(cut));
      open_and_read_all(image, true, "cut at " + std::to_string(cut) + " writer");
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(Corruption, TornNewestHeaderFallsBackToTheOtherCopy) {
  auto image = build(false);
  auto h0 = format::Header::decode(std::span(image).subspan(0, 128));
  auto h1 = format::Header::decode(std::span(image).subspan(512, 128));
  ASSERT_TRUE(h0 && h1);
  std::size_t newest = h0->sequence > h1->sequence ? 0 : 512;
  for (std::size_t i = 40; i < 128; ++i) image[newest + i] = 0;  // torn: second half never written
  auto env = env_holding(image);
  OpenOptions o = options_for(env);
  Memvid m = Memvid::open_read_only(kPath, o);
  EXPECT_TRUE(m.recovery_info().header_fallback);
  // The older header names the previous checkpoint, and its WAL epoch is still intact in the
  // ring (the last checkpoint wrote no new records over it), so replay recovers everything.
  EXPECT_EQ(m.frame_count(), 20u);
  EXPECT_EQ(m.recovery_info().transactions_replayed, 6u);
  EXPECT_EQ(m.frame_info(3).status, FrameStatus::Deleted);
  for (FrameId id = 0; id < m.frame_count(); ++id) EXPECT_EQ(m.frame(id).payload, payload_for(static_cast<int>(id)));
}

TEST(Corruption, DamagedFooterStrictRefusesAutoTruncateFallsBack) {
  auto image = build(false);
  auto newest = newest_header(image);
  image[newest.footer_offset + 20] ^= 0xFF;
  auto env = env_holding(image);
  OpenOptions o = options_for(env);
  try {
    Memvid::open_read_only(kPath, o);
    FAIL() << "Strict must refuse a damaged footer";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find(std::to_string(newest.footer_offset)), std::string::npos) << e.what();
  }
  {
    Memvid w = Memvid::open(kPath, o);
    EXPECT_TRUE(w.recovery_info().footer_fallback);
    EXPECT_EQ(w.frame_count(), 20u);  // previous checkpoint + its WAL epoch, replayed
    Document d;
    d.payload = "after fallback";
    w.put(d);
  }
  Memvid r = Memvid::open_read_only(kPath, o);
  ASSERT_EQ(r.frame_count(), 21u);
  EXPECT_EQ(r.frame(20).payload, "after fallback");
  for (FrameId id = 0; id < 20; ++id) EXPECT_EQ(r.frame(id).payload, payload_for(static_cast<int>(id)));
}

TEST(Corruption, FlippedPayloadByteIsReportedForThatFrameOnly) {
  auto image = build(false);
  // Find frame 5's payload text and damage it.
  std::string needle = "payload of frame 5";
  auto it = std::search(image.begin(), image.end(), needle.begin(), needle.end());
  ASSERT_NE(it, image.end());
  *(it + 3) ^= 0x01;
  auto env = env_holding(image);
  OpenOptions o = options_for(env);
  Memvid m = Memvid::open_read_only(kPath, o);
  try {
    m.frame(5);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("file offset"), std::string::npos);
  }
  EXPECT_EQ(m.frame(4).payload, payload_for(4));
  EXPECT_EQ(m.frame(6).payload, payload_for(6));
}

TEST(Corruption, HostileTocWithValidChecksumsIsRejectedWithoutHugeAllocations) {
  const auto original = build(false);
  auto h = newest_header(original);
  auto footer = *format::Footer::decode(std::span(original).subspan(h.footer_offset, 64));
  auto toc = std::vector<std::uint8_t>(original.begin() + static_cast<std::ptrdiff_t>(footer.toc_offset),
                                       original.begin() + static_cast<std::ptrdiff_t>(h.footer_offset));
  auto manifest = format::Manifest::decode(toc, footer.toc_offset, original.size());

  auto reseal = [&](format::Manifest m) {
    auto image = original;
    auto bytes = m.encode();
    EXPECT_EQ(bytes.size(), toc.size());
    std::copy(bytes.begin(), bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(footer.toc_offset));
    format::Footer f = footer;
    f.toc_hash = format::checksum16(bytes);
    auto fb = f.encode();
    std::copy(fb.begin(), fb.end(), image.begin() + static_cast<std::ptrdiff_t>(h.footer_offset));
    return image;
  };
  auto expect_rejected = [&](const std::vector<std::uint8_t>& image, const char* what) {
    auto env = env_holding(image);
    OpenOptions o = options_for(env);
    try {
      Memvid::open_read_only(kPath, o);
      ADD_FAILURE() << what << " was accepted";
    } catch (const Error& e) {
      EXPECT_TRUE(is_integrity_error(e.code())) << what << ": " << e.what();
    }
  };
  format::Manifest m = manifest;
  m.next_frame_id = 4'000'000'000ull;  // would be ~190 GB of entries if trusted
  expect_rejected(reseal(m), "a frame count of four billion");
  m = manifest;
  m.segments[0].entry_count = 1ull << 40;
  expect_rejected(reseal(m), "a segment of 2^40 entries");
  m = manifest;
  m.segments[0].offset = original.size() + 100;
  expect_rejected(reseal(m), "a segment past the end of the file");
}

TEST(Corruption, RandomBytesAreNotAMemory) {
  std::mt19937_64 rng(5);
  for (std::size_t size : {0u, 10u, 4095u, 4096u, 70000u, 300000u}) {
    std::vector<std::uint8_t> junk(size);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    auto env = env_holding(junk);
    OpenOptions o = options_for(env);
    try {
      Memvid::open_read_only(kPath, o);
      FAIL() << size;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::NotAMemory) << e.what();
    }
    try {
      Memvid::open(kPath, o);
      FAIL() << size;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::NotAMemory) << e.what();
    }
    EXPECT_EQ(env->contents(kPath), junk) << "a refused writer changed the file of " << size << " bytes";
  }
}

TEST(Corruption, LeftoverTailIsReportedByReadersAndCutByWriters) {
  auto image = build(false);
  const std::size_t committed = image.size();
  image.resize(committed + 5000, 0xAB);  // what a killed writer's unfinished transaction leaves
  auto env = env_holding(image);
  OpenOptions o = options_for(env);
  {
    Memvid r = Memvid::open_read_only(kPath, o);
    EXPECT_EQ(r.recovery_info().bytes_truncated, 5000u);
    EXPECT_EQ(r.frame_count(), 20u);
  }
  EXPECT_EQ(env->contents(kPath).size(), committed + 5000);  // a reader never modifies the file
  OpenOptions strict = o;
  strict.recovery = RecoveryMode::Strict;
  try {
    Memvid::open(kPath, strict);
    FAIL() << "a Strict writer must refuse to cut";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::RecoveryNeeded);
  }
  {
    Memvid w = Memvid::open(kPath, o);
    EXPECT_EQ(w.recovery_info().bytes_truncated, 5000u);
  }
  EXPECT_EQ(env->contents(kPath).size(), committed);
}

// The TOC is read block by block: a damaged byte in a segment an older checkpoint wrote is
// found when a read needs its block (and by verify), while the rest of the memory answers.
TEST(Corruption, ADamagedOlderTocBlockFailsTheFramesItHoldsOnly) {
  auto env = std::make_shared<FaultEnv>();
  {
    CreateOptions c;
    c.open.env = env;
    c.embedding_model = "none";
    Memvid m = Memvid::create(kPath, c);
    std::vector<Document> docs;
    for (int i = 0; i < 2000; ++i) {
      Document d;
      d.payload = payload_for(i);
      d.timestamp_ms = i;
      docs.push_back(d);
    }
    m.put_many(docs);
    m.commit();
    Document d;
    d.payload = "a later frame";
    m.put(d);
    m.close();
  }
  auto image = env->contents(kPath);
  const auto h = newest_header(image);
  const auto footer = *format::Footer::decode(std::span(image).subspan(h.footer_offset, 64));
  const auto manifest = format::Manifest::decode(
      std::span(image).subspan(footer.toc_offset, h.footer_offset - footer.toc_offset), footer.toc_offset, image.size());
  ASSERT_EQ(manifest.segments.size(), 2u);
  const format::SegmentRef old = manifest.segments[0];
  ASSERT_EQ(old.entry_count, 2000u);
  ASSERT_LT(old.offset, manifest.prev_footer_offset);  // not written by the newest checkpoint
  // Frame 1500's block: its offset in the body is in the block index (16 bytes a block).
  const std::size_t block = 1500 / format::kTocBlockEntries;
  const std::uint64_t blocks = format::load_u32(image.data() + old.offset + 16);
  const std::uint64_t at = old.offset + 48 + 16 * blocks +
                           format::load_u64(image.data() + old.offset + 48 + 16 * block + 8) + 2;
  image[at] ^= 0x10;

  auto damaged = env_holding(image);
  Memvid m = Memvid::open_read_only(kPath, options_for(damaged));
  EXPECT_EQ(m.frame_count(), 2001u);
  EXPECT_EQ(m.frame(3).payload, payload_for(3));
  EXPECT_EQ(m.frame(2000).payload, "a later frame");
  try {
    m.frame_info(1500);
    FAIL() << "frame 1500 was read from a damaged TOC block";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("TOC segment"), std::string::npos) << e.what();
  }
  try {
    (void)m.stats();  // reads every entry
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
  }
}
