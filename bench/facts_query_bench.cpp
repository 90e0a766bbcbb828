// Fact queries at scale: a memory whose texts state FACTS facts (default 100,000) about
// FACTS/4 people, each with two employers and two homes over time; then
//   - in-process Facts::state(entity, slot) and Facts::state(entity), p50 and p99 over 1,000
//     random people, on a handle opened once;
//   - the CLI, a new process each time: `state -e E -s employer`, `facts -e E --history`,
//     `memories --entity E`, medians of 11.
//   usage: memvid_facts_query_bench [--facts N] [--cli PATH] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "memvid/facts.hpp"
#include "memvid/memvid.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// A person's name without digits (the rules engine takes no digits in names): "Ana Bcdf".
std::string person(std::size_t i) {
  static const char* first[] = {"Ana", "Ben", "Chidi", "Dana", "Emeka", "Farah", "Goran", "Hana"};
  std::string last(1, static_cast<char>('A' + i / 8 % 26));
  for (std::size_t n = i / 8 / 26; n > 0 || last.size() < 4; n /= 26) last += static_cast<char>('a' + n % 26);
  return std::string(first[i % 8]) + " " + last;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double cli_median(const std::string& command) {
  std::vector<double> t;
  for (int i = 0; i < 11; ++i) {
    const auto start = Clock::now();
    if (std::system((command + " > /dev/null").c_str()) != 0) {
      std::fprintf(stderr, "failed: %s\n", command.c_str());
      std::exit(1);
    }
    t.push_back(ms_since(start));
  }
  return percentile(t, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t facts = 100000;
  std::string cli, dir = std::filesystem::temp_directory_path() / "memvid-facts-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--facts") facts = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--cli") cli = argv[i + 1];
    else if (a == "--dir") dir = argv[i + 1];
  }
  const std::size_t people = std::max<std::size_t>(1, facts / 4);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/facts.mv2";

  // Two frames a person, years apart: each states an employer and a home.
  const auto build_start = Clock::now();
  {
    memvid::CreateOptions o;
    o.embedding_model = "none";
    memvid::Memvid m = memvid::Memvid::create(path, o);
    std::vector<memvid::Document> batch;
    for (std::size_t round = 0; round < 2; ++round)
      for (std::size_t p = 0; p < people; ++p) {
        memvid::Document d;
        d.payload = person(p) + " works at " + (round ? "Globex" : "Initech") + " Group. " + person(p) +
                    " lives in " + (round ? "Lisbon" : "Porto") + ".";
        d.timestamp_ms = 1600000000000 + static_cast<std::int64_t>(round) * 100000000000 + static_cast<std::int64_t>(p);
        batch.push_back(std::move(d));
        if (batch.size() == 10000) m.put_many(batch), batch.clear();
      }
    if (!batch.empty()) m.put_many(batch);
    m.close();
  }
  const double build_ms = ms_since(build_start);

  memvid::Memvid m = memvid::Memvid::open_read_only(path);
  memvid::Facts f(m);
  memvid::FactQuery all;
  all.history = true;
  all.entity = person(0);
  if (f.list(all).size() != 4) {
    std::fprintf(stderr, "expected 4 facts about %s\n", person(0).c_str());
    return 1;
  }
  std::mt19937_64 rng(17);
  std::vector<double> slot_ms, entity_ms;
  for (int i = 0; i < 1000; ++i) {
    const std::string who = person(rng() % people);
    auto t = Clock::now();
    const auto one = f.state(who, "employer");
    slot_ms.push_back(ms_since(t));
    t = Clock::now();
    const auto every = f.state(who);
    entity_ms.push_back(ms_since(t));
    if (one.size() != 1 || one[0].value != "Globex Group" || every.size() != 2) {
      std::fprintf(stderr, "wrong answer for %s\n", who.c_str());
      return 1;
    }
  }
  std::printf("%zu facts about %zu people in %zu frames (built in %.1f s)\n\n", people * 4, people, people * 2,
              build_ms / 1000);
  std::printf("| in-process (handle open) | p50 | p99 |\n|---|---:|---:|\n");
  std::printf("| state(entity, \"employer\") | %.3f ms | %.3f ms |\n", percentile(slot_ms, 0.5), percentile(slot_ms, 0.99));
  std::printf("| state(entity) | %.3f ms | %.3f ms |\n", percentile(entity_ms, 0.5), percentile(entity_ms, 0.99));
  if (!cli.empty()) {
    const std::string e = "'" + person(people / 2) + "'";
    std::printf("\n| CLI process | median of 11 |\n|---|---:|\n");
    std::printf("| `state -e E -s employer` | %.2f ms |\n", cli_median(cli + " state " + path + " -e " + e + " -s employer"));
    std::printf("| `facts -e E --history` | %.2f ms |\n", cli_median(cli + " facts " + path + " -e " + e + " --history"));
    std::printf("| `memories --entity E` | %.2f ms |\n", cli_median(cli + " memories " + path + " --entity " + e));
    std::printf("| `version` (process start) | %.2f ms |\n", cli_median(cli + " version"));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
