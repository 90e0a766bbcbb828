// memvid put-many FILE [--jsonl PATH|-]: a batch of records (records.hpp) from a JSONL file
// or stdin, committed as one transaction. Every line is parsed before anything is written, so
// a malformed line anywhere leaves the memory untouched.
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "output.hpp"
#include "memvid/records.hpp"

namespace memvid::cli {

void add_put_many_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path;
    std::string jsonl = "-";
    bool enrich = false, no_enrich = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("put-many", "Add many frames from JSONL records in one transaction");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--jsonl", args->jsonl, "JSONL file of records; '-' or omitted: stdin");
  cmd->footer(
      "Each non-blank line is a JSON object: {\"text\": required, \"title\", \"uri\", \"tags\": [..], "
      "\"labels\": [..], \"metadata\": {..}, \"timestamp\": ms or ISO-8601, \"kind\", \"parent\"}.");
  auto* no_enrich = cmd->add_flag("--no-enrich", args->no_enrich,
                                  "Read no facts from these texts (default: as the memory was created)");
  cmd->add_flag("--enrich", args->enrich, "Read facts from these texts even if the memory was created with --no-enrich")
      ->excludes(no_enrich);
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, &global] {
                        const auto start = std::chrono::steady_clock::now();
                        std::string text;
                        std::string source;
                        if (args->jsonl == "-") {
                          text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
                          source = "stdin";
                        } else {
                          text = read_whole_file(args->jsonl);
                          source = args->jsonl;
                        }
                        std::vector<Document> docs = parse_jsonl_records(text, source);
                        if (args->no_enrich || args->enrich)
                          for (Document& d : docs) d.extract_facts = args->enrich;
                        Memvid mem = Memvid::open(args->path, open_options(global));
                        std::vector<FrameId> ids = mem.put_many(docs);
                        mem.close();
                        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - start)
                                                 .count();
                        if (global.json) {
                          Json out{{"frames", ids.size()}, {"first_id", nullptr}, {"last_id", nullptr},
                                             {"elapsed_ms", elapsed}};
                          if (!ids.empty()) {
                            out["first_id"] = ids.front();
                            out["last_id"] = ids.back();
                          }
                          print_json(out);
                        } else if (ids.empty()) {
                          std::cout << "added 0 frames (no records in " << source << ")\n";
                        } else {
                          std::cout << "added " << ids.size() << " frames: " << format_id_ranges(ids) << " in "
                                    << elapsed << " ms\n";
                        }
                      }});
}

}  // namespace memvid::cli
