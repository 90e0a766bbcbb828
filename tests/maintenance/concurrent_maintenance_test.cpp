// verify and export_snapshot run while a writer (its own handle, in another thread) keeps
// putting documents: every verify passes, and every snapshot verifies deep and holds a
// prefix of what the writer wrote, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <vector>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "helpers/crash_payload.hpp"
#include "memvid/memvid.hpp"
#include "memvid/maintenance.hpp"
#include "support/loop_sizes.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;
namespace fs = std::filesystem;

namespace {

std::string describe(const VerifyReport& r) {
  std::string out = r.path + (r.deep ? " (deep)" : "") + (r.ok ? " ok" : " NOT ok") + "\n";
  for (const CheckResult& c : r.checks)
    out += "  " + std::string(to_string(c.status)) + "  " + c.name + "  " + c.detail + "\n";
  return out;
}

OpenOptions quiet() {
  OpenOptions o;
  o.nudge_poll_ms = 0;
  o.sync = SyncMode::Off;
  return o;
}

TEST(ConcurrentMaintenance, VerifyAndExportBesideALiveWriter) {
  mt::TempDir dir;
  const std::string path = dir.file("live.mv2");
  {
    CreateOptions c;
    c.open = quiet();
    c.embedding_model = "none";
    c.wal_bytes = 64 * 1024;  // frequent checkpoints: header flips and new epochs
    Memvid::create(path, c).close();
  }
  constexpr std::uint64_t kMaxFrames = 6000;
  std::atomic<std::uint64_t> acked{0};  // frames whose put returned
  std::atomic<bool> stop{false}, done{false};
  std::string writer_error;
  std::thread writer([&] {
    try {
      Memvid m = Memvid::open(path, quiet());
      std::uint64_t id = 0;
      while (!stop.load() && id < kMaxFrames) {
        if (id % 9 == 8) {
          std::vector<Document> docs;
          for (int k = 0; k < 20; ++k) docs.push_back(crash_test::document_for(id + static_cast<std::uint64_t>(k)));
          const auto ids = m.put_many(docs);
          if (ids.front() != id) throw std::runtime_error("unexpected id");
          id += docs.size();
        } else {
          if (m.put(crash_test::document_for(id)) != id) throw std::runtime_error("unexpected id");
          ++id;
        }
        acked = id;
        if (id % 101 == 0) m.commit();
      }
      m.close();
    } catch (const std::exception& e) {
      writer_error = e.what();
    }
    done = true;
  });

  // Four rounds at least (one of them a deep verify, one reading every frame), then more
  // while time allows; MEMVID_SHORT_LOOPS stops at four.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  const int max_snapshots = mt::short_loops() ? 4 : 15;
  int verifies = 0, snapshots = 0;
  std::uint64_t max_snapshot = 0;
  bool failed = false;
  while (!done.load() && snapshots < max_snapshots && (snapshots < 4 || std::chrono::steady_clock::now() < deadline) &&
         !failed) {
    const VerifyReport v = memvid::verify(path, verifies % 3 == 2);
    ++verifies;
    if (!v.ok) {
      ADD_FAILURE() << "verify " << verifies << "\n" << describe(v);
      failed = true;
      break;
    }
    const std::string snap = dir.file("snap" + std::to_string(snapshots) + ".mv2");
    const std::uint64_t lo = acked.load();
    std::uint64_t seen = 0;
    try {
      Memvid r = Memvid::open_read_only(path, quiet());
      seen = r.frame_count();
      memvid::Maintenance(r).export_snapshot(snap);
      r.close();
    } catch (const Error& e) {
      ADD_FAILURE() << "export " << snapshots << ": " << e.what();
      failed = true;
      break;
    }
    const std::uint64_t hi = acked.load();
    ++snapshots;
    const VerifyReport sv = memvid::verify(snap, true);
    if (!sv.ok) {
      ADD_FAILURE() << "snapshot " << snapshots << "\n" << describe(sv);
      failed = true;
      break;
    }
    Memvid s = Memvid::open_read_only(snap, quiet());
    const std::uint64_t n = s.frame_count();
    EXPECT_EQ(n, seen) << "the snapshot is not the state its handle saw";
    EXPECT_GE(n, lo);
    EXPECT_LE(n, hi + 20);  // plus the put that may have landed before it returned
    // Every frame of a few snapshots, the newest ones of the others.
    const std::uint64_t from = snapshots % 4 == 1 ? 0 : (n > 200 ? n - 200 : 0);
    for (std::uint64_t id = from; id < n; ++id) {
      const Frame f = s.frame(id);
      if (f.payload != crash_test::payload_for(id) || f.title != "title " + std::to_string(id)) {
        ADD_FAILURE() << "snapshot " << snapshots << " frame " << id << " differs";
        failed = true;
        break;
      }
    }
    s.close();
    fs::remove(snap);
    max_snapshot = std::max(max_snapshot, n);
  }
  stop = true;
  writer.join();
  ASSERT_TRUE(writer_error.empty()) << writer_error;
  ASSERT_FALSE(failed);
  std::printf("concurrent maintenance: %d verifies, %d snapshots, largest %llu frames, writer at %llu\n", verifies,
              snapshots, static_cast<unsigned long long>(max_snapshot), static_cast<unsigned long long>(acked.load()));
  EXPECT_GT(verifies, 3);
  EXPECT_GT(snapshots, 3);
  EXPECT_GT(max_snapshot, 0u);
  // After the writer is gone: a final snapshot of everything.
  const VerifyReport final_check = memvid::verify(path, true);
  EXPECT_TRUE(final_check.ok) << describe(final_check);
  {
    Memvid r = Memvid::open_read_only(path, quiet());
    EXPECT_EQ(r.frame_count(), acked.load());
    memvid::Maintenance(r).export_snapshot(dir.file("final.mv2"));
  }
  Memvid s = Memvid::open_read_only(dir.file("final.mv2"), quiet());
  ASSERT_EQ(s.frame_count(), acked.load());
  for (std::uint64_t id = 0; id < s.frame_count(); id += 7) EXPECT_EQ(s.frame(id).payload, crash_test::payload_for(id));
}

}  // namespace
