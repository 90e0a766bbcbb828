// Memvid::verify: healthy memories pass every check (shallow and deep, small and with HNSW
// parts and merged segments), WAL-pending transactions are counted, verify runs beside a live
// writer without changing a byte, and each kind of damage fails the check that owns it,
// never a crash or an exception.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <signal.h>
#include <thread>

#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/header.hpp"
#include "format/layout.hpp"
#include "format/toc.hpp"
#include "format/toc_segment.hpp"
#include "format/wal_record.hpp"
#include "integrity/committed_state.hpp"
#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "memvid/maintenance.hpp"
#include "support/fault_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::FaultEnv;
namespace mt = memvid::testing;

namespace {

const std::string kPath = "/mem/v.mv2";

const char* const kAllChecks[] = {"HeaderChecksum",       "FooterChecksum",      "TocDecode",
                                  "SegmentBounds",        "FrameCountConsistency", "TimeIndexRead",
                                  "TimeIndexEntryCount",  "TimeIndexSortOrder",  "LexIndexDecode",
                                  "VecIndexDecode",       "FactIndexRead",       "MentionIndexRead",
                                  "WalPendingRecords",    "OwnerRecord",         "FramePayloadChecksums",
                                  "LexIndexCoverage",     "VecIndexCoverage",    "FactIndexCoverage",
                                  "MentionIndexCoverage"};
const char* const kDeepChecks[] = {"TimeIndexSortOrder", "FramePayloadChecksums", "LexIndexCoverage",
                                   "VecIndexCoverage", "FactIndexCoverage", "MentionIndexCoverage"};

std::string describe(const VerifyReport& r) {
  std::string out = r.path + (r.deep ? " (deep)" : "") + (r.ok ? " ok" : " NOT ok") + "\n";
  for (const CheckResult& c : r.checks)
    out += "  " + std::string(to_string(c.status)) + "  " + c.name + "  " + c.detail + "\n";
  return out;
}

CheckStatus status_of(const VerifyReport& r, std::string_view name) {
  const CheckResult* c = r.find(name);
  EXPECT_NE(c, nullptr) << name;
  return c ? c->status : CheckStatus::Skipped;
}

bool is_deep_check(std::string_view name) {
  return std::find(std::begin(kDeepChecks), std::end(kDeepChecks), name) != std::end(kDeepChecks);
}

// Every check passes, except deep ones in a shallow run and the vector checks of a memory
// without a semantic index, which are skipped.
void expect_healthy(const VerifyReport& r, bool semantic) {
  ASSERT_EQ(r.checks.size(), std::size(kAllChecks)) << describe(r);
  for (std::size_t i = 0; i < r.checks.size(); ++i) EXPECT_EQ(r.checks[i].name, kAllChecks[i]);
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_TRUE(r.damaged_frames.empty());
  for (const CheckResult& c : r.checks) {
    const bool vec = c.name.rfind("Vec", 0) == 0;
    CheckStatus want = CheckStatus::Passed;
    if ((!r.deep && is_deep_check(c.name)) || (!semantic && vec)) want = CheckStatus::Skipped;
    EXPECT_EQ(c.status, want) << c.name << ": " << c.detail << "\n" << describe(r);
    EXPECT_FALSE(c.detail.empty()) << c.name;
  }
  if (!r.deep) {
    EXPECT_NE(r.find("FramePayloadChecksums")->detail.find("not deep"), std::string::npos);
  }
}

std::shared_ptr<FaultEnv> env_holding(const std::vector<std::uint8_t>& image) {
  auto env = std::make_shared<FaultEnv>();
  env->set_contents(kPath, image);
  return env;
}

VerifyReport verify_image(const std::vector<std::uint8_t>& image, bool deep) {
  return memvid::verify(kPath, VerifyOptions{deep, env_holding(image)});
}

// A small memory's bytes (closed cleanly, or with WAL-pending transactions).
std::vector<std::uint8_t> small_image(const std::string& model = "custom:test", int pending = 0,
                                      mt::SmallMemory* info = nullptr) {
  auto env = std::make_shared<FaultEnv>();
  std::unique_ptr<Memvid> keep;
  auto s = mt::build_small(kPath, env, model, pending > 0 ? &keep : nullptr, pending);
  if (info) *info = s;
  auto image = env->contents(kPath);
  keep.reset();
  return image;
}

FileAnatomy anatomy_of(const std::vector<std::uint8_t>& image) { return inspect_file(kPath, InspectOptions{env_holding(image)}); }

const CatalogEntry& first_part(const FileAnatomy& a, const std::string& kind) {
  for (const CatalogEntry& c : a.segments)
    if (c.kind == kind) return c;
  ADD_FAILURE() << "no " << kind << " part";
  return a.segments.front();
}

std::size_t find_bytes(const std::vector<std::uint8_t>& image, const std::string& needle) {
  auto it = std::search(image.begin(), image.end(), needle.begin(), needle.end());
  EXPECT_NE(it, image.end()) << needle;
  return static_cast<std::size_t>(it - image.begin());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---------------------------------------------------------------------------------------
// Healthy memories

TEST(VerifyHealthy, SmallMemoryWithVectorsPassesEveryCheck) {
  mt::SmallMemory info;
  auto image = small_image("custom:test", 0, &info);
  const VerifyReport shallow = verify_image(image, false);
  expect_healthy(shallow, true);
  EXPECT_EQ(shallow.frames, info.frames);
  EXPECT_EQ(shallow.file_bytes, image.size());
  EXPECT_EQ(shallow.path, kPath);
  const VerifyReport deep = verify_image(image, true);
  expect_healthy(deep, true);
  EXPECT_TRUE(deep.deep);
  EXPECT_GE(deep.elapsed_ms, 0);
  EXPECT_NE(deep.find("OwnerRecord")->detail.find("closed cleanly"), std::string::npos);
  // Reads that return less than asked (as pread may) change nothing.
  auto env = env_holding(image);
  env->set_short_reads(true);
  expect_healthy(memvid::verify(kPath, VerifyOptions{true, env}), true);
}

TEST(VerifyHealthy, MemoryWithoutEmbeddingsSkipsOnlyTheVectorChecks) {
  auto image = small_image("none");
  expect_healthy(verify_image(image, false), false);
  const VerifyReport deep = verify_image(image, true);
  expect_healthy(deep, false);
  EXPECT_NE(deep.find("VecIndexCoverage")->detail.find("no semantic index"), std::string::npos);
}

TEST(VerifyHealthy, CompressedVectorPartsPass) {
  auto env = std::make_shared<FaultEnv>();
  CreateOptions c;
  c.open.env = env;
  c.open.nudge_poll_ms = 0;
  c.open.sync = SyncMode::Off;
  c.embedding_model = "custom:test";
  c.vector_compression = true;
  {
    Memvid m = Memvid::create(kPath, c);
    std::vector<Document> docs;
    for (std::uint64_t i = 0; i < 1500; ++i) docs.push_back(mt::doc_for(i, true));
    m.put_many(docs);
    m.commit();
    m.delete_frame(10);
    m.put(mt::doc_for(2000, true));
    m.close();
  }
  const VerifyReport r = memvid::verify(kPath, VerifyOptions{true, env});
  expect_healthy(r, true);
  EXPECT_NE(r.find("VecIndexDecode")->detail.find("1 IVF-PQ"), std::string::npos) << describe(r);
}

// 20K frames: an HNSW vector part (10,000 rows or more), merged TOC and index segments,
// deletes and updates in parts that were not merged since.
TEST(VerifyHealthy, LargeMemoryWithHnswAndMergedSegmentsPassesDeep) {
  mt::TempDir dir;
  const std::string path = dir.file("large.mv2");
  CreateOptions c;
  c.open.nudge_poll_ms = 0;
  c.open.sync = SyncMode::Off;
  c.embedding_model = "custom:test";
  c.open.vector_graph_min_rows = 10000;  // so that the merged segment gets a graph
  std::uint64_t next = 0;
  {
    Memvid m = Memvid::create(path, c);
    auto batch = [&](std::uint64_t n) {
      std::vector<Document> docs;
      for (std::uint64_t i = 0; i < n; ++i) docs.push_back(mt::doc_for(next++, true));
      m.put_many(docs);
      m.commit();
    };
    batch(12000);
    for (int k = 0; k < 10; ++k) batch(800);
    for (FrameId id = 100; id < 20000; id += 397) m.delete_frame(id);
    for (FrameId id = 151; id < 20000; id += 1013) m.update(id, mt::doc_for(next++, true));
    m.commit();
    for (int k = 0; k < 5; ++k) m.put(mt::doc_for(next++, true));
    m.close();
  }
  const FileAnatomy a = inspect_file(path);
  EXPECT_GE(a.frames, 20000u);
  EXPECT_GT(a.dead_bytes, 0u);  // merged-away segments
  bool has_big_vec = false;
  for (const CatalogEntry& e : a.segments) has_big_vec |= e.kind == "vec" && e.count >= 10000;
  EXPECT_TRUE(has_big_vec);
  const VerifyReport shallow = memvid::verify(path, false);
  expect_healthy(shallow, true);
  const VerifyReport deep = memvid::verify(path, true);
  expect_healthy(deep, true);
  EXPECT_NE(deep.find("VecIndexDecode")->detail.find("1 HNSW"), std::string::npos) << describe(deep);
}

TEST(VerifyHealthy, WalPendingTransactionsAreCountedAndChecked) {
  mt::TempDir dir;
  const std::string path = dir.file("pending.mv2");
  std::unique_ptr<Memvid> writer;
  auto s = mt::build_small(path, nullptr, "custom:test", &writer, 3);
  // The writer is still open: its three transactions wait in the WAL.
  for (bool deep : {false, true}) {
    const VerifyReport r = memvid::verify(path, deep);
    expect_healthy(r, true);
    EXPECT_EQ(r.frames, s.frames);
    const std::string& wal = r.find("WalPendingRecords")->detail;
    EXPECT_NE(wal.find("3 committed transactions pending replay (3 new frames"), std::string::npos) << wal;
    EXPECT_NE(r.find("OwnerRecord")->detail.find("holding the writer lock"), std::string::npos)
        << r.find("OwnerRecord")->detail;
  }
  writer->close();
}

TEST(VerifyHealthy, CrashedWriterLeavesAVerifiableMemory) {
  mt::TempDir dir;
  const std::string path = dir.file("crashed.mv2");
  mt::build_small(path, nullptr, "custom:test");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    OpenOptions o;
    o.nudge_poll_ms = 0;
    Memvid m = Memvid::open(path, o);
    for (int k = 0; k < 4; ++k) m.put(mt::doc_for(500 + static_cast<std::uint64_t>(k), true));
    m.begin();
    m.put(mt::doc_for(600, true));  // never committed: a tail the next writer cuts
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const VerifyReport r = memvid::verify(path, true);
  expect_healthy(r, true);
  EXPECT_NE(r.find("WalPendingRecords")->detail.find("4 committed transactions"), std::string::npos)
      << describe(r);
  EXPECT_NE(r.find("OwnerRecord")->detail.find("stale"), std::string::npos) << describe(r);
}

TEST(VerifyHealthy, VerifyChangesNoByte) {
  mt::TempDir dir;
  const std::string path = dir.file("same.mv2");
  mt::build_small(path, nullptr, "custom:test");
  const std::string before = read_file(path);
  for (bool deep : {false, true}) ASSERT_TRUE(memvid::verify(path, deep).ok);
  EXPECT_EQ(std::hash<std::string>{}(read_file(path)), std::hash<std::string>{}(before));
  EXPECT_TRUE(read_file(path) == before);
}

// A writer process killed at random moments (by the crash harness's writer): verify passes
// while it runs and after each kill, whatever torn tail it left.
TEST(VerifyHealthy, KilledWritersLeaveVerifiableFiles) {
  mt::TempDir dir;
  const std::string path = dir.file("killed.mv2");
  CreateOptions c;
  c.embedding_model = "none";
  c.wal_bytes = 64 * 1024;
  Memvid::create(path, c).close();
  std::mt19937_64 rng(11);
  const char* syncs[] = {"full", "normal", "off"};
  for (int round = 0; round < 15; ++round) {
    mt::Child child = mt::spawn({MEMVID_CRASH_WRITER_PATH, path, std::to_string(rng()), syncs[round % 3]});
    for (int k = 0; k < 3; ++k) {
      std::this_thread::sleep_for(std::chrono::microseconds(1000 + rng() % 8000));
      const VerifyReport r = memvid::verify(path, k == 2);
      ASSERT_TRUE(r.ok) << "round " << round << " (writer running)\n" << describe(r);
    }
    ::kill(child.pid, SIGKILL);
    mt::read_all(child.stdout_fd);
    mt::wait_for(child.pid);
    const VerifyReport r = memvid::verify(path, true);
    ASSERT_TRUE(r.ok) << "round " << round << " (after the kill)\n" << describe(r);
  }
}

TEST(VerifyHealthy, WalLeftoversOfAFailedCommitAreNotDamage) {
  auto env = std::make_shared<FaultEnv>();
  CreateOptions c;
  c.open.env = env;
  c.open.nudge_poll_ms = 0;
  c.embedding_model = "none";
  c.wal_bytes = 64 * 1024;
  Memvid m = Memvid::create(kPath, c);
  m.put(mt::doc_for(0, false));
  // The sync after the WAL append fails: the writer rewinds the log over a complete batch.
  std::vector<Document> docs;
  for (std::uint64_t i = 1; i < 11; ++i) docs.push_back(mt::doc_for(i, false));
  env->fail_sync_at(0);
  EXPECT_THROW(m.put_many(docs), Error);
  env->fail_sync_at(-1);
  m.put(mt::doc_for(20, false));  // its two records overwrite the first two of the failed eleven
  const VerifyReport r = memvid::verify(kPath, VerifyOptions{true, env});
  expect_healthy(r, false);
  EXPECT_NE(r.find("WalPendingRecords")->detail.find("2 committed transactions"), std::string::npos) << describe(r);
}

// Compaction drops deleted and superseded frames' records (their ids stay), and a snapshot
// copies everything: both verify clean, deep.
TEST(VerifyHealthy, CompactedAndSnapshotCopiesPass) {
  mt::TempDir dir;
  const std::string path = dir.file("src.mv2");
  mt::build_small(path, nullptr, "custom:test");
  {
    Memvid m = Memvid::open_read_only(path);
    memvid::Maintenance(m).compact_to(dir.file("compact.mv2"));
    memvid::Maintenance(m).export_snapshot(dir.file("snap.mv2"));
  }
  const VerifyReport compact = memvid::verify(dir.file("compact.mv2"), true);
  expect_healthy(compact, true);
  EXPECT_NE(compact.find("FrameCountConsistency")->detail.find("records removed by a vacuum"), std::string::npos)
      << describe(compact);
  expect_healthy(memvid::verify(dir.file("snap.mv2"), true), true);
}

TEST(VerifyHealthy, RunsBesideALiveWriter) {
  mt::TempDir dir;
  const std::string path = dir.file("live.mv2");
  CreateOptions c;
  c.open.nudge_poll_ms = 0;
  c.open.sync = SyncMode::Off;
  c.embedding_model = "custom:test";
  c.wal_bytes = 64 * 1024;  // checkpoints (header flips, new epochs) come often
  c.chunk_bytes = 256;
  c.chunk_overlap = 32;
  Memvid::create(path, c).close();
  // The writer stops by itself after a few thousand frames; verify runs over and over
  // meanwhile (a deep one every fourth time).
  constexpr std::uint64_t kFrames = 4000;
  std::atomic<bool> stop{false}, done{false};
  std::thread writer([&] {
    OpenOptions o;
    o.nudge_poll_ms = 0;
    o.sync = SyncMode::Off;
    Memvid m = Memvid::open(path, o);
    std::uint64_t i = 0;
    while (!stop.load() && i < kFrames) {
      if (i % 7 == 6) {
        std::vector<Document> docs;
        for (int k = 0; k < 30; ++k) docs.push_back(mt::doc_for(i++, true));
        m.put_many(docs);
      } else {
        m.put(mt::doc_for(i++, true));
      }
      if (i % 50 == 0) m.delete_frame(i - 10);
      if (i % 97 == 0) m.commit();
    }
    m.close();
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int runs = 0;
  std::uint64_t max_frames = 0;
  while (!done.load() && std::chrono::steady_clock::now() < deadline) {
    const VerifyReport r = memvid::verify(path, runs % 4 == 3);
    if (!r.ok) {
      stop = true;
      writer.join();
      FAIL() << "run " << runs << "\n" << describe(r);
    }
    max_frames = std::max(max_frames, r.frames);
    ++runs;
  }
  stop = true;
  writer.join();
  EXPECT_GT(runs, 5);
  EXPECT_GT(max_frames, 0u);
  expect_healthy(memvid::verify(path, true), true);
}

// Commits a new TOC over a closed memory's committed state, its entries (as one segment)
// and segment list changed by edit: forged states whose checksums are all valid.
std::vector<std::uint8_t> rewrite_toc(
    std::vector<std::uint8_t> image,
    const std::function<void(std::vector<format::TocEntry>&, std::vector<format::SegmentRef>&)>& edit) {
  auto env = env_holding(image);
  auto file = env->open(kPath, OpenMode::ReadOnly);
  const integrity::CommittedState st = integrity::read_committed_state(*file, kPath, *env);
  const integrity::CommitView& u = *st.used_commit();
  std::vector<format::TocEntry> entries = st.view;
  std::vector<format::SegmentRef> refs;
  std::vector<format::TocEntry> edited = entries;
  edit(edited, refs);
  const auto segment = format::encode_toc_segment(edited);
  format::SegmentRef ref{image.size(), segment.size(), edited.size(), {}};
  std::copy(segment.end() - 16, segment.end(), ref.checksum.begin());
  refs.insert(refs.begin(), ref);
  image.insert(image.end(), segment.begin(), segment.end());
  format::Manifest m = u.manifest;
  m.segments = refs;
  const auto toc = m.encode();
  const format::Footer footer{image.size(), toc.size(), u.header.generation, format::checksum16(toc)};
  image.insert(image.end(), toc.begin(), toc.end());
  const auto footer_bytes = footer.encode();
  format::Header h = u.header;
  h.footer_offset = image.size();
  h.sequence = std::max(st.copies[0]->sequence, st.copies[1]->sequence) + 1;
  image.insert(image.end(), footer_bytes.begin(), footer_bytes.end());
  const auto header_bytes = h.encode();
  std::copy(header_bytes.begin(), header_bytes.end(),
            image.begin() + static_cast<std::ptrdiff_t>(format::kHeaderSlotOffset[h.sequence % 2]));
  return image;
}

// A vacuum keeps the entries of the inactive frames whose records it removed (record offset,
// length and payload length zero).
std::vector<std::uint8_t> with_removed_records(std::vector<std::uint8_t> image, const std::vector<FrameId>& ids) {
  return rewrite_toc(std::move(image), [&](std::vector<format::TocEntry>& entries, std::vector<format::SegmentRef>&) {
    for (FrameId id : ids) {
      entries[id].record_offset = 0;
      entries[id].record_length = 0;
      entries[id].payload_length = 0;
    }
  });
}

TEST(VerifyHealthy, AcceptsRecordsRemovedByAVacuum) {
  mt::SmallMemory info;
  const auto image = small_image("custom:test", 0, &info);
  // 5 was superseded, 7 and 12 deleted (merged since), 20 deleted (still in an unmerged part).
  const auto vacuumed = with_removed_records(image, {5, 7, 12, 20});
  const VerifyReport r = verify_image(vacuumed, true);
  expect_healthy(r, true);
  EXPECT_NE(r.find("FrameCountConsistency")->detail.find("4 records removed by a vacuum"), std::string::npos)
      << describe(r);
  EXPECT_EQ(r.frames, info.frames);

  // An active frame cannot lose its record.
  const VerifyReport bad = verify_image(with_removed_records(image, {6}), true);
  EXPECT_EQ(status_of(bad, "FrameCountConsistency"), CheckStatus::Failed) << describe(bad);
  EXPECT_NE(bad.find("FrameCountConsistency")->detail.find("frame 6 is active but has no record"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Damage

void flip(std::vector<std::uint8_t>& image, std::uint64_t offset) {
  ASSERT_LT(offset, image.size());
  image[offset] ^= 0x5A;
}

TEST(VerifyDamage, HeaderCopyNamesTheCopy) {
  const auto image = small_image();
  for (int slot : {0, 1}) {
    const char name = slot == 0 ? 'A' : 'B', other = slot == 0 ? 'B' : 'A';
    auto copy = image;
    flip(copy, format::kHeaderSlotOffset[slot] + 20);  // the sequence
    for (bool deep : {false, true}) {
      const VerifyReport r = verify_image(copy, deep);
      EXPECT_FALSE(r.ok);
      const CheckResult* h = r.find("HeaderChecksum");
      EXPECT_EQ(h->status, CheckStatus::Failed) << describe(r);
      EXPECT_NE(h->detail.find(std::string("copy ") + name + " (offset " +
                               std::to_string(format::kHeaderSlotOffset[slot]) + ") fails its checksum"),
                std::string::npos)
          << h->detail;
      EXPECT_NE(h->detail.find(std::string("in use: copy ") + other), std::string::npos) << h->detail;
      // The other copy's commit is intact (the previous one when the newest copy was hit,
      // with the newer transactions in its WAL epoch): everything else checks out on it.
      for (const CheckResult& c : r.checks)
        if (c.name != "HeaderChecksum") {
          EXPECT_NE(c.status, CheckStatus::Failed) << c.name << ": " << c.detail;
        }
    }
  }
}

TEST(VerifyDamage, NoHeaderAtAll) {
  auto image = small_image();
  std::fill(image.begin(), image.begin() + 1024, 0);
  const VerifyReport r = verify_image(image, true);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(status_of(r, "HeaderChecksum"), CheckStatus::Failed);
  EXPECT_NE(r.find("HeaderChecksum")->detail.find("not a memvid file"), std::string::npos);
  for (const char* name : {"FooterChecksum", "TocDecode", "SegmentBounds", "FramePayloadChecksums", "VecIndexCoverage"})
    EXPECT_EQ(status_of(r, name), CheckStatus::Skipped) << name;
  EXPECT_EQ(r.frames, 0u);
  EXPECT_THROW(inspect_file(kPath, InspectOptions{env_holding(image)}), Error);
}

TEST(VerifyDamage, FooterFailsAndNamesTheFallback) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  flip(image, a.footer_offset + 12);
  const VerifyReport r = verify_image(image, true);
  EXPECT_FALSE(r.ok);
  const CheckResult* f = r.find("FooterChecksum");
  EXPECT_EQ(f->status, CheckStatus::Failed) << describe(r);
  EXPECT_NE(f->detail.find("fails its magic or checksum"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("is good: a writer falls back"), std::string::npos) << f->detail;
  EXPECT_EQ(status_of(r, "TocDecode"), CheckStatus::Passed) << describe(r);
  EXPECT_NE(r.find("TocDecode")->detail.find("previous commit"), std::string::npos);
}

TEST(VerifyDamage, TocFails) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  flip(image, a.toc_offset + 20);
  const VerifyReport r = verify_image(image, false);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(status_of(r, "FooterChecksum"), CheckStatus::Passed);
  const CheckResult* t = r.find("TocDecode");
  EXPECT_EQ(t->status, CheckStatus::Failed) << describe(r);
  EXPECT_NE(t->detail.find("BLAKE3"), std::string::npos) << t->detail;
}

TEST(VerifyDamage, TocSegmentFails) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  const CatalogEntry& seg = first_part(a, "toc");
  flip(image, seg.offset + seg.length / 2);
  const VerifyReport r = verify_image(image, false);
  EXPECT_EQ(status_of(r, "TocDecode"), CheckStatus::Failed) << describe(r);
}

TEST(VerifyDamage, FramePayloadFailsOnlyDeep) {
  mt::SmallMemory info;
  auto image = small_image("custom:test", 0, &info);
  // Frame 9's text is stored as is (short texts are not compressed).
  flip(image, find_bytes(image, "payload of frame 9 ") + 3);
  const VerifyReport shallow = verify_image(image, false);
  EXPECT_TRUE(shallow.ok) << describe(shallow);
  const VerifyReport deep = verify_image(image, true);
  EXPECT_FALSE(deep.ok);
  const CheckResult* p = deep.find("FramePayloadChecksums");
  EXPECT_EQ(p->status, CheckStatus::Failed) << describe(deep);
  EXPECT_NE(p->detail.find("frame 9"), std::string::npos) << p->detail;
  EXPECT_EQ(deep.damaged_frames, std::vector<std::uint64_t>{9});
  // The index checks cannot judge a frame whose text is lost, and do not blame the index.
  EXPECT_EQ(status_of(deep, "LexIndexCoverage"), CheckStatus::Passed) << describe(deep);
  EXPECT_EQ(status_of(deep, "VecIndexCoverage"), CheckStatus::Passed) << describe(deep);
}

TEST(VerifyDamage, LexicalPartFails) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  // A byte in the postings (start), the middle and the trailer of a lexical part.
  for (double at : {0.0, 0.5, 0.99}) {
    auto copy = image;
    const CatalogEntry& lex = first_part(a, "lex");
    flip(copy, lex.offset + static_cast<std::uint64_t>(static_cast<double>(lex.length - 1) * at));
    const VerifyReport r = verify_image(copy, false);
    EXPECT_EQ(status_of(r, "LexIndexDecode"), CheckStatus::Failed) << at << "\n" << describe(r);
    EXPECT_EQ(status_of(r, "TimeIndexRead"), CheckStatus::Passed);
    EXPECT_EQ(status_of(r, "TocDecode"), CheckStatus::Passed);
  }
}

TEST(VerifyDamage, TimePartFails) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  const CatalogEntry& t = first_part(a, "time");
  flip(image, t.offset + t.length / 2);
  const VerifyReport r = verify_image(image, true);
  EXPECT_EQ(status_of(r, "TimeIndexRead"), CheckStatus::Failed) << describe(r);
  EXPECT_EQ(status_of(r, "LexIndexDecode"), CheckStatus::Passed);
  // The other parts are still checked.
  EXPECT_NE(r.find("TimeIndexEntryCount")->detail.find("1 unreadable parts not checked"), std::string::npos)
      << describe(r);
}

TEST(VerifyDamage, VectorPartFails) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  const CatalogEntry& v = first_part(a, "vec");
  flip(image, v.offset + v.length / 3);
  const VerifyReport r = verify_image(image, true);
  EXPECT_EQ(status_of(r, "VecIndexDecode"), CheckStatus::Failed) << describe(r);
  EXPECT_EQ(status_of(r, "LexIndexDecode"), CheckStatus::Passed);
  EXPECT_EQ(status_of(r, "VecIndexCoverage"), CheckStatus::Passed) << describe(r);
}

// Ring offsets of the records of the epoch the newest header names.
std::vector<std::uint64_t> wal_record_offsets(const std::vector<std::uint8_t>& image) {
  const FileAnatomy a = anatomy_of(image);
  const HeaderCopy& h = a.headers[a.used_header];
  std::span<const std::uint8_t> ring(image.data() + h.wal_offset, h.wal_size);
  std::vector<std::uint64_t> out;
  std::uint64_t used = 0, chain = h.wal_salt;
  format::WalRecordView view{};
  while (format::read_wal_record(ring.subspan(used), h.wal_salt, out.size() + 1, chain, view)) {
    out.push_back(used);
    used += view.size;
    chain = view.chain;
  }
  return out;
}

TEST(VerifyDamage, WalRecordInTheMiddleOfTheChainFails) {
  auto image = small_image("custom:test", 4);
  ASSERT_TRUE(verify_image(image, true).ok);
  const auto records = wal_record_offsets(image);
  ASSERT_EQ(records.size(), 8u);  // four transactions of an entry and a commit
  flip(image, format::kWalOffset + records[2] + format::kWalRecordHeaderSize + 4);  // the 2nd entry's payload
  const VerifyReport r = verify_image(image, false);
  const CheckResult* w = r.find("WalPendingRecords");
  EXPECT_EQ(w->status, CheckStatus::Failed) << describe(r);
  EXPECT_NE(w->detail.find("breaks at WAL offset " + std::to_string(records[2])), std::string::npos) << w->detail;
  EXPECT_FALSE(r.ok);
}

TEST(VerifyDamage, TornWalTailIsNormal) {
  auto image = small_image("custom:test", 4);
  const auto records = wal_record_offsets(image);
  ASSERT_EQ(records.size(), 8u);
  flip(image, format::kWalOffset + records[7] + 26);  // the last Commit's chain checksum
  const VerifyReport r = verify_image(image, true);
  EXPECT_TRUE(r.ok) << describe(r);
  const std::string& d = r.find("WalPendingRecords")->detail;
  EXPECT_NE(d.find("3 committed transactions"), std::string::npos) << d;
  EXPECT_NE(d.find("torn tail"), std::string::npos) << d;
}

TEST(VerifyDamage, CommittedTransactionWithADamagedRecordFails) {
  auto image = small_image("custom:test", 3);
  // The second pending frame's record (ids follow the 50 frames of the memory).
  flip(image, find_bytes(image, "payload of frame 301 ") + 2);
  const VerifyReport r = verify_image(image, false);
  const CheckResult* w = r.find("WalPendingRecords");
  EXPECT_EQ(w->status, CheckStatus::Failed) << describe(r);
  EXPECT_NE(w->detail.find("does not check out"), std::string::npos) << w->detail;
}

TEST(VerifyDamage, OwnerRecordGarbageFails) {
  auto image = small_image();
  std::mt19937_64 rng(3);
  for (std::uint64_t i = format::kOwnerRecordOffset; i < format::kOwnerRecordOffset + format::kOwnerRecordSize; ++i)
    image[i] = static_cast<std::uint8_t>(rng());
  const VerifyReport r = verify_image(image, false);
  EXPECT_EQ(status_of(r, "OwnerRecord"), CheckStatus::Failed) << describe(r);
  EXPECT_FALSE(r.ok);
  for (const CheckResult& c : r.checks)
    if (c.name != "OwnerRecord") {
      EXPECT_NE(c.status, CheckStatus::Failed) << c.name;
    }
}

TEST(VerifyDamage, ForgedTocsWithValidChecksums) {
  const auto image = small_image();
  {
    // Frame 1's entry names frame 0's record.
    const auto forged = rewrite_toc(image, [](std::vector<format::TocEntry>& e, std::vector<format::SegmentRef>&) {
      e[1].record_offset = e[0].record_offset;
      e[1].record_length = e[0].record_length;
    });
    const VerifyReport r = verify_image(forged, true);
    EXPECT_EQ(status_of(r, "SegmentBounds"), CheckStatus::Failed) << describe(r);
    EXPECT_NE(r.find("SegmentBounds")->detail.find("overlaps"), std::string::npos);
    EXPECT_EQ(status_of(r, "FramePayloadChecksums"), CheckStatus::Failed) << describe(r);
    EXPECT_EQ(r.damaged_frames, std::vector<std::uint64_t>{1});
  }
  {
    // Every entry names the same huge range: nothing reads it 50 times over.
    const auto forged = rewrite_toc(image, [&](std::vector<format::TocEntry>& e, std::vector<format::SegmentRef>&) {
      for (auto& x : e) {
        x.record_offset = 64 * 1024 + 4096;
        x.record_length = static_cast<std::uint32_t>(image.size() - x.record_offset - 100);
      }
    });
    const VerifyReport r = verify_image(forged, true);
    EXPECT_EQ(status_of(r, "SegmentBounds"), CheckStatus::Failed) << describe(r);
    EXPECT_EQ(status_of(r, "FramePayloadChecksums"), CheckStatus::Failed) << describe(r);
    EXPECT_NE(r.find("FramePayloadChecksums")->detail.find("overlap"), std::string::npos) << describe(r);
    EXPECT_EQ(status_of(r, "LexIndexCoverage"), CheckStatus::Skipped);
  }
  {
    // The same old segment listed 4,000 more times.
    const FileAnatomy a = anatomy_of(image);
    const auto forged = rewrite_toc(image, [&](std::vector<format::TocEntry>&, std::vector<format::SegmentRef>& refs) {
      for (const CatalogEntry& c : a.segments)
        if (c.kind == "toc") {
          format::SegmentRef r{c.offset, c.length, c.count, {}};
          for (int k = 0; k < 4000; ++k) refs.push_back(r);
          break;
        }
    });
    const VerifyReport r = verify_image(forged, false);
    EXPECT_EQ(status_of(r, "TocDecode"), CheckStatus::Failed) << describe(r);
    EXPECT_NE(r.find("TocDecode")->detail.find("more than the data region"), std::string::npos) << describe(r);
  }
  {
    // A superseded frame whose successor is older than itself; an active one with a successor.
    const auto forged = rewrite_toc(image, [](std::vector<format::TocEntry>& e, std::vector<format::SegmentRef>&) {
      e[5].superseded_by = 2;
      e[8].superseded_by = 9;
    });
    const VerifyReport r = verify_image(forged, false);
    const CheckResult* f = r.find("FrameCountConsistency");
    EXPECT_EQ(f->status, CheckStatus::Failed) << describe(r);
    EXPECT_NE(f->detail.find("frame 5 is superseded by frame 2"), std::string::npos) << f->detail;
    EXPECT_NE(f->detail.find("frame 8 is active yet names frame 9"), std::string::npos) << f->detail;
  }
}

TEST(VerifyDamage, TruncationFailsTheRightChecks) {
  auto image = small_image();
  const FileAnatomy a = anatomy_of(image);
  struct Cut {
    std::uint64_t size;
    const char* failed;
  };
  const Cut cuts[] = {
      {100, "HeaderChecksum"},
      {format::kHeaderPageSize + 10, "FooterChecksum"},
      {a.data_start + 1000, "FooterChecksum"},
      {a.footer_offset + 30, "FooterChecksum"},
      {a.toc_offset + 3, "FooterChecksum"},
  };
  for (const Cut& cut : cuts) {
    auto copy = image;
    copy.resize(cut.size);
    for (bool deep : {false, true}) {
      VerifyReport r;
      ASSERT_NO_THROW(r = verify_image(copy, deep)) << cut.size;
      EXPECT_FALSE(r.ok) << cut.size;
      EXPECT_EQ(status_of(r, cut.failed), CheckStatus::Failed) << cut.size << "\n" << describe(r);
      EXPECT_EQ(r.file_bytes, cut.size);
    }
  }
}

TEST(VerifyDamage, RandomByteFlipsNeverThrow) {
  const auto image = small_image("custom:test", 2);
  std::mt19937_64 rng(20240607);
  int failed = 0;
  for (int round = 0; round < 300; ++round) {
    auto copy = image;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) {
      // Half of the flips land in the header page, WAL and the committed structures at the
      // end, where most of the checked bytes are; the rest anywhere.
      std::uint64_t at = rng() % copy.size();
      if (round % 2 == 0) at = (rng() % 2) ? rng() % 8192 : copy.size() - 1 - rng() % 4096;
      copy[at] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    }
    VerifyReport r;
    ASSERT_NO_THROW(r = verify_image(copy, round % 3 != 0)) << "round " << round;
    ASSERT_EQ(r.checks.size(), std::size(kAllChecks));
    failed += !r.ok;
  }
  EXPECT_GT(failed, 100);
}

TEST(VerifyApi, MissingFileIsNotFound) {
  auto env = std::make_shared<FaultEnv>();
  try {
    memvid::verify("/mem/none.mv2", VerifyOptions{false, env});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
}

TEST(VerifyApi, StatusNames) {
  EXPECT_EQ(to_string(CheckStatus::Passed), "Passed");
  EXPECT_EQ(to_string(CheckStatus::Failed), "Failed");
  EXPECT_EQ(to_string(CheckStatus::Skipped), "Skipped");
  EXPECT_EQ(to_string(Severity::Info), "INFO");
  EXPECT_EQ(to_string(Severity::Warn), "WARN");
  EXPECT_EQ(to_string(Severity::Error), "ERROR");
  EXPECT_EQ(to_string(ActionStatus::Planned), "Planned");
  EXPECT_EQ(to_string(ActionStatus::Done), "Done");
  EXPECT_EQ(to_string(ActionStatus::Failed), "Failed");
  EXPECT_EQ(to_string(ActionStatus::Skipped), "Skipped");
}

}  // namespace
