// Retrieval quality of Memvid::find on the BEIR SciFact collection (see bench/README.md).
//
//   memvid_eval [--corpus DIR] [--out RUN_FILE] [--title-weight W] [--k 100] [--or]
//               [--raw] [--score PATH] [--keep]
//
// Puts the 5,183 abstracts into a fresh memory (title = title, payload = text,
// uri = "scifact:" + id), commits, reopens it read-only and runs the 300 claims as queries
// (k hits each, no snippets). Each claim is reduced to plain words (every ASCII character
// that is not a letter or digit becomes a space; AND/OR/NOT are lowercased) so that it is
// searched as "any of these words"; --or joins them with an explicit " OR " instead of a
// space; --raw passes the claims unchanged. Writes a TREC run file, prints the ingest time
// and query latency, then runs `python3 score.py RUN qrels` and prints its output.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.hpp"
#include "memvid/memvid.hpp"

#ifndef MEMVID_EVAL_CORPUS_DEFAULT
#define MEMVID_EVAL_CORPUS_DEFAULT "../shared/eval/scifact"
#endif

namespace {

struct Args {
  std::string corpus = MEMVID_EVAL_CORPUS_DEFAULT;
  std::string out;  // default: <scratch>/run.trec, kept
  std::string score;  // default: <corpus>/../score.py
  double title_weight = 2.0;
  std::size_t k = 100;
  bool explicit_or = false;
  bool raw = false;
  bool keep = false;
};

[[noreturn]] void usage(const char* msg) {
  if (msg != nullptr) std::cerr << "memvid_eval: " << msg << "\n";
  std::cerr << "usage: memvid_eval [--corpus DIR] [--out RUN_FILE] [--title-weight W] [--k N] [--or] [--raw]\n"
               "                   [--score PATH] [--keep]\n"
               "  --corpus DIR        SciFact directory with corpus.jsonl, queries.jsonl, qrels.tsv\n"
               "                      (default " MEMVID_EVAL_CORPUS_DEFAULT ")\n"
               "  --out RUN_FILE      TREC run file to write (default: run.trec in the scratch dir)\n"
               "  --title-weight W    FindOptions::title_weight (default 2.0, the library default)\n"
               "  --k N               hits per query (default 100)\n"
               "  --or                join the query words with ' OR ' instead of a space\n"
               "  --raw               pass the claims to find() unchanged (tests the query parser)\n"
               "  --score PATH        scorer (default DIR/../score.py)\n"
               "  --keep              keep the scratch directory (the .mv2 file)\n";
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--corpus") {
      a.corpus = value();
    } else if (arg == "--out") {
      a.out = value();
    } else if (arg == "--score") {
      a.score = value();
    } else if (arg == "--title-weight") {
      a.title_weight = std::stod(value());
    } else if (arg == "--k" || arg == "-k") {
      a.k = std::stoul(value());
    } else if (arg == "--or") {
      a.explicit_or = true;
    } else if (arg == "--raw") {
      a.raw = true;
    } else if (arg == "--keep") {
      a.keep = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(nullptr);
    } else {
      usage(("unknown argument " + arg).c_str());
    }
  }
  if (a.score.empty()) a.score = (bench::fs::path(a.corpus).parent_path() / "score.py").string();
  return a;
}

int run(const Args& args) {
  namespace fs = bench::fs;
  const fs::path dir(args.corpus);
  const std::string corpus_data = bench::read_file_bytes((dir / "corpus.jsonl").string());
  const std::string query_data = bench::read_file_bytes((dir / "queries.jsonl").string());
  const std::string qrels = (dir / "qrels.tsv").string();

  std::vector<memvid::Document> docs;
  std::vector<std::string> doc_ids;
  std::uint64_t raw_bytes = 0;
  for (std::string_view line : bench::split_lines(corpus_data)) {
    const auto j = nlohmann::json::parse(line);
    memvid::Document d;
    const std::string id = j.at("id").get<std::string>();
    d.title = j.value("title", std::string());
    d.payload = j.value("text", std::string());
    d.uri = "scifact:" + id;
    raw_bytes += d.title.size() + d.payload.size();
    docs.push_back(std::move(d));
    doc_ids.push_back(id);
  }
  std::vector<std::pair<std::string, std::string>> queries;  // id, text
  for (std::string_view line : bench::split_lines(query_data)) {
    const auto j = nlohmann::json::parse(line);
    queries.emplace_back(j.at("id").get<std::string>(), j.at("text").get<std::string>());
  }
  std::cout << "SciFact: " << docs.size() << " documents (" << raw_bytes << " bytes of title+text), "
            << queries.size() << " queries, k=" << args.k << ", title_weight=" << args.title_weight
            << (args.raw ? ", claims passed unchanged (--raw)"
                : args.explicit_or ? ", words joined with OR" : ", words joined with spaces")
            << "\n";

  bench::ScratchDir scratch("memvid_eval");
  if (args.keep) scratch.keep();
  const std::string path = (scratch.path() / "scifact.mv2").string();

  // Ingest: create, put_many (one transaction), seal (commit + checkpoint + close).
  std::unordered_map<memvid::FrameId, std::string> frame_to_doc;
  const auto t0 = bench::Clock::now();
  {
    auto mem = memvid::Memvid::create(path);
    const auto ids = mem.put_many(docs);
    if (ids.size() != docs.size()) throw std::runtime_error("put_many returned a wrong number of ids");
    for (std::size_t i = 0; i < ids.size(); ++i) frame_to_doc.emplace(ids[i], doc_ids[i]);
    mem.seal();
  }
  const double ingest_ms = bench::ms_since(t0);
  const auto file_bytes = fs::file_size(path);
  std::printf("ingest: %.0f ms (%.0f docs/s), file %.2f MB, file / raw text %.3f\n", ingest_ms,
              static_cast<double>(docs.size()) / (ingest_ms / 1e3), static_cast<double>(file_bytes) / 1e6,
              static_cast<double>(file_bytes) / static_cast<double>(raw_bytes));

  const auto t1 = bench::Clock::now();
  auto mem = memvid::Memvid::open_read_only(path);
  const double open_ms = bench::ms_since(t1);

  memvid::FindOptions opts;
  opts.k = args.k;
  opts.snippet_chars = 0;
  opts.title_weight = args.title_weight;

  const std::string run_path = args.out.empty() ? (scratch.path() / "run.trec").string() : args.out;
  std::FILE* out = std::fopen(run_path.c_str(), "w");
  if (out == nullptr) throw std::runtime_error("cannot write " + run_path);
  std::vector<double> lat;
  std::size_t zero_hits = 0;
  std::size_t errors = 0;
  std::size_t unknown_frames = 0;
  std::size_t uri_mismatch = 0;
  for (const auto& [qid, text] : queries) {
    const std::string q =
        args.raw ? text : bench::join(bench::plain_words(text), args.explicit_or ? " OR " : " ");
    memvid::FindResult res;
    const auto tq = bench::Clock::now();
    try {
      res = mem.find(q, opts);
    } catch (const std::exception& e) {
      lat.push_back(bench::ms_since(tq));
      ++errors;
      std::fprintf(stderr, "query %s failed: %s\n  query: %s\n", qid.c_str(), e.what(), q.c_str());
      continue;
    }
    lat.push_back(bench::ms_since(tq));
    if (res.hits.empty()) {
      ++zero_hits;
      std::fprintf(stderr, "query %s: zero hits: %s\n", qid.c_str(), q.c_str());
    }
    for (const auto& h : res.hits) {
      auto it = frame_to_doc.find(h.id);
      if (it == frame_to_doc.end()) {
        ++unknown_frames;
        continue;
      }
      if (h.uri != "scifact:" + it->second) ++uri_mismatch;
      std::fprintf(out, "%s Q0 %s %zu %.6f memvid\n", qid.c_str(), it->second.c_str(), h.rank, h.score);
    }
  }
  std::fclose(out);
  std::printf("open_read_only: %.2f ms\n", open_ms);
  std::printf("queries: %zu, p50 %.3f ms, p99 %.3f ms, mean %.3f ms, max %.3f ms; zero-hit %zu, errors %zu\n",
              lat.size(), bench::percentile(lat, 50), bench::percentile(lat, 99), bench::mean(lat),
              bench::percentile(lat, 100), zero_hits, errors);
  if (unknown_frames > 0 || uri_mismatch > 0) {
    std::printf("WARNING: %zu hits with an unknown frame id, %zu hits whose uri does not match the frame\n",
                unknown_frames, uri_mismatch);
  }
  std::printf("run file: %s\n", run_path.c_str());
  std::fflush(stdout);

  const std::string cmd = "python3 " + bench::shell_quote(args.score) + " " + bench::shell_quote(run_path) + " " +
                          bench::shell_quote(qrels);
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    std::cerr << "memvid_eval: scorer failed: " << cmd << "\n";
    return 1;
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "memvid_eval: " << e.what() << "\n";
    return 1;
  }
}
