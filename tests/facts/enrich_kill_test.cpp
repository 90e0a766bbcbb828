// Kills `memvid enrich FILE` with SIGKILL at random moments while it reads facts in a memory
// of a few hundred frames put without extraction. After every kill the memory verifies
// (deep), every fact it holds is one the uninterrupted run records, and a second `enrich`
// finishes the work: the facts are then exactly those of the uninterrupted run, each once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "memvid/facts.hpp"
#include "memvid/files.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "support/loop_sizes.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;

namespace {

int rounds_from_env() {
  if (mt::short_loops()) return 6;
  const char* v = std::getenv("MEMVID_CRASH_ROUNDS");
  const int n = v ? std::atoi(v) : 12;
  return std::clamp(n, 6, 30);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

using Fact = std::tuple<std::string, std::string, std::string, std::uint64_t>;

std::multiset<Fact> facts_of(const std::string& path) {
  Memvid m = Memvid::open_read_only(path);
  FactQuery all;
  all.history = true;
  std::multiset<Fact> out;
  for (const FactRecord& f : Facts(m).list(all)) out.insert({f.entity, f.slot, f.value, f.frame});
  return out;
}

int run_enrich(const std::string& path) {
  mt::Child child = mt::spawn({MEMVID_CLI_PATH, "enrich", path, "--batch", "16"});
  mt::read_all(child.stdout_fd);
  const int status = mt::wait_for(child.pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(EnrichKill, AKilledEnrichKeepsWhatItCommittedAndTheNextRunFinishes) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  {
    CreateOptions o;
    o.embedding_model = "none";
    o.extract_facts = false;
    Memvid m = Memvid::create(path, o);
    const char* first[] = {"Alice", "Bruno", "Chidi", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
                           "Kemal", "Lena", "Mateo", "Nadia", "Oskar", "Priya"};
    const char* last[] = {"Abe", "Berg", "Costa", "Dahl", "Eze", "Fox", "Gupta", "Holm", "Ito", "Jung",
                          "Kova", "Lund", "Moss", "Nair", "Ortiz", "Park", "Quinn", "Rossi", "Sato", "Toth"};
    std::vector<Document> docs;
    for (std::size_t i = 0; i < 320; ++i) {
      Document d;
      const std::string name = std::string(first[i % 16]) + " " + last[i / 16 % 20];
      d.payload = name + " works at Company" + std::to_string(i % 23) + ". She lives in Town" + std::to_string(i % 7) +
                  ". Notes from the weekly meeting follow, with nothing else to read.";
      d.timestamp_ms = 1700000000000 + static_cast<std::int64_t>(i) * 1000;
      docs.push_back(std::move(d));
    }
    m.put_many(docs);
  }
  const std::string image = slurp(path);

  // The uninterrupted run, timed: the kills fall within 0 .. 1.3x its time.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run_enrich(path), 0);
  const double full_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::multiset<Fact> want = facts_of(path);
  ASSERT_EQ(want.size(), 640u);
  const int window_us = std::max(2000, static_cast<int>(full_ms * 1300));

  std::mt19937_64 rng(20261206);
  int kills = 0, partial = 0;
  const int rounds = rounds_from_env();
  for (int round = 0; round < rounds; ++round) {
    spit(path, image);
    mt::Child child = mt::spawn({MEMVID_CLI_PATH, "enrich", path, "--batch", "16"});
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<std::uint64_t>(window_us)));
    ::kill(child.pid, SIGKILL);
    mt::read_all(child.stdout_fd);
    const int status = mt::wait_for(child.pid);
    ASSERT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0)) << "round " << round;
    kills += WIFSIGNALED(status);

    const VerifyReport v = verify(path, true);
    ASSERT_TRUE(v.ok) << "round " << round;
    const std::multiset<Fact> got = facts_of(path);
    ASSERT_TRUE(std::includes(want.begin(), want.end(), got.begin(), got.end())) << "round " << round;
    partial += got.size() > 0 && got.size() < want.size();

    ASSERT_EQ(run_enrich(path), 0) << "round " << round;
    ASSERT_EQ(facts_of(path), want) << "round " << round;
    ASSERT_TRUE(verify(path, true).ok) << "round " << round;
  }
  std::printf("enrich kills: %d rounds, %d SIGKILLs, %d left part of the facts (window %d us)\n", rounds, kills, partial,
              window_us);
  EXPECT_GT(kills, 0);
}

}  // namespace
