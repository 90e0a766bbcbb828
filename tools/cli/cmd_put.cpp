// memvid put FILE (--text TEXT | --input PATH) [metadata flags]
// Every frame of one run goes into one transaction: an error (or a kill) part-way leaves the
// memory exactly as it was.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "input_files.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace memvid::cli {
namespace {

struct PutArgs {
  std::string path;
  std::string text;
  std::string input;
  MetaFlags meta;
};

struct PutResult {
  std::vector<FrameId> ids;
  std::vector<SkippedFile> skipped;
};

PutResult put_text(Memvid& mem, const PutArgs& args) {
  Document doc;
  doc.payload = args.text;
  RecordDefaults d = args.meta.defaults();
  doc.kind = d.kind.value_or(FrameKind::Text);
  apply_defaults(doc, d);
  if (args.meta.given("--vector")) doc.embedding = parse_vector_json(args.meta.vector, "--vector");
  doc.embedding_model = args.meta.vector_model;
  return {{mem.put(doc)}, {}};
}

PutResult put_inputs(Memvid& mem, const InputSet& inputs, const RecordDefaults& defaults) {
  PutResult result;
  result.skipped = inputs.skipped;
  ProgressBar progress(inputs.files.size());
  mem.begin();
  try {
    for (const InputFile& file : inputs.files) {
      for (const Document& doc : documents_from_file(file, defaults)) result.ids.push_back(mem.put(doc));
      progress.advance(file.size);
    }
    mem.commit();
  } catch (...) {
    progress.finish();
    if (mem.in_transaction()) mem.rollback();
    throw;
  }
  progress.finish();
  return result;
}

void print_result(const PutResult& r, const PutArgs& args, bool json) {
  if (json) {
    Json skipped = Json::array();
    for (const SkippedFile& s : r.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
    print_json({{"frame_ids", r.ids}, {"frames", r.ids.size()}, {"skipped", skipped}});
    return;
  }
  if (r.ids.size() == 1) std::cout << "added frame " << r.ids.front();
  else std::cout << "added " << r.ids.size() << " frames" << (r.ids.empty() ? "" : ": " + format_id_ranges(r.ids));
  if (!args.input.empty()) std::cout << " from " << args.input;
  std::cout << '\n';
  for (const SkippedFile& s : r.skipped) std::cout << "skipped " << s.path << ": " << s.reason << '\n';
}

}  // namespace

void add_put_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<PutArgs>();
  CLI::App* cmd = app.add_subcommand("put", "Add a text, or files (.txt .md .json .jsonl) from a file or directory");
  add_file_argument(*cmd, args->path);
  auto* text = cmd->add_option("--text", args->text, "The text of one new frame");
  auto* input = cmd->add_option("--input", args->input,
                                "A file or a directory (walked recursively); one frame per .txt/.md file, one per "
                                "record of .jsonl/.json files; other files are skipped");
  text->excludes(input);
  add_meta_flags(*cmd, args->meta);
  cmd->footer(
      "With --input, flags supply defaults: each file's frame takes its title from its first Markdown heading "
      "or its file name, its URI from its path (mv2://<relative path>), its time from the file's mtime, and "
      "kind 'document'; --title and --uri are only allowed for a single file. Tags and labels are added to "
      "every frame.");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  // Cross-flag rules run inside the parse, so breaking them is a usage error like any other.
  cmd->callback([args, cmd] {
    if (cmd->count("--text") == 0 && cmd->count("--input") == 0) throw CLI::RequiredError("--text or --input");
    if (cmd->count("--vector") > 0 && cmd->count("--text") == 0)
      throw CLI::ValidationError("--vector", "goes with --text (files and records carry no single vector)");
  });

  registry.push_back({cmd, [args, cmd, &global] {
                        PutResult result;
                        if (cmd->count("--text") > 0) {
                          Memvid mem = Memvid::open(args->path, open_options(global));
                          result = put_text(mem, *args);
                          mem.close();
                        } else {
                          const RecordDefaults defaults = args->meta.defaults();
                          InputSet inputs = collect_inputs(args->input);
                          if (inputs.from_directory && (defaults.title || defaults.uri))
                            throw Error(ErrorCode::InvalidArgument,
                                        "--title and --uri name a single frame; with a directory each file gets its own");
                          Memvid mem = Memvid::open(args->path, open_options(global));
                          result = put_inputs(mem, inputs, defaults);
                          mem.close();
                        }
                        print_result(result, *args, global.json);
                      }});
}

}  // namespace memvid::cli
