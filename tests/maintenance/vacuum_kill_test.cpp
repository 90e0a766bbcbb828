// Kills `memvid compact FILE` and `memvid doctor FILE --vacuum` with SIGKILL at random moments
// while they rewrite a memory of a few thousand frames. After every kill the memory verifies
// (deep), holds either the old state or the compacted one (the same frames, the same active
// payloads), and nothing but the memory is left in its directory, except the new file's
// hidden name when the kill fell between naming it and the rename: the next rewrite beside
// the memory removes that.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "support/loop_sizes.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;
namespace fs = std::filesystem;

namespace {

int rounds_from_env() {
  if (mt::short_loops()) return 5;
  const char* v = std::getenv("MEMVID_CRASH_ROUNDS");
  int n = v ? std::atoi(v) : 50;
  if (n > 50) n = 50;  // each round rewrites a whole memory: keep the test short
  return n < 10 ? 10 : n;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
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

struct Original {
  std::string image;
  std::uint64_t frames = 0;
  std::vector<FrameStatus> status;
  std::vector<std::string> payload;  // of active frames
};

// 3,000 frames over a few checkpoints, with deletes and updates.
Original make_original(const std::string& path) {
  CreateOptions c;
  c.open = quiet();
  c.open.sync = SyncMode::Off;
  c.embedding_model = "none";
  {
    Memvid m = Memvid::create(path, c);
    std::uint64_t next = 0;
    for (int batch = 0; batch < 6; ++batch) {
      std::vector<Document> docs;
      for (int k = 0; k < 500; ++k) docs.push_back(mt::doc_for(next++, false));
      m.put_many(docs);
      m.commit();
    }
    for (FrameId id = 3; id < 3000; id += 7) m.delete_frame(id);
    for (FrameId id = 5; id < 3000; id += 53) {
      if (m.frame_info(id).status == FrameStatus::Active) m.update(id, mt::doc_for(10000 + id, false));
    }
    m.commit();
    m.close();
  }
  Original o;
  o.image = slurp(path);
  Memvid m = Memvid::open_read_only(path, quiet());
  o.frames = m.frame_count();
  for (FrameId id = 0; id < o.frames; ++id) {
    const Frame f = m.frame_info(id);
    o.status.push_back(f.status);
    o.payload.push_back(f.status == FrameStatus::Active ? m.frame(id).payload : std::string());
  }
  return o;
}

// Returns true when the file holds the compacted state, false when the old one.
bool check_state(const std::string& path, const Original& o, int round) {
  Memvid m = Memvid::open_read_only(path, quiet());
  EXPECT_EQ(m.frame_count(), o.frames) << "round " << round;
  std::uint64_t removed = 0, inactive = 0;
  std::mt19937_64 rng(static_cast<std::uint64_t>(round));
  for (FrameId id = 0; id < o.frames && id < m.frame_count(); ++id) {
    const Frame f = m.frame_info(id);
    EXPECT_EQ(f.status, o.status[id]) << "round " << round << " frame " << id;
    if (o.status[id] == FrameStatus::Active) {
      EXPECT_FALSE(f.removed) << "round " << round << " frame " << id;
      // Every active payload in a few rounds, a sample in the others.
      if (round % 5 == 0 || rng() % 8 == 0) {
        EXPECT_EQ(m.frame(id).payload, o.payload[id]) << "round " << round << " frame " << id;
      }
    } else {
      ++inactive;
      removed += f.removed;
    }
  }
  // All or nothing: either every inactive record is gone or none is.
  EXPECT_TRUE(removed == 0 || removed == inactive) << "round " << round << ": " << removed << " of " << inactive
                                                   << " inactive records removed";
  return removed > 0;
}

TEST(VacuumKill, KilledCompactionLeavesOldOrNewState) {
  const int target_kills = rounds_from_env();
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  const Original o = make_original(path);
  ASSERT_GT(o.frames, 3000u);

  // How long one uninterrupted compaction takes: the kills spread over 0 .. 1.3x that.
  auto timed = [&](const std::vector<std::string>& argv) {
    spit(path, o.image);
    const auto start = std::chrono::steady_clock::now();
    mt::Child child = mt::spawn(argv);
    mt::read_all(child.stdout_fd);
    const int status = mt::wait_for(child.pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << argv[1];
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  const std::vector<std::string> compact{MEMVID_CLI_PATH, "compact", path};
  const std::vector<std::string> vacuum{MEMVID_CLI_PATH, "doctor", path, "--vacuum"};
  // The shorter of the two: the first run of a fresh process image is the slower one, and a
  // window much longer than a rewrite lets most rounds finish unkilled.
  const double full_ms = std::min(timed(compact), timed(vacuum));
  EXPECT_TRUE(check_state(path, o, 0));
  const int window_us = std::max(2000, static_cast<int>(full_ms * 1300));

  std::mt19937_64 rng(20261202);
  int kills = 0, old_state = 0, new_state = 0, leftovers = 0;
  int round = 0;
  // Under a sanitizer a round (a rewrite plus a deep verify of a few thousand frames) takes
  // seconds: past the minimum of 10 kills, a time budget ends the loop.
  const auto loop_start = std::chrono::steady_clock::now();
  auto over_budget = [&] { return std::chrono::steady_clock::now() - loop_start > std::chrono::seconds(120); };
  const int min_kills = std::min(target_kills, 10);
  for (; kills < target_kills && round < 3 * target_kills && (kills < min_kills || !over_budget()); ++round) {
    spit(path, o.image);
    mt::Child child = mt::spawn(round % 2 ? vacuum : compact);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<std::uint64_t>(window_us)));
    ::kill(child.pid, SIGKILL);
    const std::string out = mt::read_all(child.stdout_fd);
    const int status = mt::wait_for(child.pid);
    ASSERT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
        << "round " << round << ": the command failed on its own\n" << out;
    kills += WIFSIGNALED(status);

    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    const bool leftover = names.size() == 2 && names[0].starts_with(".m.mv2.memvid-tmp-");
    if (leftover) names.erase(names.begin());
    ASSERT_EQ(names, std::vector<std::string>{"m.mv2"}) << "round " << round << ": stray files after the kill";
    const VerifyReport v = memvid::verify(path, true);
    ASSERT_TRUE(v.ok) << "round " << round << "\n" << describe(v);
    (check_state(path, o, round) ? new_state : old_state)++;
    if (leftover) {
      ++leftovers;
      timed(compact);  // the next rewrite beside the memory removes the dead process's file
      std::vector<std::string> after;
      for (const auto& e : fs::directory_iterator(dir.path())) after.push_back(e.path().filename().string());
      ASSERT_EQ(after, std::vector<std::string>{"m.mv2"}) << "round " << round << ": the next rewrite left the leftover";
    }
    if (::testing::Test::HasFailure()) FAIL() << "round " << round;
  }
  std::printf("vacuum kills: %d rounds, %d SIGKILLs, %d old states, %d new states, %d hidden leftovers (window %d us)\n",
              round, kills, old_state, new_state, leftovers, window_us);
  EXPECT_GE(kills, min_kills);  // the time budget may end a slow (sanitizer) run early
  EXPECT_GT(old_state, 0);
}

}  // namespace
