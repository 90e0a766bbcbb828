// Locks between real processes: one writer, many readers that read a committed snapshot
// while the writer commits, a timed-out second writer told who holds the lock, nudge, and
// no stale lock after a writer is killed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;

namespace {

Document doc(const std::string& text) {
  Document d;
  d.payload = text;
  d.timestamp_ms = 1;
  return d;
}

// Forks a child that runs body and exits; the child writes one byte to the pipe when ready.
struct ForkedChild {
  pid_t pid = -1;
  int ready_fd = -1;
};

template <typename Body>
ForkedChild fork_child(Body body) {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int code = 0;
    try {
      body(fds[1]);
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

void signal_ready(int fd) {
  char c = 'r';
  if (::write(fd, &c, 1) != 1) ::_exit(4);
}

void wait_ready(const ForkedChild& c) {
  char b;
  ASSERT_EQ(::read(c.ready_fd, &b, 1), 1);
}

int reap(const ForkedChild& c) {
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  ::close(c.ready_fd);
  return status;
}

}  // namespace

TEST(Locking, SecondWriterGetsLockedWithOwnerDetails) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  { Memvid::create(path); }
  auto child = fork_child([&](int ready) {
    OpenOptions o;
    o.command = "holder-process";
    Memvid m = Memvid::open(path, o);
    signal_ready(ready);
    ::pause();
  });
  wait_ready(child);
  OpenOptions o;
  o.lock_timeout_ms = 100;
  auto start = std::chrono::steady_clock::now();
  try {
    Memvid::open(path, o);
    FAIL() << "a second writer must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Locked);
    std::string msg = e.what();
    EXPECT_NE(msg.find("pid " + std::to_string(child.pid)), std::string::npos) << msg;
    EXPECT_NE(msg.find("holder-process"), std::string::npos) << msg;
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  OwnerInfo who = memvid::who(path);
  EXPECT_TRUE(who.alive);
  EXPECT_EQ(who.pid, child.pid);
  EXPECT_EQ(who.command, "holder-process");
  // A reader is not blocked by the writer.
  EXPECT_NO_THROW(Memvid::open_read_only(path));
  // Killing the writer frees the lock at once: no stale lock survives a crash.
  ::kill(child.pid, SIGKILL);
  reap(child);
  OwnerInfo after = memvid::who(path);
  EXPECT_TRUE(after.present);  // the dead writer's record is still there...
  EXPECT_FALSE(after.alive);   // ...but nobody holds the lock
  EXPECT_NO_THROW(Memvid::open(path, o));
}

TEST(Locking, TwoHandlesInOneProcessExcludeEachOther) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  Memvid a = Memvid::create(path);
  OpenOptions o;
  o.lock_timeout_ms = 0;
  try {
    Memvid::open(path, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Locked);
  }
}

TEST(Locking, ReadersSeeWholeCommitsWhileAWriterCommits) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  { Memvid::create(path); }
  constexpr int kBatch = 10;
  auto child = fork_child([&](int ready) {
    OpenOptions o;
    o.sync = SyncMode::Off;
    Memvid m = Memvid::open(path, o);
    signal_ready(ready);
    for (int round = 0; round < 400; ++round) {
      std::vector<Document> docs;
      for (int i = 0; i < kBatch; ++i) docs.push_back(doc("round " + std::to_string(round) + " doc " + std::to_string(i)));
      m.put_many(docs);
      if (round % 50 == 49) m.commit();  // checkpoints while readers read
    }
  });
  wait_ready(child);
  int snapshots = 0;
  std::uint64_t last = 0;
  for (;;) {
    int status = 0;
    bool done = ::waitpid(child.pid, &status, WNOHANG) == child.pid;
    Memvid r = Memvid::open_read_only(path);
    std::uint64_t n = r.frame_count();
    ASSERT_EQ(n % kBatch, 0u) << "a reader saw half a transaction";
    ASSERT_GE(n, last) << "a later reader saw an older state";
    if (n > 0) {
      std::uint64_t round = n / kBatch - 1;
      ASSERT_EQ(r.frame(n - 1).payload, "round " + std::to_string(round) + " doc " + std::to_string(kBatch - 1));
    }
    last = n;
    ++snapshots;
    if (done) {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      ::close(child.ready_fd);
      break;
    }
  }
  EXPECT_EQ(Memvid::open_read_only(path).frame_count(), 400u * kBatch);
  EXPECT_GT(snapshots, 2);
}

TEST(Locking, NudgeMakesALongLivedWriterCommitAndRelease) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  { Memvid::create(path); }
  auto child = fork_child([&](int ready) {
    OpenOptions o;
    o.lock_timeout_ms = 50;
    Memvid m = Memvid::open(path, o);
    m.put(doc("from the long-lived writer"));
    signal_ready(ready);
    // Keeps writing; after the nudge its next write has to wait for the lock again.
    for (int i = 0; i < 400; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      try {
        m.put(doc("later " + std::to_string(i)));
      } catch (const Error& e) {
        if (e.code() != ErrorCode::Locked) throw;
      }
    }
  });
  wait_ready(child);
  OpenOptions o;
  o.lock_timeout_ms = 50;
  EXPECT_THROW(Memvid::open(path, o), Error);
  memvid::nudge(path);
  EXPECT_TRUE(memvid::who(path).nudge_requested || !memvid::who(path).alive);
  o.lock_timeout_ms = 3000;
  {
    Memvid m = Memvid::open(path, o);  // the writer let go
    EXPECT_EQ(m.frame(0).payload, "from the long-lived writer");
    m.put(doc("from the nudger"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // hold it while the child retries
  }
  ::kill(child.pid, SIGKILL);
  reap(child);
  Memvid r = Memvid::open_read_only(path);
  bool found = false;
  for (FrameId id = 0; id < r.frame_count(); ++id) found |= r.frame(id).payload == "from the nudger";
  EXPECT_TRUE(found);
}

TEST(Locking, ANudgedWriterReloadsWhatTheNextWriterCommitted) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  OpenOptions o;
  o.lock_timeout_ms = 0;
  CreateOptions synchronous;
  synchronous.open.nudge_poll_ms = 0;  // this test drives the nudge through write calls
  Memvid a = Memvid::create(path, synchronous);
  a.put(doc("zero"));
  memvid::nudge(path);
  a.put(doc("one"));  // commits, then honours the nudge: checkpoint and let go
  {
    Memvid b = Memvid::open(path, o);
    b.delete_frame(0);
    b.put(doc("from b"));
  }
  // a takes the lock back on its next write and sees b's changes, not its stale copy.
  try {
    a.update(0, doc("zero v2"));
    FAIL() << "frame 0 was deleted by the other writer";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << e.what();
  }
  FrameId id = a.put(doc("two"));
  EXPECT_EQ(id, 3u);
  EXPECT_EQ(a.frame(2).payload, "from b");
  a.close();
  Memvid r = Memvid::open_read_only(path);
  EXPECT_EQ(r.frame_count(), 4u);
  EXPECT_EQ(r.frame_info(0).status, FrameStatus::Deleted);
}

TEST(Locking, AnIdleWriterHonoursANudge) {
  TempDir dir;
  auto path = dir.file("a.mv2");
  Memvid idle = Memvid::create(path);  // polls for nudges every 100 ms by default
  idle.put(doc("written before going idle"));
  OpenOptions quick;
  quick.lock_timeout_ms = 0;
  EXPECT_THROW(Memvid::open(path, quick), Error);
  memvid::nudge(path);
  OpenOptions patient;
  patient.lock_timeout_ms = 5000;
  auto start = std::chrono::steady_clock::now();
  {
    Memvid other = Memvid::open(path, patient);  // no call on `idle` in between
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(other.frame(0).payload, "written before going idle");
    other.put(doc("from the other writer"));
  }
  EXPECT_EQ(idle.put(doc("back again")), 2u);  // takes the lock back and sees the other's frame
  EXPECT_EQ(idle.frame(1).payload, "from the other writer");
}
