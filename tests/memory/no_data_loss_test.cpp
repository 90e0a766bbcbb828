// "No call may destroy data", through the public API: a call that throws added nothing and a
// call that returns added everything (a step that fails after the commit is a Warning);
// files that are not memories are refused unchanged by every entry point; doctor keeps the
// damaged file; restore replaces only a memory, only when forced, and says what that drops;
// create never deletes a file holding data; write-protected files and symlinks are respected;
// a stray empty sidecar is stepped around, one with bytes in it is refused by name.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "ingest/pdf_fixture.hpp"
#include "integrity/integrity_fixture.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "memvid/maintenance.hpp"
#include "support/fault_env.hpp"
#include "support/loop_sizes.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace memvid;
namespace fs = std::filesystem;
namespace mt = memvid::testing;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

OpenOptions quiet() {
  OpenOptions o;
  o.nudge_poll_ms = 0;
  o.lock_timeout_ms = 0;
  return o;
}

Document text_doc(const std::string& text) {
  Document d;
  d.payload = text;
  d.title = text.substr(0, 12);
  d.timestamp_ms = 1'700'000'000'000;
  return d;
}

// A small healthy memory on disk: `frames` texts, no embedding model.
void make_memory(const std::string& path, int frames) {
  CreateOptions c;
  c.open = quiet();
  c.embedding_model = "none";
  Memvid m = Memvid::create(path, c);
  for (int i = 0; i < frames; ++i) m.put(text_doc("frame " + std::to_string(i) + " about rivers"));
  m.close();
}

DoctorOptions plan_only() {
  DoctorOptions o;
  o.plan_only = true;
  return o;
}

DoctorOptions rebuild_lex() {
  DoctorOptions o;
  o.rebuild_lex_index = true;
  return o;
}

RestoreOptions forced(bool keep_backup = true) {
  RestoreOptions o;
  o.force = true;
  o.keep_backup = keep_backup;
  return o;
}

ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::Io;
}

bool has_warning(const std::vector<Warning>& ws, const std::string& step, ErrorCode code) {
  for (const Warning& w : ws)
    if (w.step == step && w.code == code) return true;
  return false;
}

// ---------------------------------------------------------------------------------------
// A commit is not undone by a later step: errors mean "nothing added", success means "all
// added", whatever write the disk fills up at.

const std::string kPath = "/mem/safe.mv2";

CreateOptions fault_options(const std::shared_ptr<mt::FaultEnv>& env) {
  CreateOptions c;
  c.open.env = env;
  c.open.nudge_poll_ms = 0;
  c.open.sync = SyncMode::Full;
  c.embedding_model = "none";
  c.wal_bytes = 64 * 1024;
  return c;
}

std::vector<Document> batch(int n, const std::string& tag) {
  std::vector<Document> docs;
  for (int i = 0; i < n; ++i) docs.push_back(text_doc(tag + " document " + std::to_string(i)));
  return docs;
}

std::uint64_t frames_on_disk(const std::shared_ptr<mt::FaultEnv>& env) {
  OpenOptions o;
  o.env = env;
  o.nudge_poll_ms = 0;
  Memvid r = Memvid::open_read_only(kPath, o);
  return r.frame_count();
}

TEST(CommittedWork, ADiskThatFillsAtAnyWriteNeverMakesCommittedWorkLookFailed) {
  // The workload: a put, an explicit transaction of 20 (it fits the WAL), a batch too big
  // for the WAL (committed by a checkpoint), then close. The disk fills at write k and stays
  // full; every call either throws having added nothing, or returns having added all.
  int total_writes = 0;
  {
    auto env = std::make_shared<mt::FaultEnv>();
    Memvid m = Memvid::create(kPath, fault_options(env));
    const int before = env->writes();
    m.put(text_doc("one"));
    m.begin();
    m.put_many(batch(20, "txn"));
    m.commit();
    m.put_many(batch(400, "big"));
    m.close();
    total_writes = env->writes() - before;
  }
  ASSERT_GT(total_writes, 5);
  int warned = 0;
  for (int k = 0; k < total_writes; ++k) {
    if (!mt::sweep_takes(k, total_writes, 30, 1)) continue;
    SCOPED_TRACE("disk full from write " + std::to_string(k));
    auto env = std::make_shared<mt::FaultEnv>();
    Memvid m = Memvid::create(kPath, fault_options(env));
    take_warnings();
    env->set_stop_after_fault(true);
    env->fail_write_at(k, ErrorCode::NoSpace, static_cast<std::size_t>(k * 13 % 200));
    std::uint64_t expected = 0;
    auto attempt = [&](const std::function<void()>& call, std::uint64_t adds) {
      try {
        call();
        expected += adds;
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NoSpace) << e.what();
      }
    };
    attempt([&] { m.put(text_doc("one")); }, 1);
    try {
      m.begin();
      m.put_many(batch(20, "txn"));
      m.commit();
      expected += 20;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::NoSpace) << e.what();
      if (m.in_transaction()) m.rollback();
    }
    attempt([&] { m.put_many(batch(400, "big")); }, 400);
    EXPECT_EQ(m.frame_count(), expected);
    EXPECT_NO_THROW(m.close());  // close never reports a committed transaction as failed
    const std::vector<Warning> ws = take_warnings();
    for (const Warning& w : ws) {
      EXPECT_EQ(w.code, ErrorCode::NoSpace) << w.message;
      EXPECT_EQ(w.message.rfind("committed, but ", 0), 0u) << w.message;
    }
    warned += !ws.empty();
    EXPECT_EQ(frames_on_disk(env), expected);
  }
  EXPECT_GT(warned, 0) << "no fault position fell after a commit: the test does not test that";
}

TEST(CommittedWork, ACheckpointFailureAfterCommitIsAWarningAndTheDataSurvives) {
  auto env = std::make_shared<mt::FaultEnv>();
  Memvid m = Memvid::create(kPath, fault_options(env));
  m.begin();
  m.put_many(batch(10, "kept"));
  take_warnings();
  // The WAL commit is written and synced; the checkpoint's first write then finds the disk full.
  env->set_stop_after_fault(true);
  env->fail_write_at(1, ErrorCode::NoSpace);
  ASSERT_NO_THROW(m.commit());
  const std::vector<Warning> ws = take_warnings();
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_TRUE(has_warning(ws, "checkpoint", ErrorCode::NoSpace)) << ws[0].message;
  EXPECT_NE(ws[0].message.find("write-ahead log"), std::string::npos) << ws[0].message;
  EXPECT_NO_THROW(m.close());  // the disk is still full: close warns again, and closes
  for (const Warning& w : take_warnings()) EXPECT_EQ(w.code, ErrorCode::NoSpace) << w.message;
  EXPECT_EQ(frames_on_disk(env), 10u);
}

TEST(CommittedWork, WarningsAreKeptPerThreadDeduplicatedAndBounded) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 1);
  spit(path + "-wal", "");
  take_warnings();
  { Memvid r = Memvid::open_read_only(path, quiet()); }
  std::vector<Warning> seen_elsewhere;
  std::thread([&] { seen_elsewhere = take_warnings(); }).join();
  EXPECT_TRUE(seen_elsewhere.empty());  // another thread's warnings are not this thread's
  std::vector<Warning> ws = take_warnings();
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].step, "sidecar");
  EXPECT_EQ(ws[0].code, ErrorCode::AuxiliaryFileDetected);
  EXPECT_TRUE(take_warnings().empty());  // taken means gone
  for (int i = 0; i < 3; ++i) Memvid::open_read_only(path, quiet()).close();
  EXPECT_EQ(take_warnings().size(), 1u);  // the same warning again is said once
}

// ---------------------------------------------------------------------------------------
// Files that are not memories.

struct Foreign {
  std::string name;
  std::string bytes;
  ErrorCode code;
};

std::vector<Foreign> foreign_files(const std::string& capsule_bytes) {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "line " + std::to_string(i) + " of somebody's notes\n";
  return {{"notes.txt", text, ErrorCode::NotAMemory},
          {"paper.pdf", mt::make_pdf({{"A page of a real document."}}, "Paper"), ErrorCode::NotAMemory},
          {"empty.mv2", "", ErrorCode::NotAMemory},
          {"zeros.img", std::string(70000, '\0'), ErrorCode::NotAMemory},
          {"tiny.mv2", "MV2", ErrorCode::NotAMemory},
          {"c.mv2e", capsule_bytes, ErrorCode::Encrypted}};
}

std::string a_capsule(const mt::TempDir& dir) {
  make_memory(dir.file("for-capsule.mv2"), 2);
  CapsuleOptions fast;
  fast.ops_limit = 1;
  fast.mem_limit = 8192;
  lock_file(dir.file("for-capsule.mv2"), dir.file("made.mv2e"), "pw", fast);
  const std::string bytes = slurp(dir.file("made.mv2e"));
  fs::remove(dir.file("for-capsule.mv2"));
  fs::remove(dir.file("made.mv2e"));
  return bytes;
}

TEST(NotAMemory, EveryEntryPointRefusesItAndChangesNoByte) {
  mt::TempDir dir;
  const std::string capsule = a_capsule(dir);
  make_memory(dir.file("good.mv2"), 3);
  {
    Memvid g = Memvid::open_read_only(dir.file("good.mv2"), quiet());
    memvid::Maintenance(g).export_snapshot(dir.file("snap.mv2"));
  }
  for (const Foreign& f : foreign_files(capsule)) {
    SCOPED_TRACE(f.name);
    const std::string path = dir.file(f.name);
    spit(path, f.bytes);
    const std::set<std::string> before = names_in(dir.path());
    std::vector<std::pair<const char*, std::function<void()>>> calls = {
        {"open", [&] { Memvid::open(path, quiet()); }},
        {"open_read_only", [&] { Memvid::open_read_only(path, quiet()); }},
        {"verify", [&] { memvid::verify(path, true); }},
        {"inspect", [&] { inspect_file(path); }},
        {"doctor", [&] { memvid::doctor(path, {}); }},
        {"doctor plan", [&] { memvid::doctor(path, plan_only()); }},
        {"who", [&] { memvid::who(path); }},
        {"nudge", [&] { memvid::nudge(path); }},
        {"restore over it", [&] { memvid::restore_snapshot(dir.file("snap.mv2"), path, forced()); }},
        {"restore from it", [&] { memvid::restore_snapshot(path, dir.file("out.mv2"), forced()); }},
    };
    for (const auto& [what, call] : calls) {
      EXPECT_EQ(code_of(call), f.code) << what;
      EXPECT_TRUE(slurp(path) == f.bytes) << what << " changed " << f.name;
      EXPECT_EQ(names_in(dir.path()), before) << what;
    }
    fs::remove(path);
  }
  EXPECT_EQ(code_of([&] { Memvid::open(dir.path().string(), quiet()); }), ErrorCode::NotAMemory);  // a directory
  EXPECT_EQ(code_of([&] { memvid::doctor(dir.path().string(), {}); }), ErrorCode::NotAMemory);
}

TEST(NotAMemory, TheMessageSaysWhatTheFileIsAndThatNothingChanged) {
  mt::TempDir dir;
  spit(dir.file("paper.pdf"), mt::make_pdf({{"x"}}));
  try {
    Memvid::open_read_only(dir.file("paper.pdf"), quiet());
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("paper.pdf is not a memvid memory"), std::string::npos) << m;
    EXPECT_NE(m.find("a PDF document"), std::string::npos) << m;
    EXPECT_NE(m.find("nothing was changed"), std::string::npos) << m;
  }
  spit(dir.file("c.mv2e"), a_capsule(dir));
  try {
    memvid::verify(dir.file("c.mv2e"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Encrypted);
    EXPECT_NE(std::string(e.what()).find("memvid unlock"), std::string::npos) << e.what();
  }
}

// A memory whose header page was wiped still has intact commits: that is a damaged memory
// (doctor salvages it, open says to run doctor), not a foreign file.
TEST(NotAMemory, AMemoryWithAWipedHeaderPageIsStillAMemory) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 5);
  std::string bytes = slurp(path);
  std::fill(bytes.begin(), bytes.begin() + 4096, '\0');
  spit(path, bytes);
  try {
    Memvid::open_read_only(path, quiet());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
    EXPECT_NE(std::string(e.what()).find("memvid doctor"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(memvid::verify(path, true).ok);
  const DoctorReport r = memvid::doctor(path, {});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.frames_recovered, 5u);
  EXPECT_TRUE(slurp(r.backup_path) == bytes);
  Memvid m = Memvid::open_read_only(path, quiet());
  EXPECT_EQ(m.frame_count(), 5u);
}

// ---------------------------------------------------------------------------------------
// doctor keeps what it cannot regenerate.

std::string damage_toc(const std::string& path) {
  const FileAnatomy a = inspect_file(path);
  std::string bytes = slurp(path);
  bytes[a.toc_offset + 20] = static_cast<char>(bytes[a.toc_offset + 20] ^ 0x5A);
  spit(path, bytes);
  return bytes;
}

TEST(Doctor, ASalvageKeepsTheDamagedFileAndSaysWhere) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 4);
  const std::string damaged = damage_toc(path);
  const DoctorReport r = memvid::doctor(path, {});
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.actions.front().name, "Salvage");
  EXPECT_EQ(r.output_path, path);
  ASSERT_FALSE(r.backup_path.empty());
  EXPECT_EQ(fs::path(r.backup_path).parent_path(), dir.path());
  EXPECT_EQ(fs::path(r.backup_path).filename().string().rfind("m.mv2.damaged-", 0), 0u);
  EXPECT_TRUE(slurp(r.backup_path) == damaged);
  bool said = false;
  for (const Finding& f : r.findings) said |= f.message.find(r.backup_path) != std::string::npos;
  EXPECT_TRUE(said);
  // A second damaged run the same second gets a name of its own.
  damage_toc(path);
  const DoctorReport again = memvid::doctor(path, {});
  EXPECT_NE(again.backup_path, r.backup_path);
  EXPECT_EQ(names_in(dir.path()).size(), 3u);
}

TEST(Doctor, OutputWritesTheRepairElsewhereAndLeavesTheFileAlone) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 4);
  const std::string damaged = damage_toc(path);
  DoctorOptions o;
  o.output = dir.file("fixed.mv2");
  const DoctorReport r = memvid::doctor(path, o);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.output_path, o.output);
  EXPECT_TRUE(r.backup_path.empty());
  EXPECT_TRUE(slurp(path) == damaged);
  EXPECT_EQ(names_in(dir.path()), (std::set<std::string>{"m.mv2", "fixed.mv2"}));
  EXPECT_TRUE(memvid::verify(o.output, true).ok);
  EXPECT_EQ(Memvid::open_read_only(o.output, quiet()).frame_count(), 4u);
  // The output must be a new file.
  EXPECT_EQ(code_of([&] { memvid::doctor(path, o); }), ErrorCode::AlreadyExists);
  // A rebuild of a healthy memory into a new file, too.
  make_memory(dir.file("h.mv2"), 3);
  const std::string healthy = slurp(dir.file("h.mv2"));
  DoctorOptions rebuild;
  rebuild.rebuild_lex_index = true;
  rebuild.output = dir.file("h2.mv2");
  EXPECT_TRUE(memvid::doctor(dir.file("h.mv2"), rebuild).ok);
  EXPECT_TRUE(slurp(dir.file("h.mv2")) == healthy);
  EXPECT_TRUE(memvid::verify(rebuild.output, true).ok);
}

TEST(Doctor, NoBackupWhenAskedNot) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 2);
  damage_toc(path);
  DoctorOptions o;
  o.keep_backup = false;
  const DoctorReport r = memvid::doctor(path, o);
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.backup_path.empty());
  EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"m.mv2"});
}

// ---------------------------------------------------------------------------------------
// restore

TEST(Restore, ReplacesOnlyAMemoryOnlyWhenForcedAndCountsWhatItDrops) {
  mt::TempDir dir;
  const std::string live = dir.file("live.mv2"), snap = dir.file("snap.mv2");
  make_memory(live, 3);
  { Memvid source = Memvid::open_read_only(live, quiet()); Maintenance(source).export_snapshot(snap); }
  {
    Memvid w = Memvid::open(live, quiet());
    w.put(text_doc("written after the snapshot"));
    w.update(1, text_doc("frame 1, revised"));
    w.close();
  }
  const std::string newer = slurp(live);
  EXPECT_EQ(code_of([&] { memvid::restore_snapshot(snap, live); }), ErrorCode::AlreadyExists);
  EXPECT_TRUE(slurp(live) == newer);
  const RestoreReport r = memvid::restore_snapshot(snap, live, forced());
  EXPECT_TRUE(r.replaced);
  EXPECT_EQ(r.replaced_frames, 5u);
  EXPECT_EQ(r.snapshot_frames, 3u);
  EXPECT_EQ(r.dropped_frames, 2u);  // frame 3 (the put) and frame 4 (the update's new version)
  EXPECT_EQ(r.dropped_ids, (std::vector<FrameId>{3, 4}));
  ASSERT_FALSE(r.backup_path.empty());
  EXPECT_TRUE(slurp(r.backup_path) == newer);
  EXPECT_TRUE(slurp(live) == slurp(snap));
  // restore onto the snapshot itself is refused.
  EXPECT_EQ(code_of([&] { memvid::restore_snapshot(snap, snap, forced()); }), ErrorCode::InvalidArgument);
}

// ---------------------------------------------------------------------------------------
// create

TEST(Create, NeverDeletesAFileThatHoldsData) {
  mt::TempDir dir;
  // An ISO 9660 image starts with 32 KiB of zeros; a sparse disk image may too.
  std::string iso(32768, '\0');
  iso += "\x01" "CD001" "\x01";
  iso += std::string(20000, 'd');
  spit(dir.file("disk.iso"), iso);
  EXPECT_EQ(code_of([&] { Memvid::create(dir.file("disk.iso")); }), ErrorCode::AlreadyExists);
  EXPECT_TRUE(slurp(dir.file("disk.iso")) == iso);
  // Zeros of exactly a header page and a WAL with one byte of data after them.
  std::string almost(4096 + 65536, '\0');
  almost += "x";
  spit(dir.file("almost.mv2"), almost);
  EXPECT_EQ(code_of([&] { Memvid::create(dir.file("almost.mv2")); }), ErrorCode::AlreadyExists);
  EXPECT_TRUE(slurp(dir.file("almost.mv2")) == almost);
  // What a create killed before its header write leaves is replaced: an empty file, the
  // sized file, or that plus the first (empty) commit.
  spit(dir.file("killed0.mv2"), "");
  spit(dir.file("killed1.mv2"), std::string(4096 + 65536, '\0'));
  CreateOptions c;
  c.wal_bytes = 65536;
  c.embedding_model = "none";
  make_memory(dir.file("full.mv2"), 0);
  std::string first_commit = slurp(dir.file("full.mv2"));
  std::fill(first_commit.begin(), first_commit.begin() + 4096, '\0');
  spit(dir.file("killed2.mv2"), first_commit);
  for (const char* name : {"killed0.mv2", "killed1.mv2", "killed2.mv2"}) {
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(Memvid::create(dir.file(name), c).close());
    EXPECT_TRUE(memvid::verify(dir.file(name)).ok);
  }
}

// ---------------------------------------------------------------------------------------
// Write-protected files and symlinks

TEST(Permissions, AWriteProtectedMemoryIsReadButNeverWrittenEvenByRoot) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 2);
  ::chmod(path.c_str(), 0444);
  const std::string before = slurp(path);
  EXPECT_EQ(code_of([&] { Memvid::open(path, quiet()); }), ErrorCode::ReadOnly);
  EXPECT_EQ(code_of([&] { memvid::nudge(path); }), ErrorCode::ReadOnly);
  EXPECT_EQ(code_of([&] { memvid::doctor(path, rebuild_lex()); }), ErrorCode::ReadOnly);
  EXPECT_EQ(code_of([&] { make_memory(dir.file("s.mv2"), 1);
                          { Memvid source = Memvid::open_read_only(dir.file("s.mv2"), quiet()); Maintenance(source).export_snapshot(dir.file("snap.mv2")); }
                          memvid::restore_snapshot(dir.file("snap.mv2"), path, forced()); }),
            ErrorCode::ReadOnly);
  try {
    Memvid::open(path, quiet());
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod u+w"), std::string::npos) << e.what();
  }
  Memvid r = Memvid::open_read_only(path, quiet());
  EXPECT_EQ(r.frame_count(), 2u);
  EXPECT_TRUE(memvid::verify(path, true).ok);
  EXPECT_TRUE(slurp(path) == before);
}

TEST(Symlinks, RewritesReplaceTheMemoryTheLinkNamesAndKeepTheLink) {
  mt::TempDir dir;
  fs::create_directory(dir.path() / "store");
  const std::string target = (dir.path() / "store" / "real.mv2").string();
  const std::string link = dir.file("link.mv2");
  make_memory(target, 4);
  fs::create_symlink(target, link);
  {
    Memvid w = Memvid::open(link, quiet());
    w.delete_frame(0);
    memvid::Maintenance(w).compact_in_place();
    w.put(text_doc("after the compaction"));
    w.close();
  }
  EXPECT_TRUE(fs::is_symlink(link));
  Memvid r = Memvid::open_read_only(target, quiet());
  EXPECT_EQ(r.frame_count(), 5u);
  EXPECT_TRUE(r.frame_info(0).removed);
  r.close();
  // doctor through the link: the repaired file and its backup sit beside the target.
  damage_toc(target);
  const DoctorReport d = memvid::doctor(link, {});
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_TRUE(memvid::verify(target, true).ok);
  EXPECT_EQ(names_in(dir.path() / "store").size(), 2u);  // real.mv2 and its .damaged- backup
  // restore through the link, too.
  make_memory(dir.file("other.mv2"), 1);
  { Memvid source = Memvid::open_read_only(dir.file("other.mv2"), quiet()); Maintenance(source).export_snapshot(dir.file("snap.mv2")); }
  memvid::restore_snapshot(dir.file("snap.mv2"), link, forced(false));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_TRUE(slurp(target) == slurp(dir.file("snap.mv2")));
}

// ---------------------------------------------------------------------------------------
// Sidecars

TEST(Sidecars, AnEmptyOneIsSteppedAroundOneWithBytesIsRefusedByName) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  make_memory(path, 1);
  for (const char* suffix : {"-wal", "-shm", "-lock", "-journal"}) {
    SCOPED_TRACE(suffix);
    const std::string side = path + suffix;
    spit(side, "");
    take_warnings();
    {
      Memvid w = Memvid::open(path, quiet());  // readers and writers alike
      w.put(text_doc("with an empty sidecar"));
      w.close();
    }
    const std::vector<Warning> ws = take_warnings();
    ASSERT_TRUE(has_warning(ws, "sidecar", ErrorCode::AuxiliaryFileDetected));
    EXPECT_NE(ws[0].message.find(side), std::string::npos);
    spit(side, "data");
    const std::string before = slurp(path);
    try {
      Memvid::open_read_only(path, quiet());
      ADD_FAILURE() << "opened beside a sidecar with data";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::AuxiliaryFileDetected);
      const std::string m = e.what();
      EXPECT_NE(m.find(side + " (4 bytes)"), std::string::npos) << m;
      EXPECT_NE(m.find("mv " + side), std::string::npos) << m;
    }
    EXPECT_TRUE(slurp(path) == before);
    fs::remove(side);
  }
}

}  // namespace
