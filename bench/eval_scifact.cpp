// Retrieval quality of Memvid::find on the BEIR SciFact collection (see bench/README.md).
//
//   memvid_eval [--corpus DIR] [--out RUN_FILE] [--mode lex|sem|auto] [--fusion linear|rrf]
//               [--semantic-weight W] [--candidates N] [--configs LIST] [--model NAME]
//               [--title-weight W] [--k 100] [--reps N] [--or] [--raw] [--score PATH] [--keep]
//
// Puts the 5,183 abstracts into a fresh memory (title = title, payload = text,
// uri = "scifact:" + id; embedded with the memory's model, the built-in one by default),
// commits, reopens it read-only and runs the 300 claims as queries (k hits each, no
// snippets). Each claim is reduced to plain words (every ASCII character that is not a
// letter or digit becomes a space; AND/OR/NOT are lowercased) so that it is searched as "any
// of these words"; --or joins them with an explicit " OR " instead of a space; --raw passes
// the claims unchanged. The same query text is embedded for sem and auto.
//
// One configuration (--mode/--fusion/--semantic-weight) or several on the same memory
// (--configs lex,sem,auto,auto-rrf,auto@0.1,...). For each: writes a TREC run file, times
// every find() (--reps passes; the run file comes from the first), runs
// `python3 score.py RUN qrels` and prints its output; with --configs, a Markdown table at
// the end.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
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

// One way of searching: mode, fusion and weight (FindOptions).
struct Config {
  std::string name;
  memvid::SearchMode mode = memvid::SearchMode::Auto;
  memvid::Fusion fusion = memvid::Fusion::Linear;
  double semantic_weight = 0.2;
  // FindOptions::semantic_floor: the library default unless the spec ends in ~Z or ~off.
  std::optional<double> semantic_floor = memvid::kDefaultSemanticFloor;
};

struct Args {
  std::string corpus = MEMVID_EVAL_CORPUS_DEFAULT;
  std::string out;    // default: <scratch>/run.trec (one config) or <scratch>/<config>.run
  std::string score;  // default: <corpus>/../score.py
  std::string model;  // CreateOptions::embedding_model ("" = the library default, builtin)
  double title_weight = 2.0;
  std::size_t k = 100;
  std::size_t candidates = 100;
  std::size_t reps = 1;
  bool explicit_or = false;
  bool raw = false;
  bool keep = false;
  bool table = false;  // --configs given
  Config single;
  std::vector<Config> configs;
};

[[noreturn]] void usage(const char* msg) {
  if (msg != nullptr) std::cerr << "memvid_eval: " << msg << "\n";
  std::cerr << "usage: memvid_eval [--corpus DIR] [--out RUN_FILE|DIR] [--mode lex|sem|auto] [--fusion linear|rrf]\n"
               "                   [--semantic-weight W] [--candidates N] [--configs LIST] [--model NAME]\n"
               "                   [--title-weight W] [--k N] [--reps N] [--or] [--raw] [--score PATH] [--keep]\n"
               "  --corpus DIR          SciFact directory with corpus.jsonl, queries.jsonl, qrels.tsv\n"
               "                        (default " MEMVID_EVAL_CORPUS_DEFAULT ")\n"
               "  --out PATH            TREC run file to write (default: run.trec in the scratch dir);\n"
               "                        with --configs a directory that gets one CONFIG.run each\n"
               "  --mode M              FindOptions::mode: lex, sem or auto (default auto, the library default)\n"
               "  --fusion F            FindOptions::fusion for auto: linear (default) or rrf\n"
               "  --semantic-weight W   FindOptions::semantic_weight for linear fusion (default 0.2)\n"
               "  --candidates N        FindOptions::candidates for auto (default 100)\n"
               "  --configs LIST        several configurations on one memory, comma-separated, each\n"
               "                        lex | sem | auto | auto-rrf | auto@W (linear, weight W), each\n"
               "                        optionally ~Z or ~off: FindOptions::semantic_floor (default 2);\n"
               "                        prints a Markdown table at the end\n"
               "  --model NAME          CreateOptions::embedding_model (default: the library default,\n"
               "                        the built-in model; \"none\" for no vectors)\n"
               "  --title-weight W      FindOptions::title_weight (default 2.0, the library default)\n"
               "  --k N                 hits per query (default 100)\n"
               "  --reps N              timed passes over the queries (default 1; latencies pooled)\n"
               "  --or                  join the query words with ' OR ' instead of a space\n"
               "  --raw                 pass the claims to find() unchanged (tests the query parser)\n"
               "  --score PATH          scorer (default DIR/../score.py)\n"
               "  --keep                keep the scratch directory (the .mv2 file)\n";
  std::exit(2);
}

std::string fmt_weight(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", w);
  return buf;
}

Config parse_config(const std::string& full_spec, double default_weight) {
  Config c;
  c.name = full_spec;
  c.semantic_weight = default_weight;
  // A relevance floor other than the default: "sem~off", "auto~2.5".
  std::string spec = full_spec;
  if (const std::size_t tilde = spec.find('~'); tilde != std::string::npos) {
    const std::string floor = spec.substr(tilde + 1);
    spec.resize(tilde);
    if (floor == "off") c.semantic_floor.reset();
    else c.semantic_floor = std::stod(floor);
  }
  if (spec == "lex") {
    c.mode = memvid::SearchMode::Lex;
  } else if (spec == "sem") {
    c.mode = memvid::SearchMode::Sem;
  } else if (spec == "auto") {
    c.mode = memvid::SearchMode::Auto;
    c.name = "auto@" + fmt_weight(default_weight) + full_spec.substr(spec.size());
  } else if (spec == "auto-rrf") {
    c.mode = memvid::SearchMode::Auto;
    c.fusion = memvid::Fusion::Rrf;
  } else if (spec.rfind("auto@", 0) == 0) {
    c.mode = memvid::SearchMode::Auto;
    c.semantic_weight = std::stod(spec.substr(5));
  } else {
    usage(("bad configuration " + spec).c_str());
  }
  return c;
}

Args parse_args(int argc, char** argv) {
  Args a;
  std::string configs;
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
    } else if (arg == "--model") {
      a.model = value();
    } else if (arg == "--mode") {
      const auto m = memvid::search_mode_from_string(value());
      if (!m) usage("--mode must be lex, sem or auto");
      a.single.mode = *m;
    } else if (arg == "--fusion") {
      const auto f = memvid::fusion_from_string(value());
      if (!f) usage("--fusion must be linear or rrf");
      a.single.fusion = *f;
    } else if (arg == "--semantic-weight") {
      a.single.semantic_weight = std::stod(value());
    } else if (arg == "--candidates") {
      a.candidates = std::stoul(value());
    } else if (arg == "--configs") {
      configs = value();
    } else if (arg == "--title-weight") {
      a.title_weight = std::stod(value());
    } else if (arg == "--k" || arg == "-k") {
      a.k = std::stoul(value());
    } else if (arg == "--reps") {
      a.reps = std::max<std::size_t>(1, std::stoul(value()));
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
  if (!configs.empty()) {
    a.table = true;
    std::stringstream ss(configs);
    std::string spec;
    while (std::getline(ss, spec, ',')) {
      if (!spec.empty()) a.configs.push_back(parse_config(spec, a.single.semantic_weight));
    }
    if (a.configs.empty()) usage("--configs is empty");
  } else {
    Config& c = a.single;
    c.name = std::string(memvid::to_string(c.mode));
    if (c.mode == memvid::SearchMode::Auto) {
      c.name += c.fusion == memvid::Fusion::Rrf ? "-rrf" : "@" + fmt_weight(c.semantic_weight);
    }
    a.configs.push_back(c);
  }
  return a;
}

struct Row {
  std::string name;
  std::map<std::string, double> metrics;  // from score.py
  double p50 = 0, p99 = 0, mean = 0;
  std::size_t zero_hits = 0, errors = 0;
  double sem_only_top10 = 0;  // share of top-10 hits only the semantic retriever found
  double lex_only_top10 = 0;
  std::string note;
};

// Runs score.py, echoes its output, and reads "key=value" pairs from it.
bool score_run(const Args& args, const std::string& run_path, const std::string& qrels, Row& row) {
  const std::string cmd = "python3 " + bench::shell_quote(args.score) + " " + bench::shell_quote(run_path) + " " +
                          bench::shell_quote(qrels);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return false;
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int rc = ::pclose(pipe);
  std::fputs(out.c_str(), stdout);
  std::stringstream ss(out);
  std::string tok;
  while (ss >> tok) {
    const auto eq = tok.find('=');
    if (eq == std::string::npos) continue;
    try {
      row.metrics[tok.substr(0, eq)] = std::stod(tok.substr(eq + 1));
    } catch (const std::exception&) {
    }
  }
  if (rc != 0) std::cerr << "memvid_eval: scorer failed: " << cmd << "\n";
  return rc == 0;
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
            << ", candidates=" << args.candidates
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
    memvid::CreateOptions co;
    co.embedding_model = args.model;
    auto mem = memvid::Memvid::create(path, co);
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
  const memvid::Stats st = mem.stats();
  std::printf("open_read_only: %.2f ms; embedding model %s (dim %u), %llu vectors%s%s\n", open_ms,
              st.embedding_model.empty() ? "(none)" : st.embedding_model.c_str(), st.embedding_dimension,
              static_cast<unsigned long long>(st.vectors), st.semantic_unavailable.empty() ? "" : "; semantic unavailable: ",
              st.semantic_unavailable.c_str());

  std::vector<std::string> query_text;
  for (const auto& [qid, text] : queries) {
    query_text.push_back(args.raw ? text : bench::join(bench::plain_words(text), args.explicit_or ? " OR " : " "));
  }

  std::vector<Row> rows;
  bool ok = true;
  for (const Config& cfg : args.configs) {
    memvid::FindOptions opts;
    opts.k = args.k;
    opts.snippet_chars = 0;
    opts.title_weight = args.title_weight;
    opts.mode = cfg.mode;
    opts.fusion = cfg.fusion;
    opts.semantic_weight = cfg.semantic_weight;
    opts.candidates = args.candidates;
    opts.semantic_floor = cfg.semantic_floor;

    std::string run_path;
    if (args.table) {
      const fs::path out_dir = args.out.empty() ? scratch.path() : fs::path(args.out);
      fs::create_directories(out_dir);
      run_path = (out_dir / (cfg.name + ".run")).string();
    } else {
      run_path = args.out.empty() ? (scratch.path() / "run.trec").string() : args.out;
    }
    std::printf("\n-- %s (mode %s, fusion %s, semantic_weight %g) --\n", cfg.name.c_str(),
                std::string(memvid::to_string(cfg.mode)).c_str(), std::string(memvid::to_string(cfg.fusion)).c_str(),
                cfg.semantic_weight);
    std::FILE* out = std::fopen(run_path.c_str(), "w");
    if (out == nullptr) throw std::runtime_error("cannot write " + run_path);
    Row row;
    row.name = cfg.name;
    std::vector<double> lat;
    std::size_t unknown_frames = 0, uri_mismatch = 0, top10 = 0, sem_only = 0, lex_only = 0;
    for (std::size_t rep = 0; rep < args.reps; ++rep) {
      for (std::size_t qi = 0; qi < queries.size(); ++qi) {
        const std::string& qid = queries[qi].first;
        const std::string& q = query_text[qi];
        memvid::FindResult res;
        const auto tq = bench::Clock::now();
        try {
          res = mem.find(q, opts);
        } catch (const std::exception& e) {
          lat.push_back(bench::ms_since(tq));
          if (rep == 0) {
            ++row.errors;
            std::fprintf(stderr, "query %s failed: %s\n  query: %s\n", qid.c_str(), e.what(), q.c_str());
          }
          continue;
        }
        lat.push_back(bench::ms_since(tq));
        if (rep > 0) continue;
        if (!res.note.empty() && row.note.empty()) row.note = res.note;
        if (res.hits.empty()) {
          ++row.zero_hits;
          std::fprintf(stderr, "query %s: zero hits: %s\n", qid.c_str(), q.c_str());
        }
        for (const auto& h : res.hits) {
          auto it = frame_to_doc.find(h.id);
          if (it == frame_to_doc.end()) {
            ++unknown_frames;
            continue;
          }
          if (h.uri != "scifact:" + it->second) ++uri_mismatch;
          if (h.rank <= 10) {
            ++top10;
            if (h.semantic_match && !h.lexical_match) ++sem_only;
            if (h.lexical_match && !h.semantic_match) ++lex_only;
          }
          std::fprintf(out, "%s Q0 %s %zu %.6f memvid\n", qid.c_str(), it->second.c_str(), h.rank, h.score);
        }
      }
    }
    std::fclose(out);
    row.p50 = bench::percentile(lat, 50);
    row.p99 = bench::percentile(lat, 99);
    row.mean = bench::mean(lat);
    if (top10 > 0) {
      row.sem_only_top10 = static_cast<double>(sem_only) / static_cast<double>(top10);
      row.lex_only_top10 = static_cast<double>(lex_only) / static_cast<double>(top10);
    }
    std::printf("queries: %zu, p50 %.3f ms, p99 %.3f ms, mean %.3f ms, max %.3f ms; zero-hit %zu, errors %zu\n",
                lat.size(), row.p50, row.p99, row.mean, bench::percentile(lat, 100), row.zero_hits, row.errors);
    std::printf("top-10 hits found by one retriever only: semantic %.1f %%, lexical %.1f %%\n",
                100 * row.sem_only_top10, 100 * row.lex_only_top10);
    if (!row.note.empty()) std::printf("note: %s\n", row.note.c_str());
    if (unknown_frames > 0 || uri_mismatch > 0) {
      std::printf("WARNING: %zu hits with an unknown frame id, %zu hits whose uri does not match the frame\n",
                  unknown_frames, uri_mismatch);
    }
    std::printf("run file: %s\n", run_path.c_str());
    std::fflush(stdout);
    ok = score_run(args, run_path, qrels, row) && ok;
    ok = ok && row.errors == 0;
    rows.push_back(std::move(row));
  }

  if (args.table) {
    auto m = [](const Row& r, const char* key) {
      auto it = r.metrics.find(key);
      return it == r.metrics.end() ? -1.0 : it->second;
    };
    std::printf("\n| memvid config | nDCG@10 | Recall@10 | Recall@100 | MRR@10 | query p50 ms | p99 ms | "
                "top-10 sem-only / lex-only | zero-hit |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const Row& r : rows) {
      std::printf("| %s | %.4f | %.4f | %.4f | %.4f | %.3f | %.3f | %.1f %% / %.1f %% | %zu |\n", r.name.c_str(),
                  m(r, "nDCG@10"), m(r, "Recall@10"), m(r, "Recall@100"), m(r, "MRR@10"), r.p50, r.p99,
                  100 * r.sem_only_top10, 100 * r.lex_only_top10, r.zero_hits);
    }
    std::fflush(stdout);
  }
  return ok ? 0 : 1;
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
