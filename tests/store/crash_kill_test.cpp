// Kills a real writer process with SIGKILL at random moments, hundreds of times, and checks
// after each kill that every acknowledged change is in the file byte for byte, and that the
// change in flight is either wholly there or wholly absent.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "helpers/crash_payload.hpp"
#include "memvid/memvid.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using namespace memvid::testing;

namespace {

int rounds_from_env() {
  const char* v = std::getenv("MEMVID_CRASH_ROUNDS");
  return v ? std::atoi(v) : 200;
}

struct Log {
  std::uint64_t opened_with = 0;
  std::uint64_t acked_frames = 0;  // frame count after the last acknowledged put
  bool put_in_flight = false;
  std::uint64_t in_flight_end = 0;  // frame count if the put in flight landed
  std::set<std::uint64_t> acked_deletes;
  std::optional<std::uint64_t> delete_in_flight;
  std::string error;
};

Log parse(const std::string& out, std::uint64_t start_frames) {
  Log log;
  log.acked_frames = start_frames;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string kind, op;
    l >> kind;
    if (kind == "OPEN") {
      l >> log.opened_with;
      log.acked_frames = log.opened_with;
      continue;
    }
    if (kind == "ERROR") {
      log.error = line;
      continue;
    }
    if (line.size() < 5 || line.find('\n') != std::string::npos) continue;
    l >> op;
    if (op == "PUT") {
      std::uint64_t first = 0, n = 0;
      l >> first >> n;
      if (l.fail()) continue;  // a line cut by the kill
      if (kind == "TRY") {
        log.put_in_flight = true;
        log.in_flight_end = first + n;
      } else {
        log.put_in_flight = false;
        log.acked_frames = first + n;
      }
    } else if (op == "DEL") {
      std::uint64_t id = 0;
      l >> id;
      if (l.fail()) continue;
      if (kind == "TRY") {
        log.delete_in_flight = id;
      } else {
        log.acked_deletes.insert(id);
        log.delete_in_flight.reset();
      }
    } else if (op == "CKPT") {
      log.put_in_flight = false;
      log.delete_in_flight.reset();
    }
  }
  return log;
}

}  // namespace

TEST(CrashKill, EveryAcknowledgedCommitSurvivesSigkill) {
  const int rounds = rounds_from_env();
  std::mt19937_64 rng(20261122);
  TempDir dir;
  std::string path = dir.file("crash.mv2");
  std::uint64_t frames = 0;
  std::set<std::uint64_t> deleted;
  int kills = 0;
  const char* syncs[] = {"off", "normal", "full"};
  for (int round = 0; round < rounds; ++round) {
    if (frames > 15000) {  // keep each check cheap: start a fresh memory
      std::remove(path.c_str());
      frames = 0;
      deleted.clear();
    }
    Child child = spawn({MEMVID_CRASH_WRITER_PATH, path, std::to_string(rng()), syncs[round % 3]});
    std::this_thread::sleep_for(std::chrono::microseconds(2000 + rng() % 40000));
    ::kill(child.pid, SIGKILL);
    std::string out = read_all(child.stdout_fd);
    int status = wait_for(child.pid);
    ASSERT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
        << "writer failed on its own in round " << round << ":\n" << out.substr(out.size() > 2000 ? out.size() - 2000 : 0);
    if (WIFSIGNALED(status)) ++kills;
    Log log = parse(out, frames);
    ASSERT_TRUE(log.error.empty()) << log.error;
    if (out.find("OPEN") == std::string::npos) continue;  // killed before it opened
    ASSERT_EQ(log.opened_with, frames) << "round " << round << ": the writer reopened a different state";

    // Alternate the verifier: a writer runs recovery (and truncation), a reader must not.
    bool as_writer = round % 2 == 0;
    Memvid m = as_writer ? Memvid::open(path) : Memvid::open_read_only(path);
    const std::uint64_t count = m.frame_count();
    ASSERT_GE(count, log.acked_frames) << "round " << round << ": an acknowledged put was lost";
    if (count > log.acked_frames) {
      ASSERT_TRUE(log.put_in_flight) << "round " << round;
      ASSERT_EQ(count, log.in_flight_end) << "round " << round << ": a transaction is half there";
    }
    // Check every frame this round touched plus a sample of older ones, byte for byte.
    std::vector<std::uint64_t> check;
    for (std::uint64_t id = frames; id < count; ++id) check.push_back(id);
    for (int i = 0; i < 50 && count > 0; ++i) check.push_back(rng() % count);
    for (std::uint64_t id : check) {
      Frame f = m.frame(id);
      ASSERT_EQ(f.payload, crash_test::payload_for(id)) << "round " << round << " frame " << id;
      ASSERT_EQ(f.title, "title " + std::to_string(id));
    }
    for (std::uint64_t id : log.acked_deletes) deleted.insert(id);
    for (std::uint64_t id : deleted)
      ASSERT_EQ(m.frame_info(id).status, FrameStatus::Deleted) << "acknowledged delete of " << id << " lost";
    // Nothing else is deleted, except perhaps the delete in flight.
    const std::uint64_t deleted_now = m.stats().deleted_frames;
    if (log.delete_in_flight && !deleted.count(*log.delete_in_flight) &&
        m.frame_info(*log.delete_in_flight).status == FrameStatus::Deleted) {
      deleted.insert(*log.delete_in_flight);
    }
    ASSERT_EQ(deleted_now, deleted.size()) << "round " << round << ": a frame was deleted by nobody";
    frames = count;
  }
  EXPECT_GE(kills, rounds * 9 / 10);
  std::printf("crash harness: %d rounds, %d SIGKILLs, %llu frames in the last memory\n", rounds, kills,
              static_cast<unsigned long long>(frames));
}
