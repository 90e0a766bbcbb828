// memvid audit FILE QUESTION [--format text|markdown|json] [-o PATH] [--top-k N] [--mode M]
//              [--scope PREFIX] [--start TIME] [--end TIME] [--use-model PROVIDER:MODEL]
// An answer with every source's provenance, for a reviewer to file (memvid/audit.hpp).
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/audit.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

void add_audit_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path, question, format = "text", output, mode = "auto", scope, start, end, model, base_url, api_key_env;
    std::size_t k = 8;
    TimeFlags time;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "audit", "Answer a question with every source's provenance (frame, uri, bytes, page, time, facts, corrections)");
  add_file_argument(*cmd, args->path);
  cmd->add_option("QUESTION", args->question, "The question")->required();
  cmd->add_option("--format", args->format, "text, markdown or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Write the report to this file instead of stdout");
  cmd->add_option("-k,--top-k", args->k, "Passages to consider")->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--mode", args->mode, "Retrieval: auto, lex or sem")
      ->check(CLI::IsMember({"auto", "lex", "sem"}))
      ->capture_default_str();
  cmd->add_option("--scope", args->scope, "Only frames whose uri starts with this");
  cmd->add_option("--start", args->start, "Only frames from this time (ms, ISO-8601 or a phrase)")
      ->check(timestamp_validator());
  cmd->add_option("--end", args->end, "Only frames up to this time (a phrase counts to its end)")
      ->check(timestamp_validator());
  add_time_flags(*cmd, args->time);
  cmd->add_option("--use-model", args->model, "A language model writes the answer (openai:gpt-4o, ollama:llama3, ...)");
  cmd->add_option("--base-url", args->base_url, "OpenAI-compatible endpoint of --use-model");
  cmd->add_option("--api-key-env", args->api_key_env, "Environment variable holding its API key");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, cmd, &global] {
                        AuditOptions o;
                        o.k = args->k;
                        o.mode = *search_mode_from_string(args->mode);
                        o.scope = args->scope;
                        const std::string zone = args->time.zone();
                        const auto anchor = args->time.anchor_ms();
                        if (cmd->count("--start") > 0)
                          o.start_ms = timestamp_flag_value(args->start, TimeEdge::First, zone, anchor);
                        if (cmd->count("--end") > 0) o.end_ms = timestamp_flag_value(args->end, TimeEdge::Last, zone, anchor);
                        o.model = args->model;
                        o.base_url = args->base_url;
                        o.api_key_env = args->api_key_env;
                        Memvid mem = open_for_recorded_read(args->path, global);
                        const AuditReport r = Audit(mem).run(args->question, o);
                        mem.close();
                        const std::string format = global.json ? "json" : args->format;
                        std::string body;
                        if (format == "json") body = to_json(r).dump(2) + "\n";
                        else if (format == "markdown") body = audit_markdown(r);
                        else body = audit_text(r);
                        if (args->output.empty()) {
                          if (format == "json") print_json(to_json(r));
                          else std::cout << body;
                          return;
                        }
                        std::ofstream out(args->output, std::ios::binary | std::ios::trunc);
                        out << body;
                        out.close();
                        if (!out) throw Error(ErrorCode::Io, "cannot write " + args->output);
                        std::cerr << "audit written to " << args->output << " (" << r.sources.size() << " sources)\n";
                      }});
}

}  // namespace memvid::cli
