// memvid: the command-line tool. This file only wires commands together and turns what
// they throw into exit codes; each command lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "output.hpp"
#include "version.hpp"

namespace {

using Adder = void (*)(CLI::App&, memvid::cli::GlobalOptions&, memvid::cli::Registry&);

// Every command, with the top-level names it registers, in `memvid --help` order. Building
// CLI11's parser for all of them costs a short command about a millisecond, so a command line
// that names one registers that one alone; anything else (help, --version, a name not listed
// here) registers them all, so that help and error messages list every command.
struct CommandEntry {
  std::string_view names;  // separated by spaces
  Adder add;
};

bool names_command(const CommandEntry& entry, std::string_view word) {
  for (std::string_view rest = entry.names; !rest.empty();) {
    const std::size_t space = rest.find(' ');
    if (rest.substr(0, space) == word) return true;
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return false;
}

const std::vector<CommandEntry>& command_table() {
  using namespace memvid::cli;
  static const std::vector<CommandEntry> table = {
      {"create", add_create_command},
      {"put", add_put_command},
      {"put-many", add_put_many_command},
      {"view", add_view_command},
      {"update", add_update_command},
      {"delete", add_delete_command},
      {"find", add_find_command},
      {"ask", add_ask_command},
      {"vec-search", add_vec_search_command},
      {"timeline", add_timeline_command},
      {"when", add_when_command},
      {"session", add_session_commands},
      {"audit", add_audit_command},
      {"memories state facts export enrich correct schema follow", add_facts_commands},
      {"stats", add_stats_command},
      {"verify-single-file", add_verify_single_file_command},
      {"verify", add_verify_command},
      {"inspect", add_inspect_command},
      {"dump-catalog", add_dump_catalog_command},
      {"doctor", add_doctor_command},
      {"compact", add_compact_command},
      {"snapshot", add_snapshot_command},
      {"restore", add_restore_command},
      {"who", add_who_command},
      {"nudge", add_nudge_command},
      {"lock", add_lock_command},
      {"unlock", add_unlock_command},
      {"version", add_version_command},
  };
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace memvid::cli;
  CLI::App app{"memvid: a crash-safe, single-file AI memory (.mv2)", "memvid"};
  app.footer(exit_codes_help());
  app.set_version_flag("--version", "memvid " + std::string(kVersion));
  app.require_subcommand(1);

  GlobalOptions global;
  Registry registry;
  const std::string_view named = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  const CommandEntry* only = nullptr;
  for (const CommandEntry& entry : command_table())
    if (!named.empty() && names_command(entry, named)) only = &entry;
  if (only != nullptr) {
    only->add(app, global, registry);
  } else {
    for (const CommandEntry& entry : command_table()) entry.add(app, global, registry);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive here too, with exit code 0; every real parse error is a
    // usage error whatever number CLI11 gives it.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  for (const Command& command : registry) {
    if (!command.app->parsed()) continue;
    // Warnings (work committed, a later step failed; an empty stray sidecar stepped around)
    // never change the exit code: the command did what it said.
    try {
      command.run();
      report_warnings(global.json);
      return kExitOk;
    } catch (const CommandError& e) {
      report_warnings(global.json);
      report_error(memvid::to_string(e.code()), e.what(), global.json);
      return e.exit_code();
    } catch (const memvid::Error& e) {
      report_warnings(global.json);
      report_error(memvid::to_string(e.code()), e.what(), global.json);
      return exit_code_for(e.code());
    } catch (const std::bad_alloc&) {
      report_warnings(global.json);
      report_error("OutOfMemory", "out of memory", global.json);
      return kExitOther;
    } catch (const std::exception& e) {
      report_warnings(global.json);
      report_error("Internal", e.what(), global.json);
      return kExitOther;
    }
  }
  return kExitUsage;  // unreachable: require_subcommand(1) guarantees one ran
}
