#pragma once
// The command table: each cmd_*.cpp registers its subcommand with CLI11 and hands back the
// work to do once parsing succeeded. Running after the parse (rather than in CLI11
// callbacks) keeps usage errors (exit 2, CLI11's message) apart from failures of the work
// itself (exit code chosen by the memvid::Error it throws).
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

#include "memvid/memvid.hpp"
#include "options.hpp"

namespace memvid::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<void()> run;
};
using Registry = std::vector<Command>;

void add_create_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_put_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_put_many_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_view_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_update_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_delete_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_find_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_ask_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_vec_search_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_timeline_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_when_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_session_commands(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_audit_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_facts_commands(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_stats_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_verify_single_file_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_verify_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_inspect_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_dump_catalog_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_who_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_nudge_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_doctor_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_compact_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_snapshot_command(CLI::App& app, GlobalOptions& global, Registry& registry);
// A snapshot of an open memory into output, reported as the snapshot command does (also the
// old two-argument form of `export`). Closes mem.
void run_snapshot(Memvid& mem, const std::string& path, const std::string& output, const GlobalOptions& global);
void add_restore_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_version_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_lock_command(CLI::App& app, GlobalOptions& global, Registry& registry);
void add_unlock_command(CLI::App& app, GlobalOptions& global, Registry& registry);

}  // namespace memvid::cli
