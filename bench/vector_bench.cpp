// Vector index benchmark (see bench/README.md, "Vector search"): real embeddings from the
// built-in model, at 50K and 200K vectors.
//
//   memvid_vector_bench [--corpus PATH] [--sizes 50000,200000] [--reps N] [--build-reps N]
//                       [--ef LIST] [--nprobe LIST] [--held-out N] [--skip-e2e] [--e2e-only]
//                       [--ingest-runs N] [--json OUT] [--model PATH] [--mix PATH] [--scifact DIR]
//
// Vectors. 50K: each corpus document embedded with EmbeddingProvider::embed_documents (title,
// text), as put_many does. 200K: passages of the same documents: each text split into
// paragraphs at blank lines, each paragraph into sentences (after . ! ? followed by white
// space, and at line breaks), consecutive sentences of one document joined (with a space)
// until a passage has at least 60 bytes (a document's remainder is a passage of its own),
// so passages may span paragraphs but never documents; exact duplicate
// passages dropped (man pages repeat themselves), and passages that embed to the zero
// vector (no known word) skipped; the first 200K in corpus order form the index, embedded
// with no title.
//
// Queries (embed_query, L2-normalized), none of them an indexed vector: the last --held-out
// (default 1,000) distinct passages (not among the 200K), the 300 queries of
// bench/queries/mix.txt and the 300 SciFact claims.
//
// Per size, three segments built with encode_vec_segment (one thread, as at checkpoint):
// Flat (exact scan), Hnsw (VecBuildOptions' default M and efConstruction) and IvfPq (compress).
// For each: build time (median of --build-reps; the bytes are compared across builds),
// segment bytes and the ratio to N x dim x 4 float bytes, VecSegment::open time (from an
// in-memory source: includes copying and validating every byte), query p50/p99 over --reps
// passes of every query (k = 10, no filter), and recall@10 against Flat. HNSW over a sweep of
// ef_search, IvfPq over a sweep of nprobe (VecSearchOptions' defaults are marked "(default)"),
// raw (PQ scores) and re-ranked as find does (the top 100 by PQ score re-scored with the
// exact floats). --hnsw-variants adds HNSW builds with other M / efConstruction.
//
// Then end to end through the public API at 50K (unless --skip-e2e): put_many of the 50K
// documents into a fresh memory and seal(), with the built-in model, with
// embedding_model "none", and with the built-in model and vector_compression (median of
// --ingest-runs); file size and file / raw text; then Memvid::find (k 10, 200-character
// snippets) in Lex, Sem and Auto modes on those memories, and find(Sem)'s recall@10 against
// the exact neighbours of the same vectors.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.hpp"
#include "index/lex/lex_segment.hpp"
#include "index/vec/vec_format.hpp"
#include "index/vec/vec_segment.hpp"
#include "index/vec/vector_index.hpp"
#include "memvid/embedding.hpp"
#include "memvid/memvid.hpp"

#ifndef MEMVID_BENCH_CORPUS_DEFAULT
#define MEMVID_BENCH_CORPUS_DEFAULT "../shared/bench/corpus50k.jsonl.zst"
#endif
#ifndef MEMVID_BENCH_QUERIES_DEFAULT
#define MEMVID_BENCH_QUERIES_DEFAULT "bench/queries/mix.txt"
#endif
#ifndef MEMVID_EVAL_CORPUS_DEFAULT
#define MEMVID_EVAL_CORPUS_DEFAULT "../shared/eval/scifact"
#endif

namespace {

namespace ix = memvid::index;
using json = nlohmann::json;

constexpr std::size_t kK = 10;
constexpr std::size_t kPassageMinBytes = 60;

struct Args {
  std::string corpus = MEMVID_BENCH_CORPUS_DEFAULT;
  std::string mix = MEMVID_BENCH_QUERIES_DEFAULT;
  std::string scifact = MEMVID_EVAL_CORPUS_DEFAULT;
  std::string model;  // "" = find_builtin_model()
  std::string json_out;
  std::vector<std::size_t> sizes = {50000, 200000};
  std::vector<std::size_t> efs = {16, 32, 64, 128, 256, 512};
  std::vector<std::size_t> nprobes = {4, 8, 16, 32, 64, 128};
  std::vector<std::pair<int, int>> hnsw_variants;  // extra HNSW builds: (M, efConstruction)
  std::size_t reps = 3;
  std::size_t build_reps = 3;
  std::size_t held_out = 1000;
  std::size_t ingest_runs = 3;
  bool e2e = true;
  bool segments = true;
  std::string export_dir;        // --export: write vectors for bench/compare_find.py and stop
  std::size_t export_docs = 1000;
};

[[noreturn]] void usage(const std::string& msg) {
  if (!msg.empty()) std::cerr << "memvid_vector_bench: " << msg << "\n";
  std::cerr
      << "usage: memvid_vector_bench [--corpus PATH] [--sizes LIST] [--reps N] [--build-reps N] [--ef LIST]\n"
         "                           [--nprobe LIST] [--held-out N] [--skip-e2e] [--e2e-only] [--ingest-runs N]\n"
         "                           [--json OUT] [--model PATH] [--mix PATH] [--scifact DIR]\n"
         "  --sizes LIST       index sizes (default 50000,200000; 50000 = the documents, more = passages)\n"
         "  --reps N           timed passes over the queries per index setting (default 3)\n"
         "  --build-reps N     builds of each segment (default 3; median time)\n"
         "  --ef LIST          HNSW ef_search sweep (default 16,32,64,128,256,512)\n"
         "  --nprobe LIST      IVF-PQ nprobe sweep (default 4,8,16,32,64,128)\n"
         "  --hnsw-variants L  extra HNSW builds, M:efConstruction pairs (e.g. 32:100,32:200), each\n"
         "                     built once and searched at every --ef (default none)\n"
         "  --held-out N       held-out passages used as queries (default 1000)\n"
         "  --skip-e2e         no end-to-end part (Memvid put_many / find)\n"
         "  --e2e-only         only the end-to-end part\n"
         "  --ingest-runs N    put_many runs per configuration (default 3; median)\n"
         "  --json OUT         write every figure as JSON\n"
         "  --export DIR       only write DIR/docs.jsonl (the first --export-docs documents: title,\n"
         "                     text, uri, embedding, embedding_model; unit vectors) and DIR/queries.jsonl\n"
         "                     (set, text, find_text, vector), for bench/compare_find.py --mode sem\n"
         "  --export-docs N    documents to export (default 1000)\n";
  std::exit(2);
}

std::vector<std::size_t> parse_list(const std::string& s) {
  std::vector<std::size_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(std::stoul(item));
  }
  return out;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + arg);
      return argv[++i];
    };
    if (arg == "--corpus") {
      a.corpus = value();
    } else if (arg == "--mix") {
      a.mix = value();
    } else if (arg == "--scifact") {
      a.scifact = value();
    } else if (arg == "--model") {
      a.model = value();
    } else if (arg == "--json") {
      a.json_out = value();
    } else if (arg == "--sizes") {
      a.sizes = parse_list(value());
    } else if (arg == "--ef") {
      a.efs = parse_list(value());
    } else if (arg == "--nprobe") {
      a.nprobes = parse_list(value());
    } else if (arg == "--hnsw-variants") {
      std::stringstream ss(value());
      std::string item;
      while (std::getline(ss, item, ',')) {
        const auto colon = item.find(':');
        if (colon == std::string::npos) usage("--hnsw-variants takes M:efConstruction pairs");
        a.hnsw_variants.emplace_back(std::stoi(item.substr(0, colon)), std::stoi(item.substr(colon + 1)));
      }
    } else if (arg == "--reps") {
      a.reps = std::max<std::size_t>(1, std::stoul(value()));
    } else if (arg == "--build-reps") {
      a.build_reps = std::max<std::size_t>(1, std::stoul(value()));
    } else if (arg == "--held-out") {
      a.held_out = std::stoul(value());
    } else if (arg == "--ingest-runs") {
      a.ingest_runs = std::max<std::size_t>(1, std::stoul(value()));
    } else if (arg == "--export") {
      a.export_dir = value();
    } else if (arg == "--export-docs") {
      a.export_docs = std::stoul(value());
    } else if (arg == "--skip-e2e") {
      a.e2e = false;
    } else if (arg == "--e2e-only") {
      a.segments = false;
    } else if (arg == "--help" || arg == "-h") {
      usage("");
    } else {
      usage("unknown argument " + arg);
    }
  }
  return a;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "?";
}

struct Doc {
  std::string title, text, uri;
};

// Sentences of a paragraph: cut after . ! ? followed by white space, and at line breaks.
std::vector<std::string> sentences(std::string_view para) {
  std::vector<std::string> out;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    std::string_view s = para.substr(start, end - start);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (!s.empty()) out.emplace_back(s);
  };
  for (std::size_t i = 0; i < para.size(); ++i) {
    const char c = para[i];
    if (c == '\n') {
      flush(i);
      start = i + 1;
    } else if ((c == '.' || c == '!' || c == '?') && i + 1 < para.size() &&
               std::isspace(static_cast<unsigned char>(para[i + 1]))) {
      flush(i + 1);
      start = i + 1;
    }
  }
  flush(para.size());
  return out;
}

// Passages of a document text (see the header comment), in order.
void passages_of(std::string_view text, std::vector<std::string>& out) {
  std::size_t pos = 0;
  std::string cur;
  while (pos <= text.size()) {
    std::size_t end = text.find("\n\n", pos);
    if (end == std::string_view::npos) end = text.size();
    for (const std::string& s : sentences(text.substr(pos, end - pos))) {
      if (!cur.empty()) cur += ' ';
      cur += s;
      if (cur.size() >= kPassageMinBytes) {
        out.push_back(std::move(cur));
        cur.clear();
      }
    }
    pos = end + 2;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
}

bool is_zero(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return x == 0; });
}

// Rows of unit vectors, flattened.
struct Matrix {
  std::uint32_t dim = 0;
  std::vector<float> data;
  std::size_t rows() const { return dim == 0 ? 0 : data.size() / dim; }
  const float* row(std::size_t i) const { return data.data() + i * dim; }
  void add(const std::vector<float>& v) {
    const auto u = ix::normalized(v);
    data.insert(data.end(), u.begin(), u.end());
  }
};

std::vector<std::vector<float>> embed_docs(memvid::EmbeddingProvider& p, const std::vector<Doc>& docs,
                                           bool with_title, double& ms) {
  std::vector<std::vector<float>> out;
  out.reserve(docs.size());
  const auto t0 = bench::Clock::now();
  constexpr std::size_t kBatch = 1000;
  for (std::size_t b = 0; b < docs.size(); b += kBatch) {
    std::vector<memvid::EmbeddingText> texts;
    for (std::size_t i = b; i < std::min(docs.size(), b + kBatch); ++i) {
      texts.push_back({with_title ? std::string_view(docs[i].title) : std::string_view(), docs[i].text});
    }
    auto made = p.embed_documents(texts);
    for (auto& v : made) out.push_back(std::move(v));
  }
  ms = bench::ms_since(t0);
  return out;
}

struct Lat {
  double p50 = 0, p99 = 0, mean = 0;
};
Lat lat_of(const std::vector<double>& xs) {
  return {bench::percentile(xs, 50), bench::percentile(xs, 99), bench::mean(xs)};
}

// Exact neighbours of every query (ids are row numbers + 1) and each query's 10th best score.
struct Truth {
  std::vector<std::vector<std::uint64_t>> ids;
  std::vector<float> kth;
};

struct RecallCounter {
  double strict = 0, ties = 0;
  std::size_t n = 0;
};

// recall@10 of one result list: strict = the share of the exact top 10 (by frame id) it
// holds; ties = the share of its 10 whose exact score reaches the exact 10th score (1e-6):
// the corpus has near-duplicate texts whose vectors tie, and the order among equal scores
// is arbitrary.
void count_recall(RecallCounter& rc, const std::vector<std::uint64_t>& got, const Truth& t, std::size_t q,
                  const Matrix& base, const float* query) {
  const auto& want = t.ids[q];
  std::size_t hit = 0, tie_hit = 0;
  std::unordered_set<std::uint64_t> seen;
  for (std::size_t i = 0; i < std::min(got.size(), kK); ++i) {
    const std::uint64_t f = got[i];
    if (!seen.insert(f).second) continue;
    if (std::find(want.begin(), want.end(), f) != want.end()) ++hit;
    if (f >= 1 && f <= base.rows() && ix::vec::dot(query, base.row(f - 1), base.dim) >= t.kth[q] - 1e-6f) ++tie_hit;
  }
  const double denom = static_cast<double>(std::min(kK, want.size()));
  if (denom == 0) return;
  rc.strict += static_cast<double>(hit) / denom;
  rc.ties += static_cast<double>(std::min<std::size_t>(tie_hit, static_cast<std::size_t>(denom))) / denom;
  ++rc.n;
}

struct QueryRun {
  std::string index, setting;
  Lat lat;
  double recall = -1, recall_strict = -1;
  std::map<std::string, double> recall_by_set;
};

std::string fmt(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

struct QuerySet {
  Matrix m;
  std::vector<std::string> set;  // which set each query comes from
};

int run(const Args& args) {
  json report;
  report["machine"] = {{"nproc", std::to_string(::sysconf(_SC_NPROCESSORS_ONLN))},
                       {"cpu", cpu_model()},
                       {"load_start", load_average()}};
  std::printf("machine: %ld CPUs, %s; load average %s\n", ::sysconf(_SC_NPROCESSORS_ONLN), cpu_model().c_str(),
              load_average().c_str());

  // Corpus.
  const std::string data = bench::read_file_bytes(args.corpus);
  std::vector<Doc> docs;
  std::uint64_t raw_bytes = 0;
  for (std::string_view line : bench::split_lines(data)) {
    const auto j = json::parse(line);
    docs.push_back({j.value("title", std::string()), j.value("text", std::string()), j.value("uri", std::string())});
    raw_bytes += docs.back().title.size() + docs.back().text.size();
  }
  std::printf("corpus: %zu documents, %.1f MB of title + text (%s)\n", docs.size(), static_cast<double>(raw_bytes) / 1e6,
              args.corpus.c_str());

  const auto tm = bench::Clock::now();
  auto provider = memvid::builtin_embedding_provider(args.model);
  const double model_ms = bench::ms_since(tm);
  std::printf("model: %s, dim %u, loaded in %.1f ms\n", provider->model().c_str(), provider->dimension(), model_ms);
  report["model"] = {{"name", provider->model()}, {"dim", provider->dimension()}, {"load_ms", model_ms}};

  // 50K: the documents.
  double doc_ms = 0;
  auto doc_vecs = embed_docs(*provider, docs, true, doc_ms);
  std::size_t zero_docs = 0;
  for (const auto& v : doc_vecs) zero_docs += is_zero(v) ? 1 : 0;
  std::printf("embedded %zu documents in %.0f ms (%.0f docs/s, one thread; %zu zero vectors)\n", docs.size(), doc_ms,
              static_cast<double>(docs.size()) / (doc_ms / 1e3), zero_docs);

  // Passages.
  std::vector<std::string> all_passages;
  for (const Doc& d : docs) passages_of(d.text, all_passages);
  std::vector<Doc> passages;
  {
    std::unordered_set<std::string_view> seen;
    for (const std::string& p : all_passages) {
      if (seen.insert(p).second) passages.push_back({std::string(), p, std::string()});
    }
  }
  double passage_ms = 0;
  auto passage_vecs = embed_docs(*provider, passages, false, passage_ms);
  std::vector<std::size_t> usable;  // passages with a non-zero vector, corpus order
  std::uint64_t passage_bytes = 0;
  for (std::size_t i = 0; i < passages.size(); ++i) {
    if (!is_zero(passage_vecs[i])) {
      usable.push_back(i);
      passage_bytes += passages[i].text.size();
    }
  }
  std::printf("passages: %zu, %zu distinct, %zu with a non-zero vector (mean %.0f bytes); embedded in %.0f ms "
              "(%.0f passages/s)\n",
              all_passages.size(), passages.size(), usable.size(),
              static_cast<double>(passage_bytes) / static_cast<double>(std::max<std::size_t>(1, usable.size())),
              passage_ms, static_cast<double>(passages.size()) / (passage_ms / 1e3));
  report["vectors"] = {{"documents", docs.size()},       {"zero_doc_vectors", zero_docs},
                       {"doc_embed_ms", doc_ms},         {"passages", all_passages.size()},
                       {"distinct_passages", passages.size()}, {"usable_passages", usable.size()},
                       {"passage_embed_ms", passage_ms}, {"passage_min_bytes", kPassageMinBytes}};

  std::size_t max_passages = 0;
  for (std::size_t n : args.sizes) {
    if (n > docs.size()) max_passages = std::max(max_passages, n);
  }
  if (max_passages + args.held_out > usable.size())
    throw std::runtime_error("not enough distinct passages: " + std::to_string(usable.size()) + " for " +
                             std::to_string(max_passages) + " + " + std::to_string(args.held_out) + " held out");

  // Queries.
  QuerySet qs;
  qs.m.dim = provider->dimension();
  std::vector<std::string> query_texts;  // for the end-to-end finds (query language)
  std::vector<std::string> query_raw;    // what was embedded
  std::size_t zero_queries = 0;
  auto add_query = [&](const std::string& embed_text, const std::string& find_text, const std::string& set) {
    auto v = provider->embed_query(embed_text);
    if (is_zero(v)) {
      ++zero_queries;
      return;
    }
    qs.m.add(v);
    qs.set.push_back(set);
    query_texts.push_back(find_text);
    query_raw.push_back(embed_text);
  };
  for (std::size_t i = usable.size() - args.held_out; i < usable.size(); ++i) {
    const std::string& t = passages[usable[i]].text;
    add_query(t, bench::join(bench::plain_words(t), " "), "held-out passage");
  }
  for (const auto& q : bench::read_mix(args.mix)) add_query(q.text, q.text, "mix.txt");
  {
    const std::string qd = bench::read_file_bytes((bench::fs::path(args.scifact) / "queries.jsonl").string());
    for (std::string_view line : bench::split_lines(qd)) {
      const std::string t = json::parse(line).at("text").get<std::string>();
      add_query(t, bench::join(bench::plain_words(t), " "), "SciFact claim");
    }
  }
  std::map<std::string, std::size_t> set_sizes;
  for (const auto& s : qs.set) ++set_sizes[s];
  std::printf("queries: %zu (", qs.m.rows());
  for (const auto& [s, n] : set_sizes) std::printf("%s %zu; ", s.c_str(), n);
  std::printf("%zu skipped: zero vector)\n", zero_queries);
  report["queries"] = {{"count", qs.m.rows()}, {"by_set", set_sizes}, {"zero_skipped", zero_queries}};

  if (!args.export_dir.empty()) {
    bench::fs::create_directories(args.export_dir);
    const std::string model_name = provider->model();
    {
      std::ofstream out((bench::fs::path(args.export_dir) / "docs.jsonl").string());
      for (std::size_t i = 0; i < std::min(args.export_docs, docs.size()); ++i) {
        json j = {{"title", docs[i].title},
                  {"text", docs[i].text},
                  {"uri", docs[i].uri},
                  {"embedding", ix::normalized(doc_vecs[i])},
                  {"embedding_model", model_name}};
        out << j.dump() << "\n";
      }
    }
    {
      std::ofstream out((bench::fs::path(args.export_dir) / "queries.jsonl").string());
      for (std::size_t q = 0; q < qs.m.rows(); ++q) {
        const std::vector<float> v(qs.m.row(q), qs.m.row(q) + qs.m.dim);
        json j = {{"set", qs.set[q]}, {"text", query_raw[q]}, {"find_text", query_texts[q]}, {"vector", v}};
        out << j.dump() << "\n";
      }
    }
    std::printf("exported %zu documents and %zu queries to %s\n", std::min(args.export_docs, docs.size()), qs.m.rows(),
                args.export_dir.c_str());
    return 0;
  }

  std::vector<QueryRun> runs;
  json sizes_json = json::array();

  if (args.segments) {
    for (const std::size_t n : args.sizes) {
      Matrix base;
      base.dim = provider->dimension();
      base.data.reserve(n * base.dim);
      std::string what;
      if (n <= docs.size()) {
        for (std::size_t i = 0; i < n; ++i) base.add(doc_vecs[i]);
        what = "documents";
      } else {
        for (std::size_t i = 0; i < n; ++i) base.add(passage_vecs[usable[i]]);
        what = "passages";
      }
      std::vector<std::uint64_t> frames(n);
      for (std::size_t i = 0; i < n; ++i) frames[i] = i + 1;
      const double float_bytes = static_cast<double>(n) * base.dim * 4;
      std::printf("\n=== %zu vectors (%s), dim %u: %.1f MB of floats ===\n", n, what.c_str(), base.dim, float_bytes / 1e6);
      json size_json = {{"n", n}, {"source", what}, {"float_bytes", float_bytes}};

      struct Built {
        std::string name;
        ix::VecBuildOptions opts;
        std::vector<std::uint8_t> bytes;
        double build_ms = 0, open_ms = 0;
        bool deterministic = true;
        std::shared_ptr<const ix::VecSegment> seg;
      };
      std::vector<Built> built(3);
      built[0].name = "Flat";
      built[0].opts.hnsw_threshold = n + 1;
      const ix::VecBuildOptions defaults;
      built[1].name = "Hnsw M" + std::to_string(defaults.hnsw_m) + " efC" +
                      std::to_string(defaults.hnsw_ef_construction) + " (default)";
      built[2].name = "IvfPq";
      built[2].opts.compress = true;
      for (const auto& [m, efc] : args.hnsw_variants) {
        if (m == defaults.hnsw_m && efc == defaults.hnsw_ef_construction) continue;
        Built b;
        b.name = "Hnsw M" + std::to_string(m) + " efC" + std::to_string(efc);
        b.opts.hnsw_m = m;
        b.opts.hnsw_ef_construction = efc;
        built.push_back(std::move(b));
      }
      std::printf("\n| index | layout | build s | segment MB | / float bytes | open ms | deterministic |\n"
                  "|---|---|---:|---:|---:|---:|---|\n");
      for (Built& b : built) {
        std::vector<double> times;
        const bool variant = &b >= &built[3];
        const std::size_t build_reps = variant ? 1 : args.build_reps;
        for (std::size_t r = 0; r < build_reps; ++r) {
          const auto tb = bench::Clock::now();
          auto bytes = ix::encode_vec_segment(frames, base.data, base.dim, b.opts);
          times.push_back(bench::ms_since(tb));
          if (r == 0) {
            b.bytes = std::move(bytes);
          } else if (bytes != b.bytes) {
            b.deterministic = false;
          }
        }
        b.build_ms = bench::percentile(times, 50);
        const auto checksum = ix::vec_segment_checksum(b.bytes);
        auto source = std::make_shared<ix::MemorySource>(b.bytes);
        std::vector<double> opens;
        for (int r = 0; r < 5; ++r) {
          const auto to = bench::Clock::now();
          auto seg = ix::VecSegment::open(source, 0, b.bytes.size(), &checksum, base.dim, "bench " + b.name);
          opens.push_back(bench::ms_since(to));
          b.seg = std::move(seg);
        }
        b.open_ms = bench::percentile(opens, 50);
        const char* layout = b.seg->layout() == ix::VecLayout::Flat   ? "Flat"
                             : b.seg->layout() == ix::VecLayout::Hnsw ? "Hnsw"
                                                                       : "IvfPq";
        std::printf("| %s | %s | %.2f | %.2f | %.4f (1/%.1f) | %.2f | %s |\n", b.name.c_str(), layout, b.build_ms / 1e3,
                    static_cast<double>(b.bytes.size()) / 1e6, static_cast<double>(b.bytes.size()) / float_bytes,
                    float_bytes / static_cast<double>(b.bytes.size()), b.open_ms,
                    build_reps > 1 ? (b.deterministic ? "yes" : "NO") : "not checked");
        std::fflush(stdout);
        size_json["indexes"][b.name] = {{"layout", layout},
                                        {"build_ms", b.build_ms},
                                        {"build_samples_ms", times},
                                        {"bytes", b.bytes.size()},
                                        {"ratio_to_floats", static_cast<double>(b.bytes.size()) / float_bytes},
                                        {"open_ms", b.open_ms},
                                        {"deterministic", b.deterministic}};
      }

      const std::size_t nq = qs.m.rows();
      // Runs every query reps times; returns the latencies and the first pass's results.
      auto time_queries = [&](const std::function<std::vector<std::uint64_t>(const float*)>& search,
                              std::vector<std::vector<std::uint64_t>>& results) {
        std::vector<double> lat;
        lat.reserve(nq * args.reps);
        results.assign(nq, {});
        for (std::size_t r = 0; r < args.reps; ++r) {
          for (std::size_t q = 0; q < nq; ++q) {
            const auto t0 = bench::Clock::now();
            auto got = search(qs.m.row(q));
            lat.push_back(bench::ms_since(t0));
            if (r == 0) results[q] = std::move(got);
          }
        }
        return lat;
      };
      auto ids_of = [](const std::vector<ix::VecHit>& hits) {
        std::vector<std::uint64_t> out;
        out.reserve(hits.size());
        for (const auto& h : hits) out.push_back(h.frame);
        return out;
      };
      const std::function<bool(std::uint64_t)> all;

      // Flat: exact, and the ground truth.
      Truth truth;
      std::vector<QueryRun> size_runs;
      {
        ix::VecSearchOptions so;
        std::vector<std::vector<std::uint64_t>> res;
        auto lat = time_queries(
            [&](const float* q) { return ids_of(built[0].seg->search({q, base.dim}, kK, all, so)); }, res);
        truth.ids = res;
        truth.kth.resize(nq);
        for (std::size_t q = 0; q < nq; ++q) {
          float kth = -2;
          for (auto f : res[q]) kth = ix::vec::dot(qs.m.row(q), base.row(f - 1), base.dim);
          truth.kth[q] = kth;  // results are best first: the last one is the 10th
        }
        // Check the exact scan against a plain loop on a few queries.
        for (std::size_t q = 0; q < std::min<std::size_t>(nq, 20); ++q) {
          std::vector<float> s(n);
          for (std::size_t i = 0; i < n; ++i) s[i] = ix::vec::dot(qs.m.row(q), base.row(i), base.dim);
          std::nth_element(s.begin(), s.begin() + kK - 1, s.end(), std::greater<float>());
          if (std::fabs(s[kK - 1] - truth.kth[q]) > 1e-5f)
            throw std::logic_error("Flat search disagrees with a brute-force scan");
        }
        size_runs.push_back({"Flat", "exact", lat_of(lat), 1, 1, {}});
      }
      auto measure = [&](const std::string& index, const std::string& setting,
                         const std::function<std::vector<std::uint64_t>(const float*)>& search) {
        std::vector<std::vector<std::uint64_t>> res;
        auto lat = time_queries(search, res);
        RecallCounter rc;
        std::map<std::string, RecallCounter> by_set;
        for (std::size_t q = 0; q < nq; ++q) {
          count_recall(rc, res[q], truth, q, base, qs.m.row(q));
          count_recall(by_set[qs.set[q]], res[q], truth, q, base, qs.m.row(q));
        }
        QueryRun qr{index, setting, lat_of(lat), rc.ties / static_cast<double>(std::max<std::size_t>(1, rc.n)),
                    rc.strict / static_cast<double>(std::max<std::size_t>(1, rc.n)), {}};
        for (const auto& [s, c] : by_set) qr.recall_by_set[s] = c.ties / static_cast<double>(std::max<std::size_t>(1, c.n));
        size_runs.push_back(qr);
      };
      for (std::size_t ef : args.efs) {
        ix::VecSearchOptions so;
        so.ef_search = ef;
        measure(built[1].name, "ef_search " + std::to_string(ef) + (ef == ix::VecSearchOptions{}.ef_search ? " (default)" : ""),
                [&](const float* q) { return ids_of(built[1].seg->search({q, base.dim}, kK, all, so)); });
      }
      for (std::size_t bi = 3; bi < built.size(); ++bi) {
        for (std::size_t ef : args.efs) {
          ix::VecSearchOptions so;
          so.ef_search = ef;
          measure(built[bi].name, "ef_search " + std::to_string(ef),
                  [&](const float* q) { return ids_of(built[bi].seg->search({q, base.dim}, kK, all, so)); });
        }
      }
      for (std::size_t np : args.nprobes) {
        ix::VecSearchOptions so;
        so.nprobe = np;
        const std::string def = np == ix::VecSearchOptions{}.nprobe ? " (default)" : "";
        measure("IvfPq raw", "nprobe " + std::to_string(np) + def,
                [&](const float* q) { return ids_of(built[2].seg->search({q, base.dim}, kK, all, so)); });
        // As find does: fetch max(10 k, 100) by PQ score, re-score exactly, keep k.
        measure("IvfPq + re-rank 100", "nprobe " + std::to_string(np) + def, [&](const float* q) {
          auto hits = built[2].seg->search({q, base.dim}, 100, all, so);
          for (auto& h : hits) h.score = ix::vec::dot(q, base.row(h.frame - 1), base.dim);
          std::stable_sort(hits.begin(), hits.end(), [](const ix::VecHit& a, const ix::VecHit& b) {
            return a.score != b.score ? a.score > b.score : a.frame < b.frame;
          });
          if (hits.size() > kK) hits.resize(kK);
          return ids_of(hits);
        });
      }
      std::printf("\nqueries: %zu x %zu passes, k = 10, no filter; recall@10 against Flat (ties counted; strict "
                  "by frame id in brackets)\n\n",
                  nq, args.reps);
      std::printf("| index | setting | p50 ms | p99 ms | mean ms | recall@10 | held-out / mix / SciFact |\n"
                  "|---|---|---:|---:|---:|---:|---|\n");
      for (const QueryRun& r : size_runs) {
        std::string by;
        for (const char* s : {"held-out passage", "mix.txt", "SciFact claim"}) {
          auto it = r.recall_by_set.find(s);
          if (!by.empty()) by += " / ";
          by += it == r.recall_by_set.end() ? "-" : fmt(it->second);
        }
        std::printf("| %s | %s | %.4f | %.4f | %.4f | %s (%s) | %s |\n", r.index.c_str(), r.setting.c_str(), r.lat.p50,
                    r.lat.p99, r.lat.mean, fmt(r.recall).c_str(), fmt(r.recall_strict).c_str(),
                    r.index == "Flat" ? "" : by.c_str());
        size_json["queries"].push_back({{"index", r.index},
                                        {"setting", r.setting},
                                        {"p50_ms", r.lat.p50},
                                        {"p99_ms", r.lat.p99},
                                        {"mean_ms", r.lat.mean},
                                        {"recall10", r.recall},
                                        {"recall10_strict", r.recall_strict},
                                        {"recall10_by_set", r.recall_by_set}});
      }
      std::fflush(stdout);
      sizes_json.push_back(size_json);
    }
    report["sizes"] = sizes_json;
  }

  if (args.e2e) {
    const std::size_t n = docs.size();
    std::printf("\n=== end to end, Memvid public API, %zu documents ===\n", n);
    std::vector<memvid::Document> mdocs;
    for (const Doc& d : docs) {
      memvid::Document md;
      md.title = d.title;
      md.payload = d.text;
      mdocs.push_back(std::move(md));
    }
    bench::ScratchDir scratch("memvid_vector_bench");
    struct Variant {
      std::string name, model;
      bool compress = false;
      std::vector<double> ingest_ms;
      std::uint64_t file_bytes = 0;
      std::string path;
      std::vector<memvid::FrameId> ids;
      memvid::Stats stats;
    };
    std::vector<Variant> variants = {{"builtin", "builtin", false, {}, 0, {}, {}, {}},
                                     {"none", "none", false, {}, 0, {}, {}, {}},
                                     {"builtin + compression", "builtin", true, {}, 0, {}, {}, {}}};
    // Interleaved runs, so that a noisy stretch hits every variant alike.
    for (std::size_t r = 0; r < args.ingest_runs; ++r) {
      for (std::size_t vi = 0; vi < variants.size(); ++vi) {
        Variant& v = variants[vi];
        const std::string path = (scratch.path() / ("v" + std::to_string(vi) + "_" + std::to_string(r) + ".mv2")).string();
        memvid::CreateOptions co;
        co.embedding_model = v.model;
        co.vector_compression = v.compress;
        const auto t0 = bench::Clock::now();
        {
          auto mem = memvid::Memvid::create(path, co);
          v.ids = mem.put_many(mdocs);
          mem.seal();
        }
        v.ingest_ms.push_back(bench::ms_since(t0));
        v.file_bytes = bench::fs::file_size(path);
        if (!v.path.empty()) bench::fs::remove(v.path);
        v.path = path;
      }
    }
    std::printf("\nIngest: create + put_many(%zu documents, one transaction) + seal; median of %zu runs\n\n", n,
                args.ingest_runs);
    std::printf("| embedding_model | ingest s (median) | runs s | docs/s | file MB | file / raw text | vectors |\n"
                "|---|---:|---|---:|---:|---:|---:|\n");
    json e2e;
    for (Variant& v : variants) {
      v.stats = memvid::Memvid::open_read_only(v.path).stats();
      const double med = bench::percentile(v.ingest_ms, 50);
      std::string all_runs;
      for (double x : v.ingest_ms) all_runs += (all_runs.empty() ? "" : ", ") + fmt(x / 1e3, 2);
      std::printf("| %s | %.2f | %s | %.0f | %.2f | %.3f | %llu |\n", v.name.c_str(), med / 1e3, all_runs.c_str(),
                  static_cast<double>(n) / (med / 1e3), static_cast<double>(v.file_bytes) / 1e6,
                  static_cast<double>(v.file_bytes) / static_cast<double>(raw_bytes),
                  static_cast<unsigned long long>(v.stats.vectors));
      e2e["ingest"][v.name] = {{"ingest_ms", v.ingest_ms},
                               {"median_ms", med},
                               {"file_bytes", v.file_bytes},
                               {"raw_bytes", raw_bytes},
                               {"vectors", v.stats.vectors},
                               {"toc_segments", v.stats.toc_segments},
                               {"model", v.stats.embedding_model}};
    }

    // Exact neighbours of each query among the 50K document vectors, for find(Sem)'s recall.
    Matrix dbase;
    dbase.dim = provider->dimension();
    for (const auto& v : doc_vecs) {
      if (is_zero(v)) {
        dbase.data.insert(dbase.data.end(), dbase.dim, 0.0f);
      } else {
        dbase.add(v);
      }
    }
    const std::size_t nq = qs.m.rows();
    Truth truth;
    truth.ids.resize(nq);
    truth.kth.resize(nq);
    for (std::size_t q = 0; q < nq; ++q) {
      std::vector<std::pair<float, std::uint64_t>> s(n);
      for (std::size_t i = 0; i < n; ++i) s[i] = {ix::vec::dot(qs.m.row(q), dbase.row(i), dbase.dim), i + 1};
      std::partial_sort(s.begin(), s.begin() + kK, s.end(),
                        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
      for (std::size_t i = 0; i < kK; ++i) truth.ids[q].push_back(s[i].second);
      truth.kth[q] = s[kK - 1].first;
    }

    std::printf("\nfind (k 10, 200-character snippets, warm page cache): %zu queries (%zu held-out passages and "
                "300 SciFact claims as plain words, the 300 mix.txt queries as written) x %zu passes after one "
                "warm-up pass\n\n",
                nq, args.held_out, args.reps);
    std::printf("| memory | mode | open + first find ms | p50 ms | p99 ms | mean ms | p50 held-out / mix / SciFact | "
                "zero-hit | errors | recall@10 vs exact (Sem) |\n"
                "|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
    struct FindRun {
      std::size_t variant;
      memvid::SearchMode mode;
    };
    const std::vector<FindRun> find_runs = {{1, memvid::SearchMode::Lex}, {0, memvid::SearchMode::Lex},
                                            {0, memvid::SearchMode::Sem}, {0, memvid::SearchMode::Auto},
                                            {2, memvid::SearchMode::Sem}, {2, memvid::SearchMode::Auto}};
    for (const FindRun& fr : find_runs) {
      Variant& v = variants[fr.variant];
      // A fresh handle's first query pays for opening the segments (and loading the model):
      // what one CLI process pays on top of the warm figures.
      const auto t_open = bench::Clock::now();
      auto mem = memvid::Memvid::open_read_only(v.path);
      {
        memvid::FindOptions first;
        first.mode = fr.mode;
        (void)mem.find(query_texts[0], first);
      }
      const double first_ms = bench::ms_since(t_open);
      std::unordered_map<memvid::FrameId, std::uint64_t> frame_row;  // frame id -> row + 1
      for (std::size_t i = 0; i < v.ids.size(); ++i) frame_row[v.ids[i]] = i + 1;
      memvid::FindOptions fo;
      fo.mode = fr.mode;
      std::vector<double> lat;
      std::map<std::string, std::vector<double>> lat_by_set;
      std::size_t zero = 0, errors = 0;
      RecallCounter rc;
      for (std::size_t pass = 0; pass <= args.reps; ++pass) {
        for (std::size_t q = 0; q < nq; ++q) {
          memvid::FindResult res;
          const auto t0 = bench::Clock::now();
          try {
            res = mem.find(query_texts[q], fo);
          } catch (const std::exception& e) {
            if (pass == 0) {
              ++errors;
              if (errors <= 3) std::fprintf(stderr, "find failed: %s: %s\n", e.what(), query_texts[q].c_str());
            }
            continue;
          }
          const double ms = bench::ms_since(t0);
          if (pass > 0) {
            lat.push_back(ms);
            lat_by_set[qs.set[q]].push_back(ms);
            continue;
          }
          if (res.hits.empty()) ++zero;
          if (fr.mode == memvid::SearchMode::Sem) {
            std::vector<std::uint64_t> got;
            for (const auto& h : res.hits) got.push_back(frame_row[h.id]);
            count_recall(rc, got, truth, q, dbase, qs.m.row(q));
          }
        }
      }
      const Lat l = lat_of(lat);
      const std::string mode(memvid::to_string(fr.mode));
      const double recall = rc.n > 0 ? rc.ties / static_cast<double>(rc.n) : -1;
      const double recall_strict = rc.n > 0 ? rc.strict / static_cast<double>(rc.n) : -1;
      std::string by;
      for (const char* s : {"held-out passage", "mix.txt", "SciFact claim"}) {
        if (!by.empty()) by += " / ";
        by += fmt(bench::percentile(lat_by_set[s], 50));
      }
      std::printf("| %s | %s | %.1f | %.3f | %.3f | %.3f | %s | %zu | %zu | %s |\n", v.name.c_str(), mode.c_str(),
                  first_ms, l.p50, l.p99, l.mean, by.c_str(), zero, errors,
                  recall < 0 ? "" : (fmt(recall) + " (" + fmt(recall_strict) + ")").c_str());
      std::fflush(stdout);
      e2e["find"].push_back({{"memory", v.name},
                             {"mode", mode},
                             {"p50_ms", l.p50},
                             {"p99_ms", l.p99},
                             {"mean_ms", l.mean},
                             {"open_first_find_ms", first_ms},
                             {"p50_ms_by_set",
                              {{"held-out passage", bench::percentile(lat_by_set["held-out passage"], 50)},
                               {"mix.txt", bench::percentile(lat_by_set["mix.txt"], 50)},
                               {"SciFact claim", bench::percentile(lat_by_set["SciFact claim"], 50)}}},
                             {"zero_hit", zero},
                             {"errors", errors},
                             {"recall10", recall},
                             {"recall10_strict", recall_strict}});
    }
    report["e2e"] = e2e;
  }

  report["machine"]["load_end"] = load_average();
  std::printf("\nload average at the end: %s\n", load_average().c_str());
  if (!args.json_out.empty()) {
    std::ofstream out(args.json_out);
    out << report.dump(2) << "\n";
    std::printf("JSON: %s\n", args.json_out.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "memvid_vector_bench: " << e.what() << "\n";
    return 1;
  }
}
