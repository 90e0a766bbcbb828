// Compaction and snapshots through the public API: compact_to keeps every active frame (ids,
// payloads, metadata, search results) and drops the records of deleted and superseded frames;
// compact_in_place leaves a writer that keeps working; the output is deterministic; snapshots
// keep everything and restore round-trips; failures leave destinations and directories as
// they were.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "memvid/facts.hpp"
#include "memvid/maintenance.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::set<std::string> dir_entries(const mt::TempDir& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) out.insert(e.path().filename().string());
  return out;
}

std::string describe(const VerifyReport& r) {
  std::string out = r.path + (r.ok ? " ok" : " NOT ok") + "\n";
  for (const CheckResult& c : r.checks)
    out += "  " + std::string(to_string(c.status)) + "  " + c.name + "  " + c.detail + "\n";
  return out;
}

OpenOptions quiet() {
  OpenOptions o;
  o.nudge_poll_ms = 0;
  return o;
}

std::set<FrameId> hit_ids(const FindResult& r) {
  std::set<FrameId> ids;
  for (const Hit& h : r.hits) ids.insert(h.id);
  return ids;
}

FindOptions lex(std::size_t k = 200) {
  FindOptions f;
  f.mode = SearchMode::Lex;
  f.k = k;
  return f;
}

FindOptions sem(std::uint64_t i, std::size_t k = 5) {
  FindOptions f;
  f.mode = SearchMode::Sem;
  f.k = k;
  f.query_vector = mt::vector_for(i);
  return f;
}

// A closed memory from the integrity fixture: 51 frames, 5 superseded, 7/12/20 deleted.
struct Source {
  mt::TempDir dir;
  std::string path;
  mt::SmallMemory info;
  Source() : path(dir.file("src.mv2")) { info = mt::build_small(path, nullptr, "custom:test"); }
};

TEST(Compaction, CompactToKeepsActiveFramesAndDropsInactiveRecords) {
  Source src;
  const std::string out = src.dir.file("compact.mv2");
  Memvid m = Memvid::open_read_only(src.path, quiet());
  const std::uint64_t count = m.frame_count();
  ASSERT_EQ(count, src.info.frames);
  memvid::Maintenance(m).compact_to(out);
  EXPECT_EQ(dir_entries(src.dir), (std::set<std::string>{"src.mv2", "compact.mv2"}));

  const VerifyReport v = memvid::verify(out, true);
  ASSERT_TRUE(v.ok) << describe(v);
  EXPECT_LT(fs::file_size(out), fs::file_size(src.path));

  Memvid c = Memvid::open_read_only(out, quiet());
  ASSERT_EQ(c.frame_count(), count);
  std::uint64_t active = 0, removed = 0;
  for (FrameId id = 0; id < count; ++id) {
    const Frame before = m.frame_info(id);
    const Frame after = c.frame_info(id);
    ASSERT_EQ(after.id, id);
    ASSERT_EQ(after.status, before.status) << id;
    EXPECT_EQ(after.kind, before.kind) << id;
    EXPECT_EQ(after.timestamp_ms, before.timestamp_ms) << id;
    if (before.status == FrameStatus::Active) {
      ++active;
      EXPECT_FALSE(after.removed) << id;
      const Frame a = c.frame(id), b = m.frame(id);
      EXPECT_EQ(a.payload, b.payload) << id;
      EXPECT_EQ(a.title, b.title) << id;
      EXPECT_EQ(a.uri, b.uri) << id;
      EXPECT_EQ(a.tags, b.tags) << id;
      EXPECT_EQ(a.labels, b.labels) << id;
      EXPECT_EQ(a.metadata_json, b.metadata_json) << id;
      EXPECT_EQ(a.content_hash, b.content_hash) << id;
      EXPECT_EQ(a.embedding, b.embedding) << id;
      EXPECT_EQ(a.supersedes, b.supersedes) << id;
      EXPECT_EQ(a.parent, b.parent) << id;
    } else {
      ++removed;
      EXPECT_TRUE(after.removed) << id;
      EXPECT_EQ(after.superseded_by, before.superseded_by) << id;
      try {
        (void)c.frame(id);
        ADD_FAILURE() << "frame(" << id << ") of a removed record returned";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NotFound) << id << ": " << e.what();
      }
    }
  }
  EXPECT_EQ(removed, 4u);  // 5 superseded, 7, 12, 20 deleted
  EXPECT_EQ(c.stats().active_frames, active);
  // The binary frame survives byte for byte.
  EXPECT_EQ(c.frame(src.info.binary_id).payload, m.frame(src.info.binary_id).payload);

  // Search finds the same active frames.
  for (const char* q : {"rivers", "lakes", "forests", "\"frame 9\"", "tag:tag1"})
    EXPECT_EQ(hit_ids(c.find(q, lex())), hit_ids(m.find(q, lex()))) << q;
  for (std::uint64_t i : {3u, 13u, 40u})
    EXPECT_EQ(hit_ids(c.find("", sem(i))), hit_ids(m.find("", sem(i)))) << i;
}

TEST(Compaction, SemanticSearchWorksAfterCompaction) {
  Source src;
  const std::string out = src.dir.file("compact.mv2");
  {
    Memvid m = Memvid::open_read_only(src.path, quiet());
    memvid::Maintenance(m).compact_to(out);
  }
  Memvid c = Memvid::open_read_only(out, quiet());
  EXPECT_EQ(c.stats().embedding_model, "custom:test");
  EXPECT_EQ(c.stats().embedding_dimension, mt::kVecDim);
  for (std::uint64_t i : {1u, 13u, 22u, 41u}) {  // frames with a vector (i % 11 != 3), active
    FindOptions f = sem(i, 3);
    const FindResult r = c.find("", f);
    EXPECT_EQ(r.mode_used, SearchMode::Sem) << r.note;
    ASSERT_FALSE(r.hits.empty()) << i;
    EXPECT_EQ(r.hits[0].id, i);
    EXPECT_NEAR(r.hits[0].semantic_score.value_or(0), 1.0, 1e-4);
  }
  // A deleted frame's vector is gone with its record.
  const FindResult r = c.find("", sem(7, 50));
  for (const Hit& h : r.hits) EXPECT_NE(h.id, 7u);
}

TEST(Compaction, CompactInPlaceThenKeepWriting) {
  Source src;
  FrameId added = 0;
  std::uint64_t count = 0;
  {
    Memvid m = Memvid::open(src.path, quiet());
    count = m.frame_count();
    memvid::Maintenance(m).compact_in_place();
    EXPECT_EQ(dir_entries(src.dir), std::set<std::string>{"src.mv2"});
    EXPECT_EQ(m.frame_count(), count);
    EXPECT_TRUE(m.frame_info(7).removed);
    EXPECT_EQ(m.frame(9).payload, mt::text_for(9));
    added = m.put(mt::doc_for(900, true));
    EXPECT_EQ(added, count);
    m.delete_frame(10);
    m.commit();
    const FindResult r = m.find("", sem(900, 1));
    ASSERT_FALSE(r.hits.empty());
    EXPECT_EQ(r.hits[0].id, added);
    m.put(mt::doc_for(901, true));  // left in the WAL by close's commit
    m.close();
  }
  const VerifyReport v = memvid::verify(src.path, true);
  ASSERT_TRUE(v.ok) << describe(v);
  Memvid r = Memvid::open(src.path, quiet());
  EXPECT_EQ(r.frame_count(), count + 2);
  EXPECT_EQ(r.frame(added).payload, mt::text_for(900));
  EXPECT_EQ(r.frame(added + 1).payload, mt::text_for(901));
  EXPECT_EQ(r.frame_info(10).status, FrameStatus::Deleted);
  EXPECT_TRUE(r.frame_info(12).removed);
  EXPECT_EQ(r.frame(11).payload, mt::text_for(11));
  EXPECT_FALSE(r.find("\"frame 901\"", lex()).hits.empty());
  r.close();
  EXPECT_EQ(dir_entries(src.dir), std::set<std::string>{"src.mv2"});
}

TEST(Compaction, SameInputGivesIdenticalBytes) {
  Source src;
  {
    Memvid m = Memvid::open_read_only(src.path, quiet());
    memvid::Maintenance(m).compact_to(src.dir.file("a.mv2"));
    memvid::Maintenance(m).compact_to(src.dir.file("b.mv2"));
  }
  {
    Memvid m = Memvid::open_read_only(src.path, quiet());  // a second handle, later in time
    memvid::Maintenance(m).compact_to(src.dir.file("c.mv2"));
  }
  const std::string a = slurp(src.dir.file("a.mv2"));
  ASSERT_GT(a.size(), 0u);
  EXPECT_TRUE(a == slurp(src.dir.file("b.mv2")));
  EXPECT_TRUE(a == slurp(src.dir.file("c.mv2")));
}

TEST(Compaction, ManyFramesAreIndexedAsThePutsIndexedThem) {
  // Compaction indexes a rewritten file from its records, thousands of frames at a time on
  // two threads: with nothing to drop, the compacted memory must rank every query exactly as
  // the memory its puts wrote (ids and scores) and hold the same facts, frame for frame,
  // across the batches' boundaries.
  mt::TempDir dir;
  const std::string src = dir.file("src.mv2"), out = dir.file("compact.mv2");
  CreateOptions c;
  c.embedding_model = "none";
  c.open.nudge_poll_ms = 0;
  {
    Memvid m = Memvid::create(src, c);
    std::vector<Document> docs;
    const char* people[] = {"Alice", "Bruno", "Chen", "Dana", "Emeka"};
    const char* places[] = {"Lisbon", "Osaka", "Quito", "Tromso"};
    for (int i = 0; i < 9000; ++i) {
      Document d;
      d.title = "note " + std::to_string(i);
      d.payload = "Note " + std::to_string(i) + " is about pump " + std::to_string(i % 97) + " and valve " +
                  std::to_string(i % 13) + ". ";
      if (i % 7 == 0)
        d.payload += std::string(people[i % 5]) + " works at Firm" + std::to_string(i % 31) + ". She lives in " +
                     places[i % 4] + ".";
      d.timestamp_ms = 1700000000000 + i * 1000;
      docs.push_back(std::move(d));
    }
    m.put_many(docs);
    m.close();
  }
  Memvid a = Memvid::open_read_only(src, quiet());
  memvid::Maintenance(a).compact_to(out);
  Memvid b = Memvid::open_read_only(out, quiet());
  ASSERT_EQ(b.frame_count(), 9000u);
  for (const char* q : {"pump 5", "valve 12", "\"note 4096\"", "\"note 8999\"", "lisbon", "firm7 works", "note"}) {
    const FindResult ra = a.find(q, lex(50)), rb = b.find(q, lex(50));
    ASSERT_EQ(ra.hits.size(), rb.hits.size()) << q;
    ASSERT_FALSE(ra.hits.empty()) << q;
    for (std::size_t k = 0; k < ra.hits.size(); ++k) {
      EXPECT_EQ(ra.hits[k].id, rb.hits[k].id) << q << " #" << k;
      EXPECT_EQ(ra.hits[k].score, rb.hits[k].score) << q << " #" << k;
    }
  }
  FactQuery all;
  all.history = true;
  auto facts_of = [&](Memvid& m) {
    std::multiset<std::tuple<std::string, std::string, std::string, std::uint64_t>> out_facts;
    for (const FactRecord& f : Facts(m).list(all)) out_facts.insert({f.entity, f.slot, f.value, f.frame});
    return out_facts;
  };
  const auto fa = facts_of(a);
  EXPECT_GE(fa.size(), 9000u / 7);
  EXPECT_EQ(fa, facts_of(b));
}

TEST(Compaction, ExportSnapshotKeepsEveryFrame) {
  Source src;
  const std::string snap = src.dir.file("snap.mv2");
  Memvid m = Memvid::open_read_only(src.path, quiet());
  memvid::Maintenance(m).export_snapshot(snap);
  const VerifyReport v = memvid::verify(snap, true);
  ASSERT_TRUE(v.ok) << describe(v);
  Memvid s = Memvid::open_read_only(snap, quiet());
  ASSERT_EQ(s.frame_count(), m.frame_count());
  for (FrameId id = 0; id < m.frame_count(); ++id) {
    const Frame a = s.frame(id), b = m.frame(id);  // deleted and superseded ones too
    EXPECT_EQ(a.status, b.status) << id;
    EXPECT_FALSE(a.removed) << id;
    EXPECT_EQ(a.payload, b.payload) << id;
    EXPECT_EQ(a.title, b.title) << id;
    EXPECT_EQ(a.superseded_by, b.superseded_by) << id;
  }
  EXPECT_EQ(s.frame(7).status, FrameStatus::Deleted);
  EXPECT_EQ(s.frame(7).payload, mt::text_for(7));
  EXPECT_EQ(s.frame(5).status, FrameStatus::Superseded);
  EXPECT_EQ(s.frame(5).payload, mt::text_for(5));
  EXPECT_EQ(hit_ids(s.find("rivers", lex())), hit_ids(m.find("rivers", lex())));
  // An existing destination is refused.
  try {
    memvid::Maintenance(m).export_snapshot(snap);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
}

TEST(Compaction, RestoreSnapshotRoundTrip) {
  Source src;
  const std::string snap = src.dir.file("snap.mv2");
  const std::string dest = src.dir.file("restored.mv2");
  {
    Memvid m = Memvid::open_read_only(src.path, quiet());
    memvid::Maintenance(m).export_snapshot(snap);
  }
  // Into a new path, then over an existing (different) memory.
  memvid::restore_snapshot(snap, dest);
  EXPECT_TRUE(slurp(dest) == slurp(snap));
  {
    CreateOptions c;
    c.open = quiet();
    c.embedding_model = "none";
    Memvid other = Memvid::create(src.dir.file("other.mv2"), c);
    other.put(mt::doc_for(1, false));
    other.close();
  }
  // Not without force; with force, the other memory's frame that the snapshot lacks is
  // counted, and the replaced file is kept beside it.
  const std::string other_before = slurp(src.dir.file("other.mv2"));
  try {
    memvid::restore_snapshot(snap, src.dir.file("other.mv2"));
    FAIL() << "restored over an existing memory without force";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  }
  EXPECT_TRUE(slurp(src.dir.file("other.mv2")) == other_before);
  RestoreOptions force;
  force.force = true;
  const RestoreReport rr = memvid::restore_snapshot(snap, src.dir.file("other.mv2"), force);
  EXPECT_TRUE(rr.replaced);
  EXPECT_EQ(rr.replaced_frames, 1u);
  EXPECT_EQ(rr.dropped_frames, 1u);
  EXPECT_EQ(rr.dropped_ids, std::vector<FrameId>{0});
  EXPECT_EQ(rr.snapshot_frames, src.info.frames);
  ASSERT_FALSE(rr.backup_path.empty());
  EXPECT_TRUE(slurp(rr.backup_path) == other_before);
  const std::string backup_name = std::filesystem::path(rr.backup_path).filename().string();
  EXPECT_EQ(backup_name.rfind("other.mv2.replaced-", 0), 0u) << backup_name;
  EXPECT_EQ(dir_entries(src.dir),
            (std::set<std::string>{"src.mv2", "snap.mv2", "restored.mv2", "other.mv2", backup_name}));
  // Over a memory the snapshot holds all of: nothing dropped, no backup.
  const RestoreReport again = memvid::restore_snapshot(snap, dest, force);
  EXPECT_EQ(again.dropped_frames, 0u);
  EXPECT_TRUE(again.backup_path.empty());
  for (const std::string& p : {dest, src.dir.file("other.mv2")}) {
    ASSERT_TRUE(memvid::verify(p, true).ok) << p;
    Memvid r = Memvid::open(p, quiet());
    ASSERT_EQ(r.frame_count(), src.info.frames);
    EXPECT_EQ(r.frame(9).payload, mt::text_for(9));
    EXPECT_EQ(r.frame(7).status, FrameStatus::Deleted);
    r.put(mt::doc_for(777, true));  // a restored memory is writable
    r.close();
  }
}

TEST(Compaction, RestoreOfDamagedSnapshotIsCorruptAndChangesNothing) {
  Source src;
  const std::string snap = src.dir.file("snap.mv2");
  {
    Memvid m = Memvid::open_read_only(src.path, quiet());
    memvid::Maintenance(m).export_snapshot(snap);
  }
  std::string bytes = slurp(snap);
  const auto at = bytes.find("payload of frame 9 ");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] ^= 0x5A;
  spit(snap, bytes);
  const std::string dest_before = slurp(src.path);
  RestoreOptions force;
  force.force = true;
  for (const std::string& dest : {src.path, src.dir.file("new.mv2")}) {
    try {
      memvid::restore_snapshot(snap, dest, force);
      FAIL() << "a damaged snapshot was restored to " << dest;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      EXPECT_NE(std::string(e.what()).find("FramePayloadChecksums"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(slurp(src.path) == dest_before);
  EXPECT_EQ(dir_entries(src.dir), (std::set<std::string>{"src.mv2", "snap.mv2"}));
  // A snapshot that is not there at all.
  try {
    memvid::restore_snapshot(src.dir.file("none.mv2"), src.path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
}

TEST(Compaction, RestoreOverAMemoryHeldByAWriterIsLocked) {
  Source src;
  const std::string snap = src.dir.file("snap.mv2");
  {
    Memvid m = Memvid::open_read_only(src.path, quiet());
    memvid::Maintenance(m).export_snapshot(snap);
  }
  // The writer lives in another process (locks of one process do not exclude each other).
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    try {
      Memvid w = Memvid::open(src.path, quiet());
      char c = 'r';
      if (::write(ready[1], &c, 1) != 1) ::_exit(3);
      while (::read(release[0], &c, 1) > 0) {
      }
      w.close();
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  const std::string before = slurp(src.path);
  RestoreOptions force;
  force.force = true;
  try {
    memvid::restore_snapshot(snap, src.path, force);
    ADD_FAILURE() << "restored over a memory a writer holds";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Locked) << e.what();
  }
  EXPECT_TRUE(slurp(src.path) == before);
  ::close(release[1]);
  ::close(ready[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(dir_entries(src.dir), (std::set<std::string>{"src.mv2", "snap.mv2"}));
  // Once the writer is gone the restore goes through.
  memvid::restore_snapshot(snap, src.path, force);
  EXPECT_TRUE(slurp(src.path) == slurp(snap));
}

TEST(Compaction, CompactToAnExistingPathIsAlreadyExists) {
  Source src;
  const std::string out = src.dir.file("taken.mv2");
  spit(out, "not a memory");
  Memvid m = Memvid::open_read_only(src.path, quiet());
  try {
    memvid::Maintenance(m).compact_to(out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  }
  EXPECT_EQ(slurp(out), "not a memory");
  try {
    memvid::Maintenance(m).compact_to(src.path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(e.code() == ErrorCode::InvalidArgument || e.code() == ErrorCode::AlreadyExists) << e.what();
  }
  EXPECT_EQ(dir_entries(src.dir), (std::set<std::string>{"src.mv2", "taken.mv2"}));
  // compact_in_place needs a writer.
  EXPECT_THROW(memvid::Maintenance(m).compact_in_place(), Error);
  EXPECT_EQ(dir_entries(src.dir), (std::set<std::string>{"src.mv2", "taken.mv2"}));
}

TEST(Compaction, CompactingAWriterWithAnOpenTransactionIsRefused) {
  Source src;
  Memvid m = Memvid::open(src.path, quiet());
  m.begin();
  m.put(mt::doc_for(500, true));
  EXPECT_THROW(memvid::Maintenance(m).compact_in_place(), Error);
  m.rollback();
  EXPECT_EQ(dir_entries(src.dir), std::set<std::string>{"src.mv2"});
  m.close();
  EXPECT_TRUE(memvid::verify(src.path, true).ok);
}

}  // namespace
