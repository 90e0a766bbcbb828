// memvid update FILE --frame N ... and memvid delete FILE --frame N: the two ways an existing
// frame changes status. Neither rewrites the old frame's bytes.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/records.hpp"
#include "output.hpp"

namespace memvid::cli {

void add_update_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path;
    FrameId frame = 0;
    std::string text;
    std::string input;
    MetaFlags meta;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("update", "Replace a frame by a new one that supersedes it");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--frame", args->frame, "Id of the frame to replace")->required()->check(non_negative_integer());
  auto* text = cmd->add_option("--text", args->text, "New text");
  auto* input = cmd->add_option("--input", args->input, "Read the new payload from this file");
  text->excludes(input);
  add_meta_flags(*cmd, args->meta);
  cmd->footer(
      "What is not given is kept from the old frame (payload, title, URI, tags, labels, metadata, kind, parent); "
      "--tag/--label replace the old lists. The new frame's time is --timestamp or now.");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, cmd, &global] {
                        // Read the file first: a missing input should not cost a lock.
                        std::optional<std::string> payload;
                        if (cmd->count("--text") > 0) payload = args->text;
                        else if (cmd->count("--input") > 0) payload = read_whole_file(args->input);
                        const RecordDefaults d = args->meta.defaults();

                        Memvid mem = Memvid::open(args->path, open_options(global));
                        Frame old = mem.frame(args->frame);
                        Document doc;
                        doc.payload = payload ? std::move(*payload) : std::move(old.payload);
                        doc.kind = d.kind.value_or(old.kind);
                        doc.title = d.title.value_or(old.title);
                        doc.uri = d.uri.value_or(old.uri);
                        doc.tags = args->meta.given("--tag") ? d.tags : old.tags;
                        doc.labels = args->meta.given("--label") ? d.labels : old.labels;
                        doc.metadata_json = args->meta.given("--metadata") ? d.metadata_json : old.metadata_json;
                        doc.timestamp_ms = d.timestamp_ms;
                        doc.parent = old.parent;
                        doc.chunk_bytes = old.chunk_bytes;
                        doc.chunk_overlap = old.chunk_overlap;
                        // An unchanged text keeps its vector (it may have come from the caller);
                        // a changed one is embedded again unless a vector is given.
                        if (args->meta.given("--vector"))
                          doc.embedding = parse_vector_json(args->meta.vector, "--vector");
                        else if (!payload && doc.title == old.title)
                          doc.embedding = old.embedding;
                        doc.embedding_model = args->meta.vector_model;
                        const FrameId new_id = mem.update(args->frame, doc);
                        mem.close();
                        if (global.json)
                          print_json({{"frame_id", new_id}, {"superseded", args->frame}});
                        else
                          std::cout << "added frame " << new_id << "; frame " << args->frame << " is superseded\n";
                      }});
}

void add_delete_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path;
    FrameId frame = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("delete", "Mark a frame deleted (it stays visible with timeline --all)");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--frame", args->frame, "Frame id")->required()->check(non_negative_integer());
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, &global] {
                        Memvid mem = Memvid::open(args->path, open_options(global));
                        mem.delete_frame(args->frame);
                        mem.close();
                        if (global.json)
                          print_json({{"deleted", args->frame}});
                        else
                          std::cout << "deleted frame " << args->frame << '\n';
                      }});
}

}  // namespace memvid::cli
