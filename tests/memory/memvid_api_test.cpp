// The public API as a user drives it: put/get/update/delete/timeline/stats/transactions,
// reopening between steps so every behaviour is checked on what reached the file.
#include <gtest/gtest.h>

#include <functional>

#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>

#include <unistd.h>

#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;

namespace {

Document doc(std::string text, std::string title = "", std::int64_t ts = 1'700'000'000'000) {
  Document d;
  d.payload = std::move(text);
  d.title = std::move(title);
  d.timestamp_ms = ts;
  return d;
}

OpenOptions fast() {
  OpenOptions o;
  o.sync = SyncMode::Off;
  return o;
}

CreateOptions fast_create() {
  CreateOptions c;
  c.open = fast();
  return c;
}

}  // namespace

TEST(MemvidApi, CreateRefusesExistingFile) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  { auto m = Memvid::create(path, fast_create()); }
  try {
    Memvid::create(path, fast_create());
    FAIL() << "create over an existing file must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
}

TEST(MemvidApi, OpenMissingFileIsNotFound) {
  TempDir dir;
  try {
    Memvid::open(dir.file("missing.mv2"), fast());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("missing.mv2"), std::string::npos);
  }
}

TEST(MemvidApi, PutThenReadBackAfterReopen) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  Document d = doc(std::string(5000, 'x') + " tail", "Title One", 1234);
  d.uri = "mv2://docs/one";
  d.tags = {"alpha", "k=v"};
  d.labels = {"intro"};
  d.metadata_json = R"({"source":"test","n":3})";
  d.kind = FrameKind::Document;
  FrameId id;
  {
    auto m = Memvid::create(path, fast_create());
    id = m.put(d);
    EXPECT_EQ(id, 0u);
    EXPECT_EQ(m.frame(id).payload, d.payload);  // visible before close
  }
  auto m = Memvid::open_read_only(path);
  Frame f = m.frame(id);
  EXPECT_EQ(f.payload, d.payload);
  EXPECT_EQ(f.title, "Title One");
  EXPECT_EQ(f.uri, "mv2://docs/one");
  EXPECT_EQ(f.tags, d.tags);
  EXPECT_EQ(f.labels, d.labels);
  EXPECT_EQ(f.metadata_json, d.metadata_json);
  EXPECT_EQ(f.kind, FrameKind::Document);
  EXPECT_EQ(f.timestamp_ms, 1234);
  EXPECT_EQ(f.status, FrameStatus::Active);
  EXPECT_TRUE(f.compressed);  // 5000 repeated bytes compress
  EXPECT_LT(f.stored_bytes, f.payload_bytes);
  EXPECT_EQ(f.payload_bytes, d.payload.size());
}

TEST(MemvidApi, BinaryPayloadRoundTrips) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 131) ^ (i >> 3)));
  bytes[7] = '\0';
  {
    auto m = Memvid::create(path, fast_create());
    Document d;
    d.payload = bytes;
    d.kind = FrameKind::Binary;
    m.put(d);
  }
  EXPECT_EQ(Memvid::open_read_only(path).frame(0).payload, bytes);
}

TEST(MemvidApi, RejectsBadMetadataAndParent) {
  TempDir dir;
  auto m = Memvid::create(dir.file("a.mv2"), fast_create());
  Document d = doc("x");
  d.metadata_json = "[1,2]";
  EXPECT_THROW(m.put(d), Error);
  d.metadata_json = "{not json";
  try {
    m.put(d);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
  d.metadata_json.clear();
  d.parent = 99;
  EXPECT_THROW(m.put(d), Error);
  EXPECT_EQ(m.frame_count(), 0u);
}

TEST(MemvidApi, PutManyIsOneTransaction) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  std::vector<Document> docs;
  for (int i = 0; i < 500; ++i) docs.push_back(doc("document number " + std::to_string(i), "t" + std::to_string(i), i));
  {
    auto m = Memvid::create(path, fast_create());
    auto ids = m.put_many(docs);
    ASSERT_EQ(ids.size(), 500u);
    EXPECT_EQ(ids.front(), 0u);
    EXPECT_EQ(ids.back(), 499u);
  }
  auto m = Memvid::open_read_only(path);
  EXPECT_EQ(m.frame_count(), 500u);
  EXPECT_EQ(m.frame(321).payload, "document number 321");
  EXPECT_EQ(m.frame(321).title, "t321");
}

TEST(MemvidApi, PutManyWithAnInvalidDocumentAddsNothing) {
  TempDir dir;
  auto m = Memvid::create(dir.file("a.mv2"), fast_create());
  std::vector<Document> docs = {doc("a"), doc("b"), doc("c")};
  docs[2].metadata_json = "oops";
  try {
    m.put_many(docs);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("document 2"), std::string::npos);
  }
  EXPECT_EQ(m.frame_count(), 0u);
}

TEST(MemvidApi, UpdateSupersedesAndDeleteTombstones) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  {
    auto m = Memvid::create(path, fast_create());
    m.put(doc("v1", "doc", 10));
    m.put(doc("other", "other", 20));
    FrameId v2 = m.update(0, doc("v2", "doc", 30));
    EXPECT_EQ(v2, 2u);
    m.delete_frame(1);
    EXPECT_THROW(m.update(0, doc("v3")), Error);  // superseded frames cannot be updated
    EXPECT_THROW(m.delete_frame(1), Error);       // already deleted
    EXPECT_THROW(m.delete_frame(42), Error);      // missing
  }
  auto m = Memvid::open_read_only(path);
  Frame old = m.frame(0);
  EXPECT_EQ(old.status, FrameStatus::Superseded);
  ASSERT_TRUE(old.superseded_by.has_value());
  EXPECT_EQ(*old.superseded_by, 2u);
  Frame v2 = m.frame(2);
  EXPECT_EQ(v2.payload, "v2");
  ASSERT_TRUE(v2.supersedes.has_value());
  EXPECT_EQ(*v2.supersedes, 0u);
  EXPECT_EQ(m.frame(1).status, FrameStatus::Deleted);
  Stats st = m.stats();
  EXPECT_EQ(st.frames, 3u);
  EXPECT_EQ(st.active_frames, 1u);
  EXPECT_EQ(st.deleted_frames, 1u);
  EXPECT_EQ(st.superseded_frames, 1u);
  EXPECT_EQ(st.payload_bytes, 2u);
}

TEST(MemvidApi, TimelineOrdersFiltersAndPages) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  {
    auto m = Memvid::create(path, fast_create());
    // Inserted out of time order on purpose; ties are broken by frame id.
    m.put(doc("c", "c", 300));
    m.put(doc("a", "a", 100));
    m.put(doc("b", "b", 200));
    m.put(doc("b2", "b2", 200));
    m.put(doc("d", "d", 400));
    m.delete_frame(4);
  }
  auto m = Memvid::open_read_only(path);
  auto titles = [](const std::vector<TimelineEntry>& t) {
    std::string s;
    for (const auto& e : t) s += e.title + ",";
    return s;
  };
  EXPECT_EQ(titles(m.timeline()), "a,b,b2,c,");
  TimelineQuery q;
  q.reverse = true;
  q.limit = 2;
  EXPECT_EQ(titles(m.timeline(q)), "c,b2,");
  q = {};
  q.since_ms = 200;
  q.until_ms = 300;
  EXPECT_EQ(titles(m.timeline(q)), "b,b2,c,");
  q = {};
  q.include_inactive = true;
  EXPECT_EQ(titles(m.timeline(q)), "a,b,b2,c,d,");
  EXPECT_EQ(m.timeline().front().preview, "a");
}

TEST(MemvidApi, ExplicitTransactionCommitAndRollback) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  {
    auto m = Memvid::create(path, fast_create());
    m.begin();
    EXPECT_TRUE(m.in_transaction());
    m.put(doc("one"));
    m.put(doc("two"));
    EXPECT_EQ(m.frame_count(), 2u);  // the writer sees its own transaction
    m.rollback();
    EXPECT_FALSE(m.in_transaction());
    EXPECT_EQ(m.frame_count(), 0u);
    EXPECT_THROW(m.rollback(), Error);
    m.begin();
    EXPECT_THROW(m.begin(), Error);
    m.put(doc("three"));
    m.commit();
    EXPECT_FALSE(m.in_transaction());
  }
  auto m = Memvid::open_read_only(path);
  ASSERT_EQ(m.frame_count(), 1u);
  EXPECT_EQ(m.frame(0).payload, "three");
}

TEST(MemvidApi, UncommittedTransactionIsDiscardedOnClose) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  {
    auto m = Memvid::create(path, fast_create());
    m.put(doc("kept"));
    m.begin();
    m.put(doc("lost"));
  }
  auto m = Memvid::open_read_only(path);
  EXPECT_EQ(m.frame_count(), 1u);
  // The rolled-back bytes were cut, so the file ends at the footer.
  EXPECT_EQ(m.recovery_info().bytes_truncated, 0u);
}

TEST(MemvidApi, ReadOnlyHandleRefusesWrites) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  { auto m = Memvid::create(path, fast_create()); }
  auto m = Memvid::open_read_only(path);
  try {
    m.put(doc("x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ReadOnly);
  }
  EXPECT_TRUE(m.read_only());
}

TEST(MemvidApi, SealClosesTheHandle) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  auto m = Memvid::create(path, fast_create());
  m.put(doc("x"));
  m.seal();
  for (const auto& call : std::vector<std::function<void()>>{[&] { m.put(doc("y")); }, [&] { (void)m.stats(); },
                                                              [&] { (void)m.find("x"); }}) {
    try {
      call();
      ADD_FAILURE() << "a sealed handle answered";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Closed) << e.what();
    }
  }
  EXPECT_NO_THROW(m.close());  // idempotent
  EXPECT_EQ(Memvid::open_read_only(path).frame_count(), 1u);
}

TEST(MemvidApi, WalRecordsAreReplayedWhenTheWriterDidNotCheckpoint) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  auto writer = Memvid::create(path, fast_create());
  for (int i = 0; i < 10; ++i) writer.put(doc("doc " + std::to_string(i)));
  EXPECT_EQ(writer.stats().wal_pending_transactions, 10u);
  // A reader opening now sees the committed transactions through the WAL.
  auto reader = Memvid::open_read_only(path);
  EXPECT_EQ(reader.frame_count(), 10u);
  EXPECT_EQ(reader.recovery_info().transactions_replayed, 10u);
  EXPECT_EQ(reader.frame(9).payload, "doc 9");
}

TEST(MemvidApi, CheckpointEveryThousandTransactions) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  auto m = Memvid::create(path, fast_create());
  for (int i = 0; i < 1000; ++i) m.put(doc("d" + std::to_string(i)));
  Stats st = m.stats();
  EXPECT_GE(st.generation, 1u);
  EXPECT_LT(st.wal_pending_transactions, 1000u);
}

TEST(MemvidApi, WalCheckpointsWhenThreeQuartersFull) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  auto m = Memvid::create(path, fast_create());
  Stats before = m.stats();
  // Each put of 300 small docs costs ~30 KB of WAL; the 1 MiB log must checkpoint by itself.
  for (int round = 0; round < 40; ++round) {
    std::vector<Document> docs;
    for (int i = 0; i < 300; ++i) docs.push_back(doc("x"));
    m.put_many(docs);
    EXPECT_LE(m.stats().wal_used_bytes, before.wal_bytes);
  }
  EXPECT_GE(m.stats().generation, 1u);
}

TEST(MemvidApi, ManySmallCommitsKeepFewTocSegments) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  {
    auto m = Memvid::create(path, fast_create());
    for (int i = 0; i < 600; ++i) {
      m.put(doc("doc " + std::to_string(i)));
      m.commit();  // a checkpoint per put: the worst case for the TOC
    }
    EXPECT_LE(m.stats().toc_segments, 7u * 4u);
  }
  auto m = Memvid::open_read_only(path);
  ASSERT_EQ(m.frame_count(), 600u);
  for (FrameId id : {0u, 299u, 599u}) EXPECT_EQ(m.frame(id).payload, "doc " + std::to_string(id));
}

TEST(MemvidApi, SidecarFileIsRefused) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  { auto m = Memvid::create(path, fast_create()); }
  for (const char* suffix : {"-wal", "-shm", "-lock", "-journal"}) {
    std::ofstream(path + suffix) << "x";
    try {
      Memvid::open_read_only(path);
      FAIL() << suffix;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::AuxiliaryFileDetected);
      EXPECT_NE(std::string(e.what()).find(path + suffix), std::string::npos);
    }
    EXPECT_EQ(memvid::find_sidecar(path), path + suffix);
    std::filesystem::remove(path + suffix);
  }
  EXPECT_FALSE(memvid::find_sidecar(path).has_value());
}

TEST(MemvidApi, NeverCreatesSidecars) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  {
    auto m = Memvid::create(path, fast_create());
    for (int i = 0; i < 50; ++i) m.put(doc("x" + std::to_string(i)));
    m.commit();
    auto r = Memvid::open_read_only(path);
    r.timeline();
  }
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"a.mv2"});
}

TEST(MemvidApi, OwnerRecordWhileOpenAndClearedOnClose) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  OpenOptions o = fast();
  o.command = "unit-test writer";
  CreateOptions c;
  c.open = o;
  {
    auto m = Memvid::create(path, c);
    OwnerInfo who = memvid::who(path);
    EXPECT_TRUE(who.present);
    EXPECT_TRUE(who.alive);
    EXPECT_EQ(who.pid, ::getpid());
    EXPECT_EQ(who.command, "unit-test writer");
  }
  OwnerInfo who = memvid::who(path);
  EXPECT_FALSE(who.present);
  EXPECT_FALSE(who.alive);
}

TEST(MemvidApi, CheckpointRefreshesTheOwnerHeartbeat) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  auto m = Memvid::create(path, fast_create());
  OwnerInfo before = memvid::who(path);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  m.put(doc("x"));
  m.commit();
  OwnerInfo after = memvid::who(path);
  EXPECT_EQ(after.started_ms, before.started_ms);
  EXPECT_GT(after.heartbeat_ms, before.heartbeat_ms);
}

TEST(MemvidApi, RefreshMovesAReaderToTheNewestCommit) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  auto writer = Memvid::create(path, fast_create());
  writer.put(doc("first"));
  auto reader = Memvid::open_read_only(path);
  writer.put(doc("second"));  // in the WAL
  writer.commit();            // and checkpointed
  writer.put(doc("third"));   // in the next WAL epoch
  EXPECT_EQ(reader.frame_count(), 1u);  // still its snapshot
  reader.refresh();
  ASSERT_EQ(reader.frame_count(), 3u);
  EXPECT_EQ(reader.frame(2).payload, "third");
  EXPECT_NO_THROW(writer.refresh());
}

TEST(MemvidApi, CreateReplacesOnlyWhatAKilledCreateLeft) {
  TempDir dir;
  const std::string empty = dir.file("empty.mv2"), zeros = dir.file("zeros.mv2"), foreign = dir.file("foreign.mv2");
  { std::ofstream(empty, std::ios::binary); }
  { std::ofstream(zeros, std::ios::binary) << std::string(4096 + 65536, '\0'); }
  { std::ofstream(foreign, std::ios::binary) << "not a memory, but somebody's data"; }
  EXPECT_THROW(Memvid::open(empty, fast()), Error);  // nothing to open...
  Memvid a = Memvid::create(empty, fast_create());   // ...but create may take its place
  a.put(doc("x"));
  a.close();
  Memvid b = Memvid::create(zeros, fast_create());
  b.close();
  try {
    Memvid::create(foreign, fast_create());
    FAIL() << "create overwrote a foreign file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
  std::ifstream in(foreign, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "not a memory, but somebody's data");
}
