// Throughput of the built-in embedding provider on one thread, and its model's load time.
//
//   memvid_embed_bench [--model PATH] [--corpus DIR] [--bytes 1024] [--runs 7] [--loads 20]
//
// Documents: the SciFact abstracts (corpus.jsonl) of at least --bytes bytes, each cut to
// --bytes at a word boundary, with its title. Each run embeds all of them through
// EmbeddingProvider::embed_documents in batches of 256 and prints documents/s; the median of
// the runs is the result. Loads: builtin_embedding_provider(path) repeated on a warm page
// cache (open, map, verify every checksum, validate).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.hpp"
#include "embed/word_model.hpp"
#include "memvid/embedding.hpp"

#ifndef MEMVID_EVAL_CORPUS_DEFAULT
#define MEMVID_EVAL_CORPUS_DEFAULT "../shared/eval/scifact"
#endif

int main(int argc, char** argv) {
  std::string model_path, corpus = MEMVID_EVAL_CORPUS_DEFAULT;
  std::size_t bytes = 1024, runs = 7, loads = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << arg << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--model") model_path = value();
    else if (arg == "--corpus") corpus = value();
    else if (arg == "--bytes") bytes = std::stoul(value());
    else if (arg == "--runs") runs = std::stoul(value());
    else if (arg == "--loads") loads = std::stoul(value());
    else {
      std::cerr << "usage: memvid_embed_bench [--model PATH] [--corpus DIR] [--bytes N] [--runs N] [--loads N]\n";
      return 2;
    }
  }
  try {
    if (model_path.empty()) model_path = memvid::find_builtin_model();
    if (model_path.empty()) {
      std::cerr << "memvid_embed_bench: the built-in model is not installed (scripts/install-model.sh); or pass --model\n";
      return 1;
    }
    std::vector<double> load_ms, first_query_ms, whole_ms;
    std::shared_ptr<memvid::EmbeddingProvider> provider;
    for (std::size_t i = 0; i < std::max<std::size_t>(loads, 1); ++i) {
      provider.reset();
      const auto t0 = bench::Clock::now();
      provider = memvid::builtin_embedding_provider(model_path);
      load_ms.push_back(bench::ms_since(t0));
      // What a CLI query pays: the load, then one query's look-ups (each block checked once).
      (void)provider->embed_query("how do I restore a backup of my notes");
      first_query_ms.push_back(bench::ms_since(t0));
      const auto t1 = bench::Clock::now();
      (void)memvid::embed::WordModel::open(model_path, memvid::embed::ModelCheck::Whole);
      whole_ms.push_back(bench::ms_since(t1));
    }
    std::printf("load %s: median %.2f ms, min %.2f ms, max %.2f ms (%zu loads)\n", model_path.c_str(),
                bench::percentile(load_ms, 50), bench::percentile(load_ms, 0), bench::percentile(load_ms, 100), load_ms.size());
    std::printf("load and one query: median %.2f ms; whole check (install): median %.2f ms\n",
                bench::percentile(first_query_ms, 50), bench::percentile(whole_ms, 50));

    std::vector<std::string> titles, texts;
    const std::string data = bench::read_file_bytes(corpus + "/corpus.jsonl");
    std::size_t total = 0;
    for (auto line : bench::split_lines(data)) {
      const auto j = nlohmann::json::parse(line);
      std::string text = j.value("text", "");
      if (text.size() < bytes) continue;
      std::size_t cut = text.rfind(' ', bytes);
      if (cut == std::string::npos || cut == 0) cut = bytes;
      text.resize(cut);
      total += text.size();
      texts.push_back(std::move(text));
      titles.push_back(j.value("title", ""));
    }
    if (texts.empty()) throw std::runtime_error("no document of " + std::to_string(bytes) + " bytes in " + corpus);
    std::vector<memvid::EmbeddingText> docs;
    for (std::size_t i = 0; i < texts.size(); ++i) docs.push_back({titles[i], texts[i]});
    std::printf("%zu documents, text %.0f bytes on average (titles besides)\n", docs.size(),
                static_cast<double>(total) / static_cast<double>(docs.size()));

    std::vector<double> rates;
    double checksum = 0;
    for (std::size_t r = 0; r < std::max<std::size_t>(runs, 1); ++r) {
      const auto t0 = bench::Clock::now();
      for (std::size_t i = 0; i < docs.size(); i += 256) {
        const std::size_t n = std::min<std::size_t>(256, docs.size() - i);
        const auto vecs = provider->embed_documents(std::span<const memvid::EmbeddingText>(docs.data() + i, n));
        checksum += vecs.front()[0];
      }
      const double s = bench::ms_since(t0) / 1000.0;
      rates.push_back(static_cast<double>(docs.size()) / s);
      std::printf("run %zu: %.0f documents/s\n", r + 1, rates.back());
    }
    std::printf("median %.0f documents/s on one thread (%s, dimension %u; checksum %.3f)\n", bench::percentile(rates, 50),
                provider->model().c_str(), provider->dimension(), checksum);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memvid_embed_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
