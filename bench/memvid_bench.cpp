// In-process microbenchmarks of the public API (see bench/README.md).
//
//   BM_WalAppend       one put() of a ~700-byte document per iteration on an open handle
//                      (per-record time of the WAL append; checkpoints that fall inside the
//                      loop are amortised into it).
//   BM_PutMany         put_many() of the first N corpus documents into a new memory, plus
//                      close(): documents per second and file size / raw text bytes.
//   BM_PutCloseInto    open(), put() of one document, close() on a memory that already holds
//                      0 or 50K frames: what one CLI `put` process does, minus process start.
//   BM_OpenReadOnly    open_read_only() + frame_count() (+ the handle's destruction) on a
//                      memory of 1K or 50K frames. The page cache is warm: nothing is dropped.
//
// Files live in a fresh directory under $TMPDIR (default /tmp), removed at exit. The corpus
// is $MEMVID_BENCH_CORPUS or the path compiled in (a .jsonl.zst is read through `zstd -dc`).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.hpp"
#include "memvid/memvid.hpp"

#ifndef MEMVID_BENCH_CORPUS_DEFAULT
#define MEMVID_BENCH_CORPUS_DEFAULT "../shared/bench/corpus50k.jsonl.zst"
#endif

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Environment: scratch directory and corpus.

const fs::path& scratch_dir() {
  static const fs::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/memvid_bench.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    return fs::path(buf.data());
  }();
  return dir;
}

std::string scratch_file(const std::string& name) {
  static int counter = 0;
  return (scratch_dir() / (name + "_" + std::to_string(counter++) + ".mv2")).string();
}

std::string corpus_path() {
  const char* env = std::getenv("MEMVID_BENCH_CORPUS");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(MEMVID_BENCH_CORPUS_DEFAULT);
}


// All corpus documents, as Documents, loaded once. Throws if the corpus cannot be read.
const std::vector<memvid::Document>& corpus() {
  static const std::vector<memvid::Document> docs = [] {
    const std::string data = bench::read_file_bytes(corpus_path());
    std::vector<memvid::Document> out;
    out.reserve(50000);
    std::size_t pos = 0;
    while (pos < data.size()) {
      std::size_t end = data.find('\n', pos);
      if (end == std::string::npos) end = data.size();
      if (end > pos) {
        const auto j = nlohmann::json::parse(data.begin() + static_cast<std::ptrdiff_t>(pos),
                                             data.begin() + static_cast<std::ptrdiff_t>(end));
        memvid::Document d;
        d.payload = j.value("text", std::string());
        d.title = j.value("title", std::string());
        d.uri = j.value("uri", std::string());
        out.push_back(std::move(d));
      }
      pos = end + 1;
    }
    return out;
  }();
  return docs;
}

// The first n corpus documents (a prefix: the standard 1K/10K/50K subsets).
const std::vector<memvid::Document>& corpus_prefix(std::size_t n) {
  static std::map<std::size_t, std::vector<memvid::Document>> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  const auto& all = corpus();
  if (all.size() < n) {
    throw std::runtime_error("corpus has " + std::to_string(all.size()) + " documents, need " +
                             std::to_string(n));
  }
  return cache.emplace(n, std::vector<memvid::Document>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n)))
      .first->second;
}

std::uint64_t raw_bytes(const std::vector<memvid::Document>& docs) {
  std::uint64_t total = 0;
  for (const auto& d : docs) total += d.payload.size();
  return total;
}

// Up to 256 corpus documents of 600..800 bytes of text (~700 on average), used as the
// single-document payloads; synthetic 700-byte texts if the corpus is unavailable.
const std::vector<memvid::Document>& small_docs() {
  static const std::vector<memvid::Document> docs = [] {
    std::vector<memvid::Document> out;
    try {
      for (const auto& d : corpus()) {
        if (d.payload.size() >= 600 && d.payload.size() <= 800) out.push_back(d);
        if (out.size() == 256) break;
      }
    } catch (const std::exception& e) {
      std::cerr << "memvid_bench: " << e.what() << "; using synthetic 700-byte documents\n";
    }
    for (std::size_t i = 0; out.size() < 16; ++i) {
      memvid::Document d;
      d.title = "synthetic " + std::to_string(i);
      d.uri = "mv2://bench/synthetic/" + std::to_string(i);
      while (d.payload.size() < 700) {
        d.payload += "Record " + std::to_string(i) +
                     ": the quick brown fox jumps over the lazy dog near the river bank. ";
      }
      d.payload.resize(700);
      out.push_back(std::move(d));
    }
    return out;
  }();
  return docs;
}

// A memory holding the first n corpus documents, built once per n (put_many + close).
// Later benchmarks may append a few frames to it.
const std::string& base_memory(std::size_t n) {
  static std::map<std::size_t, std::string> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  const std::string path = scratch_file("base" + std::to_string(n));
  memvid::CreateOptions options;
  options.open.sync = memvid::SyncMode::Off;  // building the fixture: durability is moot
  auto m = memvid::Memvid::create(path, options);
  if (n > 0) m.put_many(corpus_prefix(n));
  m.close();
  return cache.emplace(n, path).first->second;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------------------------
// (a) WAL append: one put() per iteration on an open handle.

void BM_WalAppend(benchmark::State& state, memvid::SyncMode sync) {
  const auto& docs = small_docs();
  const std::string path = scratch_file("wal_append");
  memvid::CreateOptions options;
  options.open.sync = sync;
  auto m = memvid::Memvid::create(path, options);
  std::size_t i = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    const auto& d = docs[i++ % docs.size()];
    benchmark::DoNotOptimize(m.put(d));
    bytes += static_cast<std::int64_t>(d.payload.size());
  }
  const auto st = m.stats();
  m.close();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  state.counters["doc_bytes"] = static_cast<double>(bytes) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["checkpoints"] = static_cast<double>(st.generation);
  fs::remove(path);
}

// ---------------------------------------------------------------------------------------------
// (b) put_many throughput: the first N corpus documents into a new memory (one transaction),
// then close(). create() and the file removal are not timed.

void BM_PutMany(benchmark::State& state, std::size_t n) {
  const std::vector<memvid::Document>* docs = nullptr;
  try {
    docs = &corpus_prefix(n);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const std::uint64_t raw = raw_bytes(*docs);
  std::uint64_t file_bytes = 0;
  for (auto _ : state) {
    const std::string path = scratch_file("put_many");
    auto m = memvid::Memvid::create(path);  // SyncMode::Full, as the CLI's default
    const auto start = Clock::now();
    m.put_many(*docs);
    m.close();
    state.SetIterationTime(seconds_since(start));
    file_bytes = fs::file_size(path);
    fs::remove(path);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(raw));
  state.counters["file_MB"] = static_cast<double>(file_bytes) / 1e6;
  state.counters["file_per_raw"] = static_cast<double>(file_bytes) / static_cast<double>(raw);
}

// ---------------------------------------------------------------------------------------------
// (c) One CLI-like put: open(), put(), close() into a memory of 0 or 50K frames. The empty
// memory is re-created (untimed) before every iteration; the 50K memory grows by one frame
// per iteration (negligible next to 50K).

void BM_PutCloseInto(benchmark::State& state, std::size_t base, memvid::SyncMode sync) {
  memvid::OpenOptions options;
  options.sync = sync;
  std::string path;
  try {
    if (base > 0) path = base_memory(base);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const auto& docs = small_docs();
  std::size_t i = 0;
  std::uint64_t growth = 0;
  double open_s = 0;
  double put_s = 0;
  double close_s = 0;
  for (auto _ : state) {
    if (base == 0) {
      if (!path.empty()) fs::remove(path);
      path = scratch_file("empty");
      memvid::Memvid::create(path).close();
    }
    const std::uint64_t before = fs::file_size(path);
    const auto start = Clock::now();
    auto m = memvid::Memvid::open(path, options);
    const auto opened = Clock::now();
    m.put(docs[i++ % docs.size()]);
    const auto put_done = Clock::now();
    m.close();
    const auto end = Clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    open_s += std::chrono::duration<double>(opened - start).count();
    put_s += std::chrono::duration<double>(put_done - opened).count();
    close_s += std::chrono::duration<double>(end - put_done).count();
    growth += fs::file_size(path) - before;
  }
  if (base == 0 && !path.empty()) fs::remove(path);
  const double iters = static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["growth_bytes"] = static_cast<double>(growth) / iters;
  // Mean split of the timed work, in microseconds.
  state.counters["open_us"] = open_s * 1e6 / iters;
  state.counters["put_us"] = put_s * 1e6 / iters;
  state.counters["close_us"] = close_s * 1e6 / iters;
}

// ---------------------------------------------------------------------------------------------
// (d) Open for reading: open_read_only() + frame_count(), handle destroyed inside the loop.
// Warm page cache (nothing is dropped): this is the library's own open cost.

void BM_OpenReadOnly(benchmark::State& state, std::size_t n) {
  std::string path;
  try {
    path = base_memory(n);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  std::uint64_t frames = 0;
  for (auto _ : state) {
    auto m = memvid::Memvid::open_read_only(path);
    frames = m.frame_count();
    benchmark::DoNotOptimize(frames);
  }
  state.counters["frames"] = static_cast<double>(frames);
  state.counters["file_MB"] = static_cast<double>(fs::file_size(path)) / 1e6;
}

// Registered by name, with the parameters bound, so the output reads
// BM_WalAppend/sync:Off rather than BM_WalAppend/2.
void register_benchmarks() {
  using benchmark::RegisterBenchmark;
  using memvid::SyncMode;
  const std::pair<const char*, SyncMode> syncs[] = {
      {"Off", SyncMode::Off}, {"Normal", SyncMode::Normal}, {"Full", SyncMode::Full}};
  for (const auto& [name, mode] : syncs) {
    auto* b = RegisterBenchmark((std::string("BM_WalAppend/sync:") + name).c_str(), BM_WalAppend, mode)
                  ->Unit(benchmark::kMicrosecond);
    // An fsync per record is slow: a fixed, small count keeps the run short.
    if (mode == SyncMode::Full) {
      b->Iterations(200);
    } else {
      b->MinTime(1.0);
    }
  }
  for (const std::size_t n : {10000, 50000}) {
    RegisterBenchmark(("BM_PutMany/docs:" + std::to_string(n)).c_str(), BM_PutMany, n)
        ->Iterations(n >= 50000 ? 3 : 5)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  for (const auto& [name, mode] : {syncs[0], syncs[2]}) {
    for (const std::size_t frames : {0, 50000}) {
      RegisterBenchmark(("BM_PutCloseInto/frames:" + std::to_string(frames) + "/sync:" + name).c_str(),
                        BM_PutCloseInto, frames, mode)
          ->Iterations(100)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
  for (const std::size_t frames : {1000, 50000}) {
    RegisterBenchmark(("BM_OpenReadOnly/frames:" + std::to_string(frames)).c_str(), BM_OpenReadOnly, frames)
        ->MinTime(0.5)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("corpus", corpus_path());
  benchmark::AddCustomContext("scratch_dir", scratch_dir().string());
  benchmark::AddCustomContext("page_cache", "warm (nothing dropped)");
  int rc = 0;
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::cerr << "memvid_bench: " << e.what() << "\n";
    rc = 1;
  }
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(scratch_dir(), ec);
  return rc;
}
