// memvid stats FILE: counts and sizes, from a read-only open.
#include <iostream>
#include <memory>
#include <utility>

#include "commands.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

void add_stats_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("stats", "Frame counts, sizes and write-ahead log use");
  add_file_argument(*cmd, *path);
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [path, &global] {
                        Memvid mem = Memvid::open_read_only(*path, open_options(global));
                        const Stats s = mem.stats();
                        mem.close();
                        // The field list drives both outputs, so text and JSON cannot drift apart.
                        Json out{{"path", *path}};
                        out.update(to_json(s));
                        if (global.json) {
                          print_json(out);
                          return;
                        }
                        for (const auto& [name, value] : out.items()) {
                          std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
                          if (value.is_boolean()) shown = value.get<bool>() ? "yes" : "no";
                          if (name == "embedding_model" && shown.empty()) shown = "none";
                          if (shown.empty()) continue;
                          std::cout << name << std::string(26 - std::min<std::size_t>(25, name.size()), ' ') << shown << '\n';
                        }
                      }});
}

}  // namespace memvid::cli
