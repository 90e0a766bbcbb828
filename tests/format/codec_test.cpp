// Round trips and rejection of damaged bytes for each on-disk structure.
#include <gtest/gtest.h>

#include "format/bytes.hpp"
#include "format/compression.hpp"
#include "format/frame_record.hpp"
#include "format/header.hpp"
#include "format/owner_record.hpp"
#include "format/toc.hpp"
#include "format/toc_segment.hpp"
#include "format/wal_record.hpp"

using namespace memvid;
using namespace memvid::format;

TEST(Codec, VarintRoundTripAndOverflow) {
  ByteWriter w;
  const std::uint64_t values[] = {0, 1, 127, 128, 300, 1ull << 35, ~0ull};
  for (auto v : values) w.varint(v);
  auto bytes = w.take();
  ByteReader r(bytes, "test");
  for (auto v : values) EXPECT_EQ(r.varint(), v);
  EXPECT_TRUE(r.done());
  std::vector<std::uint8_t> bad(11, 0xFF);
  ByteReader rb(bad, "test");
  EXPECT_THROW(rb.varint(), Error);
}

TEST(Codec, ReaderNeverReadsPastTheEnd) {
  std::vector<std::uint8_t> three = {1, 2, 3};
  ByteReader r(three, "thing", 100);
  try {
    r.u32();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("thing at file offset 100"), std::string::npos) << e.what();
  }
}

TEST(Codec, HeaderRoundTripAndEveryBitFlipRejected) {
  Header h{7, 4096, 1 << 20, 123456, 6, 0xABCDEF};
  auto bytes = h.encode();
  auto back = Header::decode(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sequence, 7u);
  EXPECT_EQ(back->footer_offset, 123456u);
  EXPECT_EQ(back->wal_salt, 0xABCDEFu);
  for (std::size_t i = 0; i < bytes.size() * 8; ++i) {
    auto copy = bytes;
    copy[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_FALSE(Header::decode(copy)) << "bit " << i;
  }
}

TEST(Codec, OwnerRecordRoundTripAndBlank) {
  OwnerRecord o{1234, 10, 20, "host", std::string(400, 'c')};
  auto back = OwnerRecord::decode(o.encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pid, 1234);
  EXPECT_EQ(back->command.size(), 256u);  // cut to the field
  std::array<std::uint8_t, kOwnerRecordSize> zeros{};
  EXPECT_FALSE(OwnerRecord::decode(zeros));
}

TEST(Codec, FooterAndManifestRoundTrip) {
  Manifest m;
  m.generation = 3;
  m.next_frame_id = 10;
  m.prev_footer_offset = 9000;
  m.segments.push_back({5000, 200, 10, {}});
  auto bytes = m.encode();
  Manifest back = Manifest::decode(bytes, 10000, 20000);
  EXPECT_EQ(back.segments, m.segments);
  EXPECT_EQ(back.next_frame_id, 10u);
  Footer f{10000, bytes.size(), 3, checksum16(bytes)};
  auto fb = f.encode();
  auto fback = Footer::decode(fb);
  ASSERT_TRUE(fback);
  EXPECT_EQ(fback->toc_hash, f.toc_hash);
  fb[10] ^= 1;
  EXPECT_FALSE(Footer::decode(fb));
}

TEST(Codec, TocSegmentRoundTripAndOrderCheck) {
  std::vector<TocEntry> entries;
  for (std::uint64_t i = 0; i < 5; ++i) entries.push_back({i, 5000 + i * 100, static_cast<std::int64_t>(i), kNoFrame, 100, 50, 0, 0});
  entries[3].superseded_by = 4;
  entries[3].status = 2;
  entries[2].kind = 3;
  entries[1].timestamp_ms = -5;  // deltas go both ways
  entries[4].record_offset = 100;
  auto bytes = encode_toc_segment(entries);
  EXPECT_EQ(decode_toc_segment(bytes, 0), entries);
  EXPECT_EQ(decode_toc_segment(encode_toc_segment(entries, 2), 0), entries);
  std::swap(entries[1], entries[2]);
  auto unordered = encode_toc_segment(entries);
  try {
    decode_toc_segment(unordered, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidToc);
  }
  bytes[20] ^= 4;
  EXPECT_THROW(decode_toc_segment(bytes, 0), Error);
}

TEST(Codec, TocSegmentRoundTripsExtremeValues) {
  std::vector<TocEntry> entries = {
      {0, ~0ull - 10, INT64_MIN, kNoFrame, 0xFFFFFFFFu, 0xFFFFFFFFu, 1, 3},
      {1, 0, INT64_MAX, ~0ull - 1, 0, 0, 2, 0},
      {~0ull - 1, 1ull << 62, 0, 0, 96, 1, 0, 1}};
  EXPECT_EQ(decode_toc_segment(encode_toc_segment(entries), 0), entries);
  EXPECT_EQ(decode_toc_segment(encode_toc_segment({}), 0), std::vector<TocEntry>{});
}

TEST(Codec, FrameRecordRoundTripCompressesWhenItHelps) {
  FrameMeta meta;
  meta.title = "title";
  meta.uri = "mv2://x";
  meta.tags = {"a", "b"};
  meta.labels = {"l"};
  meta.metadata_json = R"({"k":1})";
  meta.parent = 4;
  meta.supersedes = 2;
  std::string text(2000, 'a');
  auto bytes = encode_frame_record(9, 77, 1, meta, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  EXPECT_LT(bytes.size(), 400u);
  FrameRecord rec = decode_frame_record(bytes, 0);
  EXPECT_TRUE(rec.compressed);
  EXPECT_EQ(rec.frame_id, 9u);
  EXPECT_EQ(rec.meta.tags, meta.tags);
  EXPECT_EQ(rec.meta.parent, 4u);
  EXPECT_EQ(rec.meta.supersedes, 2u);
  auto payload = frame_payload(rec, 0);
  EXPECT_EQ(std::string(payload.begin(), payload.end()), text);

  std::string tiny = "hi";
  auto small = encode_frame_record(1, 1, 0, {}, std::span(reinterpret_cast<const std::uint8_t*>(tiny.data()), tiny.size()));
  EXPECT_FALSE(decode_frame_record(small, 0).compressed);
  for (std::size_t i = 0; i < small.size(); ++i) {
    auto copy = small;
    copy[i] ^= 0x10;
    EXPECT_THROW(decode_frame_record(copy, 0), Error) << "byte " << i;
  }
}

TEST(Codec, DecompressRejectsLies) {
  std::string text(5000, 'z');
  auto packed = compress_if_smaller(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  ASSERT_TRUE(packed);
  EXPECT_EQ(decompress_exact(*packed, 5000, 0).size(), 5000u);
  EXPECT_THROW(decompress_exact(*packed, 4999, 0), Error);
  EXPECT_THROW(decompress_exact(*packed, 1ull << 29, 0), Error);
  auto cut = *packed;
  cut.resize(cut.size() / 2);
  EXPECT_THROW(decompress_exact(cut, 5000, 0), Error);
}

TEST(Codec, WalRecordChainRejectsStaleAndTornRecords) {
  std::vector<std::uint8_t> buf;
  std::vector<std::uint8_t> p1 = {1, 2, 3}, p2(48, 7);
  std::uint64_t c1 = append_wal_record(buf, 42, 1, WalRecordType::Entry, p1, 42);
  append_wal_record(buf, 42, 2, WalRecordType::Commit, p2, c1);
  WalRecordView v{};
  ASSERT_TRUE(read_wal_record(buf, 42, 1, 42, v));
  EXPECT_EQ(v.size, wal_record_size(3));
  ASSERT_TRUE(read_wal_record(std::span(buf).subspan(v.size), 42, 2, v.chain, v));
  EXPECT_FALSE(read_wal_record(buf, 43, 1, 43, v));       // another epoch's salt
  EXPECT_FALSE(read_wal_record(buf, 42, 1, 41, v));       // wrong chain start
  EXPECT_FALSE(read_wal_record(std::span(buf).first(20), 42, 1, 42, v));  // torn
  auto flipped = buf;
  flipped[33] ^= 1;
  EXPECT_FALSE(read_wal_record(flipped, 42, 1, 42, v));
}
