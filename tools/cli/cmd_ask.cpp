// memvid ask FILE --question Q [-k N] [--mode auto|lex|sem] [--model PROVIDER:MODEL]
//            [--base-url URL] [--api-key-env VAR] [--context-only] [--json]
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {
namespace {

struct AskArgs {
  std::string path, question, mode = "auto", model, base_url, api_key_env, scope, as_of_ts;
  std::size_t k = 8, context_tokens = 3000, max_sentences = 4;
  int timeout_ms = 60000;
  bool context_only = false;
  std::string semantic_floor;  // empty: the default; "off"; or z
  std::string where;
  TimeFlags time;
};

void print_result(const AskResult& r, const AskArgs& args, bool json) {
  if (json) {
    print_json(to_json(r));
    return;
  }
  if (args.context_only) {
    std::cout << (r.context.empty() ? "(no relevant passages)" : r.context) << '\n';
    return;
  }
  std::cout << r.answer << '\n';
  if (!r.note.empty()) std::cout << "\n(" << r.note << ")\n";
  if (r.sources.empty()) return;
  std::cout << "\nSources:\n";
  for (const AskSource& s : r.sources) {
    std::cout << "  [" << s.number << "] #" << s.id << "  " << (s.title.empty() ? "(untitled)" : s.title);
    if (!s.uri.empty()) std::cout << "  <" << s.uri << '>';
    if (s.page > 0) std::cout << "  p. " << s.page;
    std::cout << "  " << format_timestamp_iso(s.timestamp_ms) << '\n';
    if (!s.snippet.empty()) std::cout << "      " << s.snippet << '\n';
  }
}

}  // namespace

void add_ask_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<AskArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ask", "Answer a question from the memory, with numbered citations (offline extractive answer by default)");
  add_file_argument(*cmd, args->path);
  cmd->add_option("-q,--question", args->question, "The question")->required();
  cmd->add_option("-k,--top-k", args->k, "Passages to retrieve")->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--mode", args->mode, "Retrieval: auto (lexical + semantic), lex or sem")
      ->check(CLI::IsMember({"lex", "auto", "sem"}))
      ->capture_default_str();
  cmd->add_option("--model", args->model,
                  "Language model for a written answer: openai:<model> (key in $OPENAI_API_KEY), ollama:<model>, or "
                  "<provider>:<model> with --base-url; none: extractive answer");
  cmd->add_option("--base-url", args->base_url,
                  "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (default: the provider's, or $MEMVID_LLM_URL)");
  cmd->add_option("--api-key-env", args->api_key_env,
                  "Environment variable holding the API key (default: OPENAI_API_KEY for openai:, or $MEMVID_LLM_KEY_ENV)");
  cmd->add_option("--timeout-ms", args->timeout_ms, "Language model request timeout")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  cmd->add_flag("--context-only", args->context_only, "Print the numbered passages that would be sent; no answer");
  cmd->add_option("--context-tokens", args->context_tokens, "Token budget of the passages (about 4 bytes a token)")
      ->capture_default_str()
      ->check(CLI::Range(50, 1000000));
  cmd->add_option("--semantic-floor", args->semantic_floor,
                  "A passage must be this many standard deviations closer to the question than the memory's typical "
                  "text (default 2; 'off': no floor)")
      ->check(semantic_floor_validator());
  cmd->add_option("--max-sentences", args->max_sentences, "Extractive answer: at most this many sentences")
      ->capture_default_str()
      ->check(CLI::Range(1, 50));
  cmd->add_option("--scope", args->scope, "Only frames whose uri starts with this");
  cmd->add_option("--where", args->where, "Only frames whose metadata matches this JSON object (see find --where)");
  cmd->add_option("--as-of-ts", args->as_of_ts,
                  "Only frames with a timestamp up to this (ms, ISO-8601, or a phrase such as \"last week\": its end)")
      ->check(timestamp_validator());
  add_time_flags(*cmd, args->time);
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, cmd, &global] {
                        AskOptions o;
                        o.k = args->k;
                        o.mode = *search_mode_from_string(args->mode);
                        o.model = args->model;
                        o.base_url = args->base_url;
                        o.api_key_env = args->api_key_env;
                        o.timeout_ms = args->timeout_ms;
                        o.context_only = args->context_only;
                        o.context_tokens = args->context_tokens;
                        o.max_sentences = args->max_sentences;
                        o.semantic_floor = semantic_floor_value(args->semantic_floor, o.semantic_floor);
                        o.scope = args->scope;
                        o.where = args->where;
                        o.time_zone = args->time.zone();
                        o.time_anchor_ms = args->time.anchor_ms();
                        if (cmd->count("--as-of-ts") > 0)
                          o.as_of_ms = timestamp_flag_value(args->as_of_ts, TimeEdge::Last, o.time_zone, o.time_anchor_ms);
                        Memvid mem = open_for_recorded_read(args->path, global);
                        const AskResult r = mem.ask(args->question, o);
                        mem.close();
                        print_result(r, *args, global.json);
                      }});
}

}  // namespace memvid::cli
