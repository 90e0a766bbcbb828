// In-process latency of Memvid::find at several memory sizes (see bench/README.md).
//
//   memvid_find_bench [--corpus PATH] [--sizes 1000,10000,50000,200000] [--queries PATH]
//                     [--regen-queries] [--gen-queries-only] [--reps N] [--k N]
//                     [--snippet-chars N] [--json OUT] [--keep]
//
// For each size N: the first N documents of the 50K corpus (200K = the corpus four times,
// copies 2-4 with "#copyC" appended to the uri, so every document is its own frame) are put
// into a fresh memory with put_many in batches of 10K documents, then commit() and seal():
// that is the ingest time. The memory is reopened read-only; one untimed pass over the
// queries warms it, then --reps timed passes measure every find() call (k=10, default
// snippets). Latency is reported per query class (one term, 2-4 terms, quoted phrase) as
// p50 / p99 / mean.
//
// The queries come from the query-mix file (default bench/queries/mix.txt). If it does not
// exist (or with --regen-queries) it is generated from the first 1,000 corpus documents with
// a fixed seed, so that it is the same on every machine and every query can match at every
// size, and written there; --gen-queries-only stops after that.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.hpp"
#include "memvid/memvid.hpp"

#ifndef MEMVID_BENCH_CORPUS_DEFAULT
#define MEMVID_BENCH_CORPUS_DEFAULT "../shared/bench/corpus50k.jsonl.zst"
#endif
#ifndef MEMVID_BENCH_QUERIES_DEFAULT
#define MEMVID_BENCH_QUERIES_DEFAULT "bench/queries/mix.txt"
#endif

namespace {

namespace fs = bench::fs;

struct Args {
  std::string corpus;
  std::string queries = MEMVID_BENCH_QUERIES_DEFAULT;
  std::vector<std::size_t> sizes = {1000, 10000, 50000, 200000};
  bool regen = false;
  bool gen_only = false;
  int reps = 3;
  std::size_t k = 10;
  std::size_t snippet_chars = 200;  // FindOptions default
  std::string json_out;
  bool keep = false;
  std::string memory;  // --memory: time the queries on this memory instead of building one
  std::size_t num_queries = 300;
  std::uint64_t seed = 20240531;
  std::size_t batch = 10000;  // documents per put_many (1: one transaction per document)
  memvid::SearchMode mode = memvid::SearchMode::Auto;  // FindOptions default
};

[[noreturn]] void usage(const char* msg) {
  if (msg != nullptr) std::cerr << "memvid_find_bench: " << msg << "\n";
  std::cerr
      << "usage: memvid_find_bench [options]\n"
         "  --corpus PATH        JSONL(.zst) corpus (default $MEMVID_BENCH_CORPUS or " MEMVID_BENCH_CORPUS_DEFAULT ")\n"
         "  --sizes LIST         memory sizes in documents (default 1000,10000,50000,200000)\n"
         "  --queries PATH       query-mix file (default " MEMVID_BENCH_QUERIES_DEFAULT ")\n"
         "  --regen-queries      regenerate the query-mix file even if it exists\n"
         "  --gen-queries-only   write the query-mix file and exit\n"
         "  --num-queries N      queries to generate (default 300, a third per class)\n"
         "  --reps N             timed passes over the queries per size (default 3)\n"
         "  --k N                hits per query (default 10)\n"
         "  --snippet-chars N    FindOptions::snippet_chars (default 200, the library default)\n"
         "  --batch N            documents per put_many call (default 10000; 1 = a commit per document)\n"
         "  --mode M             FindOptions::mode: auto (default, the library default), lex or sem\n"
         "  --json OUT           also write every figure as JSON\n"
         "  --keep               keep the scratch directory and its memories\n"
         "  --memory PATH        time the queries on an existing memory (no ingest; --sizes ignored)\n";
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  const char* env = std::getenv("MEMVID_BENCH_CORPUS");
  a.corpus = env != nullptr && *env != '\0' ? env : MEMVID_BENCH_CORPUS_DEFAULT;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--corpus") {
      a.corpus = value();
    } else if (arg == "--queries") {
      a.queries = value();
    } else if (arg == "--sizes") {
      a.sizes.clear();
      std::string list = value();
      std::size_t pos = 0;
      while (pos <= list.size()) {
        std::size_t end = list.find(',', pos);
        if (end == std::string::npos) end = list.size();
        std::string item = list.substr(pos, end - pos);
        if (!item.empty()) {
          std::size_t mult = 1;
          if (item.back() == 'K' || item.back() == 'k') {
            mult = 1000;
            item.pop_back();
          }
          a.sizes.push_back(std::stoul(item) * mult);
        }
        pos = end + 1;
      }
    } else if (arg == "--regen-queries") {
      a.regen = true;
    } else if (arg == "--gen-queries-only") {
      a.gen_only = true;
    } else if (arg == "--num-queries") {
      a.num_queries = std::stoul(value());
    } else if (arg == "--reps") {
      a.reps = std::stoi(value());
    } else if (arg == "--k" || arg == "-k") {
      a.k = std::stoul(value());
    } else if (arg == "--snippet-chars") {
      a.snippet_chars = std::stoul(value());
    } else if (arg == "--json") {
      a.json_out = value();
    } else if (arg == "--mode") {
      const auto m = memvid::search_mode_from_string(value());
      if (!m) usage("--mode takes lex, auto or sem");
      a.mode = *m;
    } else if (arg == "--batch") {
      a.batch = std::max<std::size_t>(1, std::stoul(value()));
    } else if (arg == "--keep") {
      a.keep = true;
    } else if (arg == "--memory") {
      a.memory = value();
    } else if (arg == "--help" || arg == "-h") {
      usage(nullptr);
    } else {
      usage(("unknown argument " + arg).c_str());
    }
  }
  return a;
}

struct CorpusDoc {
  std::string title;
  std::string text;
  std::string uri;
};

std::vector<CorpusDoc> load_corpus(const std::string& path) {
  const std::string data = bench::read_file_bytes(path);
  std::vector<CorpusDoc> out;
  out.reserve(50000);
  for (std::string_view line : bench::split_lines(data)) {
    const auto j = nlohmann::json::parse(line);
    out.push_back({j.value("title", std::string()), j.value("text", std::string()), j.value("uri", std::string())});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Query generation: deterministic (splitmix64, no std distributions, whose output differs
// between standard libraries).

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t s_;
};

const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> words = {
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
      "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
      "did", "do", "does", "doing", "down", "during", "each", "either", "else", "etc", "ever", "every", "few",
      "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
      "himself", "his", "how", "however", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me",
      "might", "more", "most", "must", "my", "myself", "near", "neither", "no", "nor", "not", "now", "of", "off",
      "on", "once", "one", "only", "or", "other", "otherwise", "our", "ours", "ourselves", "out", "over", "own",
      "same", "shall", "she", "should", "since", "so", "some", "such", "than", "that", "the", "their", "theirs",
      "them", "themselves", "then", "there", "these", "they", "this", "those", "though", "through", "thus", "to",
      "too", "under", "until", "up", "upon", "us", "use", "used", "using", "very", "via", "was", "we", "were",
      "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with",
      "within", "without", "would", "yet", "you", "your", "yours", "yourself", "yourselves"};
  return words;
}

// A word of a document text, with whether it is separated from the next word by exactly one
// space (so that two or three of them in a row form a phrase as written).
struct Token {
  std::string word;  // lowercased
  bool eligible = false;
  bool space_after = false;  // followed by exactly one ' ' and then the next token
};

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    bool letters_only = true;
    while (j < text.size()) {
      const auto d = static_cast<unsigned char>(text[j]);
      const bool alpha = (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z');
      const bool other = (d >= '0' && d <= '9') || d >= 0x80 || d == '_';
      if (!alpha && !other) break;
      if (!alpha) letters_only = false;
      ++j;
    }
    Token t;
    t.word.reserve(j - i);
    for (std::size_t p = i; p < j; ++p) {
      const char ch = text[p];
      t.word += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    }
    t.eligible = letters_only && t.word.size() >= 3 && stop_words().count(t.word) == 0;
    // Only a single space between this word and the next one keeps them a phrase.
    t.space_after = j + 1 < text.size() && text[j] == ' ' &&
                    ((text[j + 1] >= 'a' && text[j + 1] <= 'z') || (text[j + 1] >= 'A' && text[j + 1] <= 'Z'));
    out.push_back(std::move(t));
    i = j;
  }
  return out;
}

std::vector<bench::MixQuery> generate_queries(const std::vector<CorpusDoc>& corpus, std::size_t count,
                                              std::uint64_t seed) {
  const std::size_t source_docs = std::min<std::size_t>(1000, corpus.size());
  std::vector<std::vector<Token>> toks(source_docs);
  for (std::size_t i = 0; i < source_docs; ++i) toks[i] = tokenize(corpus[i].text);
  Rng rng(seed);
  std::vector<bench::MixQuery> out;
  std::set<std::string> seen;
  const std::size_t per_class = count / 3;
  const std::size_t counts[3] = {per_class, per_class, count - 2 * per_class};
  const char* classes[3] = {"term", "multi", "phrase"};
  for (int cls = 0; cls < 3; ++cls) {
    std::size_t made = 0;
    std::size_t attempts = 0;
    while (made < counts[cls]) {
      if (++attempts > 1000000) throw std::runtime_error("cannot generate enough queries from the corpus");
      const auto& t = toks[rng.below(source_docs)];
      std::vector<std::size_t> eligible;
      for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].eligible && t[i].word.size() >= 4) eligible.push_back(i);
      }
      if (eligible.empty()) continue;
      std::string q;
      if (cls == 0) {
        q = t[eligible[rng.below(eligible.size())]].word;
      } else if (cls == 1) {
        const std::size_t n = 2 + rng.below(3);  // 2..4 distinct words of the same document
        std::vector<std::string> words;
        for (std::size_t tries = 0; words.size() < n && tries < 50; ++tries) {
          const std::string& w = t[eligible[rng.below(eligible.size())]].word;
          if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
        }
        if (words.size() < n) continue;
        q = bench::join(words, " ");
      } else {
        const std::size_t n = 2 + rng.below(2);  // 2..3 consecutive words
        const std::size_t start = rng.below(t.size());
        // The first run of n eligible words, one space apart, at or after start.
        bool found = false;
        for (std::size_t s = start; s + n <= t.size() && !found; ++s) {
          bool ok = true;
          for (std::size_t p = s; p < s + n && ok; ++p) {
            ok = t[p].eligible && (p + 1 == s + n || t[p].space_after);
          }
          if (ok) {
            std::vector<std::string> words;
            for (std::size_t p = s; p < s + n; ++p) words.push_back(t[p].word);
            q = "\"";
            q += bench::join(words, " ");
            q += '"';
            found = true;
          }
        }
        if (!found) continue;
      }
      if (!seen.insert(q).second) continue;
      out.push_back({classes[cls], q});
      ++made;
    }
  }
  // Interleave the classes (term, multi, phrase, term, ...) so that any prefix of the file is
  // a balanced sample.
  std::vector<bench::MixQuery> mixed;
  for (std::size_t i = 0; i < per_class + 1; ++i) {
    for (int cls = 0; cls < 3; ++cls) {
      const std::size_t idx = (cls == 0 ? 0 : cls == 1 ? counts[0] : counts[0] + counts[1]) + i;
      const std::size_t end = cls == 0 ? counts[0] : cls == 1 ? counts[0] + counts[1] : out.size();
      if (idx < end) mixed.push_back(out[idx]);
    }
  }
  return mixed;
}

// ---------------------------------------------------------------------------------------------
// Measurement

struct ClassStats {
  std::vector<double> ms;
  std::size_t queries = 0;
  std::size_t zero_hit = 0;
  std::size_t errors = 0;
  double hits_total = 0;
};

struct SizeResult {
  std::size_t docs = 0;
  std::uint64_t raw_bytes = 0;    // title + text
  std::uint64_t file_bytes = 0;
  double ingest_ms = 0;           // put_many batches + commit + seal
  double put_many_ms = 0;
  std::vector<double> batch_ms;   // each put_many call
  double commit_ms = 0;
  double seal_ms = 0;
  double open_ms = 0;             // open_read_only
  double first_query_ms = 0;      // the first find() on the fresh handle
  std::map<std::string, ClassStats> classes;  // + "all"
  std::vector<std::string> error_samples;
  std::vector<std::string> zero_hit_samples;
  std::vector<std::pair<double, std::string>> slowest;  // (ms, query)
};

std::vector<memvid::Document> make_docs(const std::vector<CorpusDoc>& corpus, std::size_t n, std::uint64_t* raw) {
  std::vector<memvid::Document> docs;
  docs.reserve(n);
  *raw = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const CorpusDoc& c = corpus[i % corpus.size()];
    const std::size_t copy = i / corpus.size();
    memvid::Document d;
    d.title = c.title;
    d.payload = c.text;
    d.uri = copy == 0 ? c.uri : c.uri + "#copy" + std::to_string(copy + 1);
    *raw += d.title.size() + d.payload.size();
    docs.push_back(std::move(d));
  }
  return docs;
}

// Puts docs into a new memory at path in batches of --batch, timing each batch, the commit and the seal.
void ingest(const Args& args, std::vector<memvid::Document>& docs, const std::string& path, std::size_t n, SizeResult& r) {
  std::fprintf(stderr, "[%zu] ingest ...\n", n);
  const auto t0 = bench::Clock::now();
  {
    memvid::CreateOptions co;
    co.capacity_bytes = r.raw_bytes * 2;
    auto mem = memvid::Memvid::create(path, co);
    const std::size_t kBatch = args.batch;
    for (std::size_t b = 0; b < docs.size(); b += kBatch) {
      std::vector<memvid::Document> batch(std::make_move_iterator(docs.begin() + static_cast<std::ptrdiff_t>(b)),
                                          std::make_move_iterator(docs.begin() + static_cast<std::ptrdiff_t>(
                                                                                     std::min(docs.size(), b + kBatch))));
      const auto tb = bench::Clock::now();
      mem.put_many(batch);
      r.batch_ms.push_back(bench::ms_since(tb));
    }
    r.put_many_ms = bench::ms_since(t0);
    const auto tc = bench::Clock::now();
    mem.commit();
    r.commit_ms = bench::ms_since(tc);
    const auto ts = bench::Clock::now();
    mem.seal();
    r.seal_ms = bench::ms_since(ts);
  }
  r.ingest_ms = bench::ms_since(t0);
}

SizeResult measure_size(const Args& args, const std::vector<CorpusDoc>& corpus, std::size_t n,
                        const std::vector<bench::MixQuery>& queries, const fs::path& dir) {
  SizeResult r;
  r.docs = n;
  const bool reuse = !args.memory.empty();
  auto docs = reuse ? std::vector<memvid::Document>{} : make_docs(corpus, n, &r.raw_bytes);
  const std::string path = reuse ? args.memory : (dir / ("find_" + std::to_string(n) + ".mv2")).string();
  if (!reuse) ingest(args, docs, path, n, r);
  docs.clear();
  docs.shrink_to_fit();
  r.file_bytes = fs::file_size(path);
  std::fprintf(stderr, "[%zu] ingest %.0f ms, file %.1f MB; queries ...\n", n, r.ingest_ms,
               static_cast<double>(r.file_bytes) / 1e6);

  const auto t1 = bench::Clock::now();
  auto mem = memvid::Memvid::open_read_only(path);
  r.open_ms = bench::ms_since(t1);
  if (reuse) r.docs = mem.frame_count();

  memvid::FindOptions opts;
  opts.k = args.k;
  opts.snippet_chars = args.snippet_chars;
  opts.mode = args.mode;

  // Pass 0 warms (untimed, except the very first call); passes 1..reps are measured.
  for (int pass = 0; pass <= args.reps; ++pass) {
    for (std::size_t qi = 0; qi < queries.size(); ++qi) {
      const auto& q = queries[qi];
      const auto tq = bench::Clock::now();
      std::size_t hits = 0;
      bool failed = false;
      std::string error;
      try {
        hits = mem.find(q.text, opts).hits.size();
      } catch (const std::exception& e) {
        failed = true;
        error = e.what();
      }
      const double ms = bench::ms_since(tq);
      if (pass == 0 && qi == 0) r.first_query_ms = ms;
      if (pass == 0) {
        // Correctness counts once per query.
        for (const std::string& cls : {q.cls, std::string("all")}) {
          ClassStats& s = r.classes[cls];
          ++s.queries;
          s.hits_total += static_cast<double>(hits);
          if (failed) {
            ++s.errors;
          } else if (hits == 0) {
            ++s.zero_hit;
          }
        }
        if (failed && r.error_samples.size() < 10) r.error_samples.push_back(q.text + "  ->  " + error);
        if (!failed && hits == 0 && r.zero_hit_samples.size() < 10) r.zero_hit_samples.push_back(q.text);
        continue;
      }
      r.classes[q.cls].ms.push_back(ms);
      r.classes["all"].ms.push_back(ms);
      r.slowest.emplace_back(ms, q.text);
    }
  }
  std::sort(r.slowest.begin(), r.slowest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (r.slowest.size() > 5) r.slowest.resize(5);
  mem.close();
  if (!args.keep && !reuse) fs::remove(path);
  return r;
}

std::string human_bytes(double b) {
  char buf[64];
  if (b >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  } else if (b >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f kB", b / 1e3);
  }
  return buf;
}

void print_tables(const Args& args, const std::vector<SizeResult>& results, std::size_t nq) {
  std::printf("\nIngest (put_many in batches of %zu documents + commit + seal; SyncMode::Full):\n\n", args.batch);
  std::printf("| docs | ingest | docs/s | file | bytes/doc | file / raw (title+text) | open_read_only | first find |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : results) {
    std::printf("| %zu | %.3f s | %.0f | %s | %.0f | %.3f | %.2f ms | %.2f ms |\n", r.docs, r.ingest_ms / 1e3,
                static_cast<double>(r.docs) / (r.ingest_ms / 1e3), human_bytes(static_cast<double>(r.file_bytes)).c_str(),
                static_cast<double>(r.file_bytes) / static_cast<double>(r.docs),
                static_cast<double>(r.file_bytes) / static_cast<double>(r.raw_bytes), r.open_ms, r.first_query_ms);
  }
  std::printf("\nfind latency, warm, mode %s, k=%zu, snippet_chars=%zu, %zu queries x %d passes:\n\n",
              std::string(memvid::to_string(args.mode)).c_str(), args.k, args.snippet_chars, nq, args.reps);
  std::printf("| docs | class | queries | p50 ms | p90 ms | p99 ms | mean ms | max ms | mean hits | zero-hit | errors |\n");
  std::printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : results) {
    for (const char* cls : {"term", "multi", "phrase", "all"}) {
      auto it = r.classes.find(cls);
      if (it == r.classes.end()) continue;
      const ClassStats& s = it->second;
      std::printf("| %zu | %s | %zu | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %zu | %zu |\n", r.docs, cls,
                  s.queries, bench::percentile(s.ms, 50), bench::percentile(s.ms, 90), bench::percentile(s.ms, 99),
                  bench::mean(s.ms),
                  bench::percentile(s.ms, 100), s.queries ? s.hits_total / static_cast<double>(s.queries) : 0.0,
                  s.zero_hit, s.errors);
    }
  }
  for (const auto& r : results) {
    if (!r.slowest.empty()) {
      std::printf("\n[%zu docs] slowest calls:", r.docs);
      for (const auto& [ms, q] : r.slowest) std::printf("  %.2f ms %s;", ms, q.c_str());
      std::printf("\n");
    }
    if (!r.zero_hit_samples.empty()) {
      std::printf("[%zu docs] zero-hit queries (up to 10):", r.docs);
      for (const auto& q : r.zero_hit_samples) std::printf("  %s;", q.c_str());
      std::printf("\n");
    }
    if (!r.error_samples.empty()) {
      std::printf("[%zu docs] failed queries (up to 10):\n", r.docs);
      for (const auto& e : r.error_samples) std::printf("    %s\n", e.c_str());
    }
  }
}

nlohmann::json to_json(const Args& args, const std::vector<SizeResult>& results) {
  nlohmann::json j;
  j["config"] = {{"corpus", args.corpus}, {"queries", args.queries}, {"reps", args.reps}, {"k", args.k},
                 {"snippet_chars", args.snippet_chars}, {"sync", "full"}, {"batch_docs", args.batch},
                 {"mode", std::string(memvid::to_string(args.mode))}};
  double load[3] = {0, 0, 0};
  if (::getloadavg(load, 3) == 3) j["loadavg_at_end"] = {load[0], load[1], load[2]};
  j["sizes"] = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json s = {{"docs", r.docs},
                        {"raw_bytes", r.raw_bytes},
                        {"file_bytes", r.file_bytes},
                        {"bytes_per_doc", static_cast<double>(r.file_bytes) / static_cast<double>(r.docs)},
                        {"file_per_raw", static_cast<double>(r.file_bytes) / static_cast<double>(r.raw_bytes)},
                        {"ingest_ms", r.ingest_ms},
                        {"put_many_ms", r.put_many_ms},
                        {"batch_ms", r.batch_ms},
                        {"commit_ms", r.commit_ms},
                        {"seal_ms", r.seal_ms},
                        {"open_ms", r.open_ms},
                        {"first_query_ms", r.first_query_ms},
                        {"errors_sample", r.error_samples},
                        {"zero_hit_sample", r.zero_hit_samples}};
    for (const auto& [cls, st] : r.classes) {
      s["classes"][cls] = {{"queries", st.queries},
                           {"zero_hit", st.zero_hit},
                           {"errors", st.errors},
                           {"mean_hits", st.queries ? st.hits_total / static_cast<double>(st.queries) : 0.0},
                           {"p50_ms", bench::percentile(st.ms, 50)},
                           {"p90_ms", bench::percentile(st.ms, 90)},
                           {"p99_ms", bench::percentile(st.ms, 99)},
                           {"mean_ms", bench::mean(st.ms)},
                           {"max_ms", bench::percentile(st.ms, 100)},
                           {"samples_ms", st.ms}};
    }
    j["sizes"].push_back(std::move(s));
  }
  return j;
}

int run(const Args& args) {
  std::fprintf(stderr, "loading %s ...\n", args.corpus.c_str());
  const auto corpus = load_corpus(args.corpus);
  if (corpus.empty()) throw std::runtime_error("empty corpus: " + args.corpus);

  std::vector<bench::MixQuery> queries;
  if (args.regen || args.gen_only || !fs::exists(args.queries)) {
    queries = generate_queries(corpus, args.num_queries, args.seed);
    const std::string header =
        "# Query mix for the search benchmarks (bench/README.md), generated by memvid_find_bench\n"
        "# from the first 1,000 documents of corpus50k.jsonl.zst with seed " +
        std::to_string(args.seed) +
        ". CLASS<TAB>QUERY: term = one word,\n"
        "# multi = 2-4 words of one document, phrase = 2-3 consecutive words in double quotes.\n";
    fs::create_directories(fs::absolute(args.queries).parent_path());
    bench::write_mix(args.queries, queries, header);
    std::fprintf(stderr, "wrote %zu queries to %s\n", queries.size(), args.queries.c_str());
    if (args.gen_only) return 0;
  } else {
    queries = bench::read_mix(args.queries);
    std::fprintf(stderr, "read %zu queries from %s\n", queries.size(), args.queries.c_str());
  }

  bench::ScratchDir scratch("memvid_find_bench");
  if (args.keep) {
    scratch.keep();
    std::fprintf(stderr, "scratch dir (kept): %s\n", scratch.path().c_str());
  }
  std::vector<SizeResult> results;
  if (!args.memory.empty()) {
    results.push_back(measure_size(args, corpus, 0, queries, scratch.path()));
  }
  for (std::size_t n : args.memory.empty() ? args.sizes : std::vector<std::size_t>{}) {
    if (n > corpus.size() && n % corpus.size() != 0) {
      std::fprintf(stderr, "note: %zu is not a multiple of the corpus size %zu; the last copy is partial\n", n,
                   corpus.size());
    }
    results.push_back(measure_size(args, corpus, n, queries, scratch.path()));
  }
  print_tables(args, results, queries.size());
  if (!args.json_out.empty()) {
    std::ofstream out(args.json_out);
    out << to_json(args, results).dump(2) << "\n";
    std::fprintf(stderr, "wrote %s\n", args.json_out.c_str());
  }
  int failures = 0;
  for (const auto& r : results) failures += static_cast<int>(r.classes.count("all") ? r.classes.at("all").errors : 0);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "memvid_find_bench: " << e.what() << "\n";
    return 1;
  }
}
