// memvid find FILE --query Q [-k N | --top-k N] [--offset N | --cursor C] [--mode auto|lex|sem]
//             [--snippet-chars N] [--scope PREFIX] [--where JSON] [--no-collapse] [--keep-duplicates] [--strict]
//             [--semantic-floor Z|off] [--as-of-frame ID] [--as-of-ts TS] [--vector JSON]
//             [--fusion linear|rrf] [--semantic-weight W] [--candidates N] [--ef-search N] [--tz ZONE] [--anchor TS]
// memvid vec-search FILE (--query TEXT | --vector JSON) [-k N] [...]: find --mode sem
#include <unistd.h>

#include <iostream>
#include <string>
#include <memory>

#include "commands.hpp"
#include "memvid/timestamp.hpp"
#include "memvid/records.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

namespace {

// The snippet with its highlights marked for a terminal (bold) or as [[...]] when piped.
std::string marked_snippet(const Hit& h, bool tty) {
  const std::string open = tty ? "\033[1m" : "[[", close = tty ? "\033[0m" : "]]";
  std::string out;
  std::size_t at = 0;
  for (const Span& s : h.highlights) {
    if (s.begin < at || s.end > h.snippet.size()) continue;
    out += h.snippet.substr(at, s.begin - at) + open + h.snippet.substr(s.begin, s.end - s.begin) + close;
    at = s.end;
  }
  return out + h.snippet.substr(at);
}

struct FindArgs {
  std::string path, query, cursor, mode = "auto", scope, as_of_ts, vector, vector_model, fusion = "linear";
  std::size_t k = 10, offset = 0, snippet_chars = 200, candidates = 100, ef_search = 256, nprobe = 64;
  std::uint64_t as_of_frame = 0;
  double semantic_weight = 0.2;
  std::string semantic_floor;  // empty: the default; "off"; or z
  std::string where;
  bool no_collapse = false;
  bool no_correction_boost = false;
  bool keep_duplicates = false;
  bool strict = false;
  TimeFlags time;
};

// The flags find and vec-search share.
void add_search_flags(CLI::App& cmd, FindArgs& a) {
  cmd.add_option("-k,--top-k", a.k, "How many hits")->capture_default_str()->check(CLI::Range(0, 10000));
  cmd.add_option("--offset", a.offset, "Skip this many hits (pagination)")->check(CLI::Range(0, 100000));
  cmd.add_option("--cursor", a.cursor, "Continue after a previous page (its next_cursor)");
  cmd.add_option("--snippet-chars", a.snippet_chars, "Snippet length in characters (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd.add_option("--scope", a.scope, "Only frames whose uri starts with this");
  cmd.add_option("--where", a.where,
                 "Only frames whose metadata matches this JSON object, e.g. '{\"user\":\"alice\",\"score\":{\"$gte\":3}}' "
                 "(operators $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not)");
  cmd.add_option("--as-of-frame", a.as_of_frame, "Only frames with an id up to this one");
  cmd.add_option("--as-of-ts", a.as_of_ts,
                 "Only frames with a timestamp up to this (ms, ISO-8601, or a phrase such as \"last week\": its end)")
      ->check(timestamp_validator());
  add_time_flags(cmd, a.time);
  cmd.add_option("--vector", a.vector, "Search with this query vector (a JSON array of numbers) instead of embedding the text");
  cmd.add_option("--vector-model", a.vector_model, "The model --vector came from (checked against the memory's)");
  cmd.add_flag("--keep-duplicates", a.keep_duplicates,
               "Show every copy of the same content as its own hit (by default copies fold into the first)");
  cmd.add_option("--semantic-floor", a.semantic_floor,
                 "Hits found by meaning alone must score this many standard deviations above the query's "
                 "typical similarity in this memory (default " + std::to_string(kDefaultSemanticFloor).substr(0, 3) +
                     "; 'off': no floor)")
      ->check(semantic_floor_validator());
  cmd.add_option("--ef-search", a.ef_search, "HNSW search breadth: higher is slower and finds more of the true nearest")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd.add_option("--nprobe", a.nprobe, "Compressed index: inverted lists visited")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
}

FindOptions find_options(const FindArgs& a, const CLI::App& cmd) {
  FindOptions o;
  o.k = a.k;
  o.offset = a.offset;
  o.cursor = a.cursor;
  o.mode = *search_mode_from_string(a.mode);
  o.snippet_chars = a.snippet_chars;
  o.scope = a.scope;
  o.where = a.where;
  o.collapse_chunks = !a.no_collapse;
  o.correction_boost = !a.no_correction_boost;
  o.collapse_duplicates = !a.keep_duplicates;
  o.strict = a.strict;
  o.semantic_floor = semantic_floor_value(a.semantic_floor, o.semantic_floor);
  if (cmd.count("--as-of-frame") > 0) o.as_of_frame = a.as_of_frame;
  o.time_zone = a.time.zone();
  o.time_anchor_ms = a.time.anchor_ms();
  if (cmd.count("--as-of-ts") > 0)
    o.as_of_ms = timestamp_flag_value(a.as_of_ts, TimeEdge::Last, o.time_zone, o.time_anchor_ms);
  if (cmd.count("--vector") > 0) o.query_vector = parse_vector_json(a.vector, "--vector");
  o.query_vector_model = a.vector_model;
  o.fusion = *fusion_from_string(a.fusion);
  o.semantic_weight = a.semantic_weight;
  o.candidates = a.candidates;
  o.ef_search = a.ef_search;
  o.nprobe = a.nprobe;
  return o;
}

std::string retrievers(const Hit& h) {
  if (h.lexical_match && h.semantic_match) return "lex+sem";
  return h.semantic_match ? "sem" : "lex";
}

void print_result(const FindResult& r, const std::string& query, bool json) {
  if (json) {
    Json out = {{"query", query}};
    out.update(to_json(r));
    // Which retrievers found each hit, in one word ("lex", "sem", "lex+sem").
    for (std::size_t i = 0; i < r.hits.size(); ++i) out["hits"][i]["retrievers"] = retrievers(r.hits[i]);
    print_json(out);
    return;
  }
  if (!r.note.empty()) std::cerr << "note: " << r.note << '\n';
  if (r.hits.empty()) {
    std::cout << "no hits\n";
    return;
  }
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  for (const Hit& h : r.hits) {
    std::cout << h.rank << ". #" << h.id << "  score " << h.score;
    if (r.mode_used == SearchMode::Auto) std::cout << " [" << retrievers(h) << ']';
    if (!h.title.empty()) std::cout << "  " << h.title;
    if (!h.uri.empty()) std::cout << "  <" << h.uri << '>';
    if (h.chunk_count > 1) std::cout << "  (chunk " << h.chunk + 1 << '/' << h.chunk_count << ')';
    if (h.page > 0) std::cout << "  p. " << h.page;
    if (h.duplicates > 0) std::cout << "  (+" << h.duplicates << (h.duplicates == 1 ? " copy" : " copies") << ')';
    std::cout << '\n';
    if (!h.snippet.empty()) std::cout << "   " << marked_snippet(h, tty) << '\n';
  }
  if (!r.next_cursor.empty())
    std::cout << "more (" << (r.total_hits_exact ? "" : "at least ") << r.total_hits << " hits): --cursor "
              << r.next_cursor << '\n';
}

void run_search(const FindArgs& args, const CLI::App& cmd, const GlobalOptions& global) {
  const FindOptions o = find_options(args, cmd);
  Memvid mem = open_for_recorded_read(args.path, global);
  const FindResult r = mem.find(args.query, o);
  mem.close();
  print_result(r, args.query, global.json);
}

}  // namespace

void add_find_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<FindArgs>();
  CLI::App* cmd = app.add_subcommand(
      "find", "Search the memory: BM25 and semantic, fused (query language in docs/QUERY.md)");
  add_file_argument(*cmd, args->path);
  cmd->add_option("-q,--query", args->query, "The query, e.g. 'solar \"heat pump\" -gas title:guide'")->required();
  cmd->add_option("--mode", args->mode,
                  "auto: lexical and semantic fused (lexical alone when no embedding model is available); "
                  "lex: BM25 only; sem: nearest vectors only")
      ->check(CLI::IsMember({"lex", "auto", "sem"}))
      ->capture_default_str();
  cmd->add_flag("--no-collapse", args->no_collapse, "One hit per matching chunk instead of per document (lex)");
  cmd->add_flag("--strict", args->strict,
                "Fail on text that is not valid query syntax instead of reading it as plain words");
  cmd->add_flag("--no-correction-boost", args->no_correction_boost,
                "Rank corrections (memvid correct) the query matches as any frame, without their boost");
  cmd->add_option("--fusion", args->fusion, "auto: linear (normalized scores, weighted) or rrf (reciprocal rank)")
      ->check(CLI::IsMember({"linear", "rrf"}))
      ->capture_default_str();
  cmd->add_option("--semantic-weight", args->semantic_weight, "auto, linear fusion: the cosine's share of the score")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--candidates", args->candidates, "auto: hits each retriever contributes to the fusion")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  add_search_flags(*cmd, *args);
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, cmd, &global] { run_search(*args, *cmd, global); }});
}

void add_vec_search_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<FindArgs>();
  args->mode = "sem";
  CLI::App* cmd = app.add_subcommand("vec-search", "Semantic search: the frames nearest to a text or a vector");
  add_file_argument(*cmd, args->path);
  cmd->add_option("-q,--query", args->query, "Text to embed with the memory's model");
  add_search_flags(*cmd, *args);
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  cmd->callback([cmd] {
    if ((cmd->count("--query") > 0) == (cmd->count("--vector") > 0))
      throw CLI::ValidationError("--query/--vector", "give exactly one of --query TEXT and --vector JSON");
  });

  registry.push_back({cmd, [args, cmd, &global] { run_search(*args, *cmd, global); }});
}

}  // namespace memvid::cli
