// memvid version (and memvid --version, wired in main.cpp).
#include <iostream>

#include "commands.hpp"
#include "output.hpp"
#include "version.hpp"

namespace memvid::cli {

void add_version_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version");
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [&global] {
                        if (global.json)
                          print_json({{"version", kVersion}});
                        else
                          std::cout << "memvid " << kVersion << '\n';
                      }});
}

}  // namespace memvid::cli
