// Retrieval quality of the built-in sentence encoder alone (semantic search, no BM25) on BEIR
// SciFact: every abstract is encoded (title, text), every claim is encoded as a query, and
// documents are ranked by exact cosine over the whole collection.
//
//   memvid_eval_embed [--model PATH] [--corpus DIR] [--out RUN_FILE] [--score PATH]
//                     [--sif-a A] [--title-repeat N] [--stop-words none|lucene|extended]
//                     [--no-stem-fallback] [--hyphen-compounds] [--remove-doc-pc N] [--variants]
//
// Prints the model's load time, nDCG@10, Recall@100 and MRR@10 computed here (the
// definitions of ../shared/eval/score.py), writes a TREC run file (top 100) and runs score.py
// on it. --variants instead evaluates a fixed list of encoder variants (the defaults, then one
// change at a time) and prints one line each; no run file.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.hpp"
#include "embed/all_but_the_top.hpp"
#include "embed/sentence_encoder.hpp"
#include "embed/word_model.hpp"
#include "memvid/embedding.hpp"

#ifndef MEMVID_EVAL_CORPUS_DEFAULT
#define MEMVID_EVAL_CORPUS_DEFAULT "../shared/eval/scifact"
#endif

namespace {

using memvid::embed::EncoderOptions;
using memvid::embed::SentenceEncoder;
using memvid::embed::StopWords;

struct Doc {
  std::string id, title, text;
};
struct Query {
  std::string id, text;
};
struct Metrics {
  double ndcg10 = 0, recall100 = 0, mrr10 = 0;
};

[[noreturn]] void usage(const std::string& msg) {
  if (!msg.empty()) std::cerr << "memvid_eval_embed: " << msg << "\n";
  std::cerr << "usage: memvid_eval_embed [--model PATH] [--corpus DIR] [--out RUN_FILE] [--score PATH]\n"
               "                         [--sif-a A] [--title-repeat N] [--stop-words none|lucene|extended]\n"
               "                         [--no-stem-fallback] [--hyphen-compounds] [--variants]\n";
  std::exit(2);
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  const std::string data = bench::read_file_bytes(path);
  std::vector<nlohmann::json> out;
  for (auto line : bench::split_lines(data)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// Ranked document indices (best first, ties by corpus order) for every query, k each.
std::vector<std::vector<std::pair<float, std::uint32_t>>> rank_all(const SentenceEncoder& enc, const std::vector<Doc>& docs,
                                                                    const std::vector<Query>& queries, std::size_t k,
                                                                    std::size_t remove_pc = 0) {
  const std::size_t dim = enc.dimension();
  std::vector<float> dv(docs.size() * dim);
  for (std::size_t i = 0; i < docs.size(); ++i)
    enc.encode(docs[i].title, docs[i].text, std::span<float>(dv.data() + i * dim, dim));
  // Optionally the collection-level step of the SIF paper: remove the documents' first
  // (uncentred) principal directions from documents and queries alike.
  memvid::embed::RemovedDirections pcs;
  auto unit = [](float* v, std::size_t n) {
    double s = 0;
    for (std::size_t j = 0; j < n; ++j) s += static_cast<double>(v[j]) * v[j];
    if (s > 0)
      for (std::size_t j = 0; j < n; ++j) v[j] = static_cast<float>(v[j] / std::sqrt(s));
  };
  if (remove_pc > 0) {
    pcs = memvid::embed::all_but_the_top(dv, docs.size(), dim, remove_pc, false);
    for (std::size_t i = 0; i < docs.size(); ++i) unit(dv.data() + i * dim, dim);
  }
  std::vector<std::vector<std::pair<float, std::uint32_t>>> out;
  std::vector<std::pair<float, std::uint32_t>> scored(docs.size());
  for (const auto& q : queries) {
    std::vector<float> qv = enc.encode_query(q.text);
    for (const auto& u : pcs.directions) {
      double dot = 0;
      for (std::size_t j = 0; j < dim; ++j) dot += u[j] * qv[j];
      for (std::size_t j = 0; j < dim; ++j) qv[j] = static_cast<float>(qv[j] - dot * u[j]);
    }
    unit(qv.data(), dim);
    for (std::size_t i = 0; i < docs.size(); ++i) {
      float s = 0;
      for (std::size_t j = 0; j < dim; ++j) s += qv[j] * dv[i * dim + j];
      scored[i] = {s, static_cast<std::uint32_t>(i)};
    }
    const std::size_t top = std::min(k, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(top), scored.end(),
                      [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    out.emplace_back(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(top));
  }
  return out;
}

Metrics score(const std::vector<std::vector<std::pair<float, std::uint32_t>>>& ranked, const std::vector<Doc>& docs,
              const std::vector<Query>& queries, const std::map<std::string, std::map<std::string, int>>& qrels) {
  std::unordered_map<std::string, std::size_t> query_index;
  for (std::size_t i = 0; i < queries.size(); ++i) query_index[queries[i].id] = i;
  Metrics m;
  std::size_t n = 0;
  for (const auto& [qid, rels] : qrels) {
    std::vector<int> ideal;
    std::size_t relevant = 0;
    for (const auto& [d, r] : rels) {
      if (r > 0) {
        ideal.push_back(r);
        ++relevant;
      }
    }
    if (relevant == 0) continue;
    ++n;
    auto it = query_index.find(qid);
    if (it == query_index.end()) continue;
    const auto& list = ranked[it->second];
    double dcg = 0, idcg = 0, mrr = 0;
    std::size_t found100 = 0;
    for (std::size_t r = 0; r < list.size(); ++r) {
      auto rel = rels.find(docs[list[r].second].id);
      const int g = rel == rels.end() ? 0 : rel->second;
      if (g <= 0) continue;
      if (r < 10) dcg += g / std::log2(static_cast<double>(r) + 2);
      if (r < 10 && mrr == 0) mrr = 1.0 / static_cast<double>(r + 1);
      if (r < 100) ++found100;
    }
    std::sort(ideal.rbegin(), ideal.rend());
    for (std::size_t r = 0; r < ideal.size() && r < 10; ++r) idcg += ideal[r] / std::log2(static_cast<double>(r) + 2);
    m.ndcg10 += dcg / idcg;
    m.recall100 += static_cast<double>(found100) / static_cast<double>(relevant);
    m.mrr10 += mrr;
  }
  if (n > 0) {
    m.ndcg10 /= static_cast<double>(n);
    m.recall100 /= static_cast<double>(n);
    m.mrr10 /= static_cast<double>(n);
  }
  return m;
}

StopWords parse_stop_words(const std::string& s) {
  if (s == "none") return StopWords::None;
  if (s == "lucene") return StopWords::Lucene;
  if (s == "extended") return StopWords::Extended;
  usage("--stop-words takes none, lucene or extended");
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, corpus = MEMVID_EVAL_CORPUS_DEFAULT, out = "run-embed.trec", scorer;
  EncoderOptions options;
  std::size_t remove_pc = 0;
  bool variants = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + arg);
      return argv[++i];
    };
    if (arg == "--model") model_path = value();
    else if (arg == "--corpus") corpus = value();
    else if (arg == "--out") out = value();
    else if (arg == "--score") scorer = value();
    else if (arg == "--sif-a") options.sif_a = std::stod(value());
    else if (arg == "--title-repeat") options.title_repeat = static_cast<std::uint32_t>(std::stoul(value()));
    else if (arg == "--stop-words") options.stop_words = parse_stop_words(value());
    else if (arg == "--no-stem-fallback") options.stem_fallback = false;
    else if (arg == "--hyphen-compounds") options.hyphen_compounds = true;
    else if (arg == "--remove-doc-pc") remove_pc = std::stoul(value());
    else if (arg == "--variants") variants = true;
    else usage("unknown argument " + arg);
  }
  if (scorer.empty()) scorer = corpus + "/../score.py";
  try {
    if (model_path.empty()) model_path = memvid::find_builtin_model();
    if (model_path.empty()) usage("the built-in model is not installed (scripts/install-model.sh); or pass --model");
    auto t0 = bench::Clock::now();
    auto model = memvid::embed::WordModel::open(model_path);
    std::printf("model %s: %u words x %u, '%s', loaded in %.2f ms\n", model_path.c_str(), model->size(), model->dimension(),
                std::string(model->name()).c_str(), bench::ms_since(t0));

    std::vector<Doc> docs;
    for (const auto& j : read_jsonl(corpus + "/corpus.jsonl"))
      docs.push_back({j.at("id").get<std::string>(), j.value("title", ""), j.value("text", "")});
    std::vector<Query> queries;
    for (const auto& j : read_jsonl(corpus + "/queries.jsonl")) queries.push_back({j.at("id").get<std::string>(), j.at("text").get<std::string>()});
    std::map<std::string, std::map<std::string, int>> qrels;
    const std::string qrels_data = bench::read_file_bytes(corpus + "/qrels.tsv");
    for (auto line : bench::split_lines(qrels_data)) {
      const std::string l(line);
      const auto a = l.find('\t'), b = l.find('\t', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      try {
        qrels[l.substr(0, a)][l.substr(a + 1, b - a - 1)] = std::stoi(l.substr(b + 1));
      } catch (const std::exception&) {  // a header line
      }
    }
    // Only judged queries matter for the scores; encoding the rest would only cost time.
    std::vector<Query> judged;
    for (const auto& q : queries)
      if (qrels.count(q.id)) judged.push_back(q);
    std::printf("%zu documents, %zu judged queries\n", docs.size(), judged.size());

    if (variants) {
      struct Variant {
        const char* name;
        EncoderOptions o;
      };
      std::vector<Variant> list;
      const EncoderOptions d = options;
      list.push_back({"defaults (SIF a=1e-5, lucene stop-words, title x2, stem fallback, no hyphen compounds)", d});
      auto with = [&](const char* name, auto change) {
        EncoderOptions o = d;
        change(o);
        list.push_back({name, o});
      };
      with("issue recipe (a=1e-4, hyphen compounds)", [](EncoderOptions& o) {
        o.sif_a = 1e-4;
        o.hyphen_compounds = true;
      });
      with("plain mean (weight 1, no stop-words, title x1, no fallback)", [](EncoderOptions& o) {
        o.sif_a = 0;
        o.stop_words = StopWords::None;
        o.title_repeat = 1;
        o.stem_fallback = false;
      });
      with("SIF a=1e-3", [](EncoderOptions& o) { o.sif_a = 1e-3; });
      with("SIF a=1e-4", [](EncoderOptions& o) { o.sif_a = 1e-4; });
      with("SIF a=3e-5", [](EncoderOptions& o) { o.sif_a = 3e-5; });
      with("SIF a=3e-6", [](EncoderOptions& o) { o.sif_a = 3e-6; });
      with("SIF a=1e-6", [](EncoderOptions& o) { o.sif_a = 1e-6; });
      with("stop-words none", [](EncoderOptions& o) { o.stop_words = StopWords::None; });
      with("stop-words extended", [](EncoderOptions& o) { o.stop_words = StopWords::Extended; });
      with("title x1", [](EncoderOptions& o) { o.title_repeat = 1; });
      with("title x3", [](EncoderOptions& o) { o.title_repeat = 3; });
      with("no stem fallback", [](EncoderOptions& o) { o.stem_fallback = false; });
      with("hyphen compounds", [](EncoderOptions& o) { o.hyphen_compounds = true; });
      for (const auto& v : list) {
        const SentenceEncoder enc(model, v.o);
        const auto ranked = rank_all(enc, docs, judged, 100, remove_pc);
        const Metrics m = score(ranked, docs, judged, qrels);
        std::printf("nDCG@10 %.4f  R@100 %.4f  MRR@10 %.4f  %s\n", m.ndcg10, m.recall100, m.mrr10, v.name);
      }
      return 0;
    }

    const SentenceEncoder enc(model, options);
    t0 = bench::Clock::now();
    const auto ranked = rank_all(enc, docs, judged, 100, remove_pc);
    const double ms = bench::ms_since(t0);
    const Metrics m = score(ranked, docs, judged, qrels);
    std::printf("encode + exact search: %.0f ms\nnDCG@10 %.4f  Recall@100 %.4f  MRR@10 %.4f (computed here)\n", ms, m.ndcg10,
                m.recall100, m.mrr10);
    FILE* f = std::fopen(out.c_str(), "w");
    if (f == nullptr) usage("cannot write " + out);
    for (std::size_t q = 0; q < judged.size(); ++q) {
      for (std::size_t r = 0; r < ranked[q].size(); ++r)
        std::fprintf(f, "%s Q0 %s %zu %.6f memvid-embed\n", judged[q].id.c_str(), docs[ranked[q][r].second].id.c_str(), r + 1,
                     static_cast<double>(ranked[q][r].first));
    }
    std::fclose(f);
    std::printf("run file %s; score.py says:\n", out.c_str());
    std::fflush(stdout);
    const std::string cmd = "python3 " + bench::shell_quote(scorer) + " " + bench::shell_quote(out) + " " +
                            bench::shell_quote(corpus + "/qrels.tsv");
    return std::system(cmd.c_str()) == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memvid_eval_embed: %s\n", e.what());
    return 1;
  }
}
