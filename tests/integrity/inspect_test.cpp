// inspect_file: the committed layout of a memory, as inspect and dump-catalog show it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "format/layout.hpp"
#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "support/fault_env.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::FaultEnv;
namespace mt = memvid::testing;

namespace {

const std::string kPath = "/mem/i.mv2";

void expect_consistent(const FileAnatomy& a) {
  ASSERT_GE(a.used_header, 0);
  ASSERT_LE(a.used_header, 1);
  const HeaderCopy& used = a.headers[a.used_header];
  EXPECT_TRUE(used.valid);
  EXPECT_EQ(a.headers[0].offset, 0u);
  EXPECT_EQ(a.headers[1].offset, 512u);
  EXPECT_EQ(used.footer_offset, a.footer_offset);
  EXPECT_EQ(used.generation, a.generation);
  EXPECT_EQ(a.toc_offset + a.toc_length, a.footer_offset);
  EXPECT_EQ(a.data_start, format::kWalOffset + used.wal_size);
  EXPECT_GE(a.committed_end, a.footer_offset + 64);
  EXPECT_LE(a.committed_end, a.file_bytes);
  EXPECT_EQ(a.live_bytes + a.dead_bytes, a.committed_end - a.data_start);
  EXPECT_LT(a.prev_footer_offset, a.footer_offset);
  // TOC segments first, then the index parts in frame order, tiling [0, indexed_frames).
  bool index_part_seen = false;
  std::uint64_t next_first = 0;
  for (const CatalogEntry& c : a.segments) {
    EXPECT_EQ(c.checksum_hex.size(), 32u);
    EXPECT_GE(c.offset, a.data_start);
    EXPECT_LE(c.offset + c.length, a.toc_offset);
    if (c.kind == "toc") {
      EXPECT_FALSE(index_part_seen) << "TOC segments come first";
      EXPECT_GT(c.count, 0u);
      EXPECT_LE(c.end_frame, a.frames);
      continue;
    }
    index_part_seen = true;
    ASSERT_TRUE(c.kind == "lex" || c.kind == "time" || c.kind == "vec") << c.kind;
    if (c.kind == "lex") {
      EXPECT_EQ(c.first_frame, next_first);
      next_first = c.end_frame;
    }
    if (c.kind == "time") {
      EXPECT_EQ(c.count, c.end_frame - c.first_frame);
    }
    if (c.kind == "vec") {
      EXPECT_LE(c.count, c.end_frame - c.first_frame);
    }
  }
  EXPECT_EQ(next_first, a.indexed_frames);
}

TEST(InspectTest, ClosedMemoryAnatomy) {
  auto env = std::make_shared<FaultEnv>();
  const auto s = mt::build_small(kPath, env, "custom:test");
  const FileAnatomy a = inspect_file(kPath, InspectOptions{env});
  expect_consistent(a);
  EXPECT_EQ(a.path, kPath);
  EXPECT_EQ(a.file_bytes, env->contents(kPath).size());
  EXPECT_TRUE(a.headers[0].valid && a.headers[1].valid);
  EXPECT_EQ(a.used_header, a.headers[0].sequence > a.headers[1].sequence ? 0 : 1);
  EXPECT_FALSE(a.owner_present);
  EXPECT_EQ(a.frames, s.frames);
  EXPECT_EQ(a.indexed_frames, s.frames);
  EXPECT_EQ(a.wal_pending_transactions, 0u);
  EXPECT_EQ(a.wal_pending_frames, 0u);
  EXPECT_EQ(a.committed_end, a.file_bytes);  // a clean close leaves nothing after the footer
  EXPECT_EQ(a.language, "english");
  EXPECT_EQ(a.embedding_model, "custom:test");
  EXPECT_EQ(a.embedding_dimension, mt::kVecDim);
  EXPECT_FALSE(a.vector_compression);
  EXPECT_EQ(a.chunk_bytes, 256u);
  EXPECT_EQ(a.chunk_overlap, 32u);
  EXPECT_GT(a.generation, 10u);
  EXPECT_GT(a.prev_footer_offset, 0u);
  // A dozen checkpoints: merged-away segments and superseded TOCs are dead bytes.
  EXPECT_GT(a.dead_bytes, 0u);
  std::size_t kinds[4] = {0, 0, 0, 0};
  for (const CatalogEntry& c : a.segments)
    ++kinds[c.kind == "toc" ? 0 : c.kind == "lex" ? 1 : c.kind == "time" ? 2 : 3];
  EXPECT_GE(kinds[0], 1u);
  EXPECT_GE(kinds[1], 2u);
  EXPECT_EQ(kinds[1], kinds[2]);
  EXPECT_GE(kinds[3], 1u);
}

TEST(InspectTest, MemoryWithoutEmbeddingsHasNoVectorParts) {
  auto env = std::make_shared<FaultEnv>();
  mt::build_small(kPath, env, "none");
  const FileAnatomy a = inspect_file(kPath, InspectOptions{env});
  expect_consistent(a);
  EXPECT_EQ(a.embedding_model, "");
  EXPECT_EQ(a.embedding_dimension, 0u);
  for (const CatalogEntry& c : a.segments) EXPECT_NE(c.kind, "vec");
}

TEST(InspectTest, OpenWriterWithPendingTransactions) {
  mt::TempDir dir;
  const std::string path = dir.file("open.mv2");
  std::unique_ptr<Memvid> writer;
  const auto s = mt::build_small(path, nullptr, "custom:test", &writer, 3);
  const FileAnatomy a = inspect_file(path);
  expect_consistent(a);
  EXPECT_TRUE(a.owner_present);
  EXPECT_EQ(a.owner_pid, ::getpid());
  EXPECT_EQ(a.wal_pending_transactions, 3u);
  EXPECT_EQ(a.wal_pending_frames, 3u);
  EXPECT_GT(a.wal_used_bytes, 0u);
  EXPECT_EQ(a.frames + 3, s.frames);
  EXPECT_GT(a.committed_end, a.footer_offset + 64);  // the pending frames' records
  writer->close();
  const FileAnatomy after = inspect_file(path);
  EXPECT_FALSE(after.owner_present);
  EXPECT_EQ(after.frames, s.frames);
  EXPECT_EQ(after.wal_pending_transactions, 0u);
}

TEST(InspectTest, FallsBackWhenTheNewestFooterIsDamaged) {
  auto env = std::make_shared<FaultEnv>();
  mt::build_small(kPath, env, "custom:test");
  const FileAnatomy a = inspect_file(kPath, InspectOptions{env});
  auto image = env->contents(kPath);
  image[a.footer_offset + 9] ^= 1;
  env->set_contents(kPath, image);
  const FileAnatomy b = inspect_file(kPath, InspectOptions{env});
  EXPECT_NE(b.used_header, a.used_header);
  EXPECT_LT(b.generation, a.generation);
  EXPECT_EQ(b.footer_offset, a.prev_footer_offset);
}

TEST(InspectTest, UnreadableOrMissing) {
  auto env = std::make_shared<FaultEnv>();
  try {
    inspect_file("/mem/missing.mv2", InspectOptions{env});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  mt::build_small(kPath, env, "none");
  auto image = env->contents(kPath);
  std::fill(image.begin(), image.begin() + 1024, 0);
  env->set_contents(kPath, image);
  try {
    inspect_file(kPath, InspectOptions{env});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
  }
}

}  // namespace
