// memvid create FILE [--capacity BYTES] [--language L] [--chunk-bytes N] [--chunk-overlap N]
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "output.hpp"

namespace memvid::cli {

void add_create_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path;
    std::uint64_t capacity = 0;
    CreateOptions defaults;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("create", "Create a new, empty memory file");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--capacity", args->capacity,
                  "Expected size of the memory (e.g. 500MB, 2GiB); sizes the embedded write-ahead log")
      ->transform(CLI::AsSizeValue(true));
  cmd->add_option("--language", args->defaults.language,
                  "Stemming language of the lexical index (english, french, german, ..., or none)")
      ->capture_default_str();
  cmd->add_option("--chunk-bytes", args->defaults.chunk_bytes, "Texts longer than this are indexed in chunks")
      ->capture_default_str();
  cmd->add_option("--chunk-overlap", args->defaults.chunk_overlap, "Bytes each chunk repeats of the one before")
      ->capture_default_str();
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, &global] {
                        CreateOptions options = args->defaults;
                        options.open = open_options(global);
                        options.capacity_bytes = args->capacity;
                        Memvid mem = Memvid::create(args->path, options);
                        mem.close();
                        if (global.json)
                          print_json({{"path", args->path}, {"created", true}});
                        else
                          std::cout << "created " << args->path << '\n';
                      }});
}

}  // namespace memvid::cli
