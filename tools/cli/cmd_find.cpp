// memvid find FILE --query Q [-k N | --top-k N] [--offset N | --cursor C] [--mode lex|auto]
//             [--snippet-chars N] [--scope PREFIX] [--no-collapse] [--as-of-frame ID] [--as-of-ts TS]
#include <unistd.h>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"

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

}  // namespace

void add_find_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path, query, cursor, mode = "lex", scope, as_of_ts;
    std::size_t k = 10, offset = 0, snippet_chars = 200;
    std::uint64_t as_of_frame = 0;
    bool no_collapse = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("find", "Search the memory (BM25; query language in docs/QUERY.md)");
  add_file_argument(*cmd, args->path);
  cmd->add_option("-q,--query", args->query, "The query, e.g. 'solar \"heat pump\" -gas title:guide'")->required();
  cmd->add_option("-k,--top-k", args->k, "How many hits")->capture_default_str()->check(CLI::Range(0, 10000));
  cmd->add_option("--offset", args->offset, "Skip this many hits (pagination)")->check(CLI::Range(0, 100000));
  cmd->add_option("--cursor", args->cursor, "Continue after a previous page (its next_cursor)");
  cmd->add_option("--mode", args->mode, "lex, or auto (lexical until a vector index exists)")
      ->check(CLI::IsMember({"lex", "auto", "sem"}))
      ->capture_default_str();
  cmd->add_option("--snippet-chars", args->snippet_chars, "Snippet length in characters (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--scope", args->scope, "Only frames whose uri starts with this");
  cmd->add_option("--as-of-frame", args->as_of_frame, "Only frames with an id up to this one");
  cmd->add_option("--as-of-ts", args->as_of_ts, "Only frames with a timestamp up to this (ms or ISO-8601)")
      ->check(timestamp_validator());
  cmd->add_flag("--no-collapse", args->no_collapse, "One hit per matching chunk instead of per document");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, cmd, &global] {
                        FindOptions o;
                        o.k = args->k;
                        o.offset = args->offset;
                        o.cursor = args->cursor;
                        o.mode = *search_mode_from_string(args->mode);
                        o.snippet_chars = args->snippet_chars;
                        o.scope = args->scope;
                        o.collapse_chunks = !args->no_collapse;
                        if (cmd->count("--as-of-frame") > 0) o.as_of_frame = args->as_of_frame;
                        if (cmd->count("--as-of-ts") > 0) o.as_of_ms = timestamp_flag_value(args->as_of_ts);
                        Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                        const FindResult r = mem.find(args->query, o);
                        mem.close();
                        if (global.json) {
                          Json hits = Json::array();
                          for (const Hit& h : r.hits) {
                            Json spans = Json::array();
                            for (const Span& s : h.highlights) spans.push_back({s.begin, s.end});
                            hits.push_back({{"rank", h.rank},
                                            {"id", h.id},
                                            {"score", h.score},
                                            {"kind", to_string(h.kind)},
                                            {"timestamp", h.timestamp_ms},
                                            {"time", format_timestamp_iso(h.timestamp_ms)},
                                            {"title", h.title},
                                            {"uri", h.uri},
                                            {"tags", h.tags},
                                            {"labels", h.labels},
                                            {"chunk", h.chunk},
                                            {"chunk_count", h.chunk_count},
                                            {"chunk_range", {h.chunk_begin, h.chunk_end}},
                                            {"snippet", h.snippet},
                                            {"highlights", spans}});
                          }
                          Json out = {{"query", args->query},
                                      {"mode", to_string(r.mode_used)},
                                      {"hits", hits},
                                      {"next_cursor", r.next_cursor.empty() ? Json(nullptr) : Json(r.next_cursor)},
                                      {"elapsed_ms", r.elapsed_ms}};
                          if (!r.note.empty()) out["note"] = r.note;
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
                          if (!h.title.empty()) std::cout << "  " << h.title;
                          if (!h.uri.empty()) std::cout << "  <" << h.uri << '>';
                          if (h.chunk_count > 1) std::cout << "  (chunk " << h.chunk + 1 << '/' << h.chunk_count << ')';
                          std::cout << '\n';
                          if (!h.snippet.empty()) std::cout << "   " << marked_snippet(h, tty) << '\n';
                        }
                        if (!r.next_cursor.empty()) std::cout << "more: --cursor " << r.next_cursor << '\n';
                      }});
}

}  // namespace memvid::cli
