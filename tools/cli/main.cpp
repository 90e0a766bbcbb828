// memvid: the command-line tool. This file only wires commands together and turns what
// they throw into exit codes; each command lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <exception>
#include <new>
#include <string>

#include "commands.hpp"
#include "output.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace memvid::cli;
  CLI::App app{"memvid: a crash-safe, single-file AI memory (.mv2)", "memvid"};
  app.footer(exit_codes_help());
  app.set_version_flag("--version", "memvid " + std::string(kVersion));
  app.require_subcommand(1);

  GlobalOptions global;
  Registry registry;
  add_create_command(app, global, registry);
  add_put_command(app, global, registry);
  add_put_many_command(app, global, registry);
  add_view_command(app, global, registry);
  add_update_command(app, global, registry);
  add_delete_command(app, global, registry);
  add_find_command(app, global, registry);
  add_ask_command(app, global, registry);
  add_vec_search_command(app, global, registry);
  add_timeline_command(app, global, registry);
  add_when_command(app, global, registry);
  add_session_commands(app, global, registry);
  add_audit_command(app, global, registry);
  add_facts_commands(app, global, registry);
  add_stats_command(app, global, registry);
  add_verify_single_file_command(app, global, registry);
  add_verify_command(app, global, registry);
  add_inspect_command(app, global, registry);
  add_dump_catalog_command(app, global, registry);
  add_doctor_command(app, global, registry);
  add_compact_command(app, global, registry);
  add_snapshot_command(app, global, registry);
  add_restore_command(app, global, registry);
  add_who_command(app, global, registry);
  add_nudge_command(app, global, registry);
  add_lock_command(app, global, registry);
  add_unlock_command(app, global, registry);
  add_version_command(app, global, registry);

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
