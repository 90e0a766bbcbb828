// memvid doctor / compact / export / restore: repairs, compaction and backups. Each rewrite
// goes to a temporary file that replaces its destination only once complete and synced.
#include <chrono>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/maintenance.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void print_doctor(const DoctorReport& r, bool plan_only, bool json) {
  if (json) {
    Json out = to_json(r);
    out["plan_only"] = plan_only;
    print_json(out);
    return;
  }
  std::cout << "findings:\n";
  if (r.findings.empty()) std::cout << "  (none)\n";
  for (const Finding& f : r.findings)
    std::cout << "  " << to_string(f.severity) << "  " << (f.check.empty() ? "" : f.check + ": ") << f.message << '\n';
  std::cout << "actions:\n";
  if (r.actions.empty()) std::cout << "  (none needed)\n";
  for (const DoctorAction& a : r.actions)
    std::cout << "  " << to_string(a.status) << "  " << a.name << ": " << a.description
              << (a.detail.empty() ? "" : " [" + a.detail + "]") << '\n';
  if (!r.lost_frames.empty()) std::cout << r.lost_frames.size() << " frames could not be recovered (see findings)\n";
  if (!r.backup_path.empty()) std::cout << "the damaged file is kept as " << r.backup_path << '\n';
  if (r.after) {
    const bool moved = r.output_path != r.path;
    std::cout << (r.ok ? "OK: " : "NOT OK: ") << r.output_path << " verifies " << (r.ok ? "clean" : "with failures")
              << (moved ? " (the repaired copy of " + r.path + ", which is unchanged)" : " after the repairs") << " ("
              << r.bytes_before << " -> " << r.bytes_after << " bytes)\n";
  } else if (r.output_path != r.path && !plan_only && r.actions.empty()) {
    std::cout << (r.ok ? "OK: " : "") << r.path << " needs no repair; " << r.output_path << " was not written\n";
  } else {
    std::cout << (r.ok ? "OK: " : "") << r.path
              << (r.ok ? " passes every check" : (plan_only ? " needs the actions above (--plan-only: nothing changed)"
                                                            : " needs repair"))
              << '\n';
  }
}

}  // namespace

void add_doctor_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  auto opts = std::make_shared<DoctorOptions>();
  CLI::App* cmd = app.add_subcommand("doctor", "Find what is wrong with a memory and repair it (verify --deep, then rebuild or salvage)");
  add_file_argument(*cmd, *path);
  cmd->add_flag("--plan-only", opts->plan_only, "Report findings and planned actions; change nothing");
  cmd->add_flag("--rebuild-time-index", opts->rebuild_time_index, "Regenerate the time index from the frames");
  cmd->add_flag("--rebuild-lex-index", opts->rebuild_lex_index, "Regenerate the lexical index from the frames");
  cmd->add_flag("--rebuild-vec-index", opts->rebuild_vec_index, "Regenerate the vector index from the frames");
  cmd->add_flag("--vacuum", opts->vacuum, "Drop deleted and superseded frames and dead index bytes");
  cmd->add_option("-o,--output", opts->output,
                  "Write the repaired memory to OUT (which must not exist) and leave FILE exactly as it is")
      ->type_name("OUT");
  auto no_backup = std::make_shared<bool>(false);
  cmd->add_flag("--no-backup", *no_backup,
                "A salvage in place keeps the damaged file as FILE.damaged-<time> (a hard link: no copy); this "
                "flag drops it instead");
  cmd->add_option("--lock-timeout", global.lock_timeout_ms, "Wait this long (ms) for the writer lock")->capture_default_str();
  cmd->footer("doctor repairs only memvid memories (a header, or an intact commit, of ours): any other file is "
              "refused unchanged (exit 8). A repair never loses the only copy: a salvage, which drops damaged "
              "bytes, keeps the damaged file beside the repaired one, or writes the repair elsewhere with -o.");
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [path, opts, no_backup, &global] {
                        opts->lock_timeout_ms = global.lock_timeout_ms;
                        opts->keep_backup = !*no_backup;
                        DoctorReport r = memvid::doctor(*path, *opts);
                        print_doctor(r, opts->plan_only, global.json);
                        if (!r.error.empty())
                          throw Error(r.error_code, "doctor could not repair " + r.path + ": " + r.error +
                                                        " (the memory was not changed)");
                        if (!r.ok)
                          throw Error(ErrorCode::Corrupt,
                                      r.after ? r.output_path + " still fails verification after doctor"
                                              : r.path + (opts->plan_only ? " needs repair: run doctor without --plan-only"
                                                                          : " needs repair, and doctor found nothing it can do"));
                      }});
}

void add_compact_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("compact", "Rewrite the memory without deleted and superseded frames and dead bytes");
  add_file_argument(*cmd, *path);
  cmd->add_option("-o,--output", *output, "Write the compacted memory here instead of replacing FILE");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [path, output, &global] {
                        const auto start = std::chrono::steady_clock::now();
                        Stats before, after;
                        if (output->empty()) {
                          Memvid mem = Memvid::open(*path, open_options(global));
                          before = mem.stats();
                          memvid::Maintenance(mem).compact_in_place();
                          after = mem.stats();
                          mem.close();
                        } else {
                          Memvid mem = Memvid::open_read_only(*path, open_options(global));
                          before = mem.stats();
                          memvid::Maintenance(mem).compact_to(*output);
                          mem.close();
                          Memvid out = Memvid::open_read_only(*output, open_options(global));
                          after = out.stats();
                        }
                        const std::string& dest = output->empty() ? *path : *output;
                        const double ms = ms_since(start);
                        if (global.json) {
                          print_json({{"path", *path}, {"output", dest}, {"bytes_before", before.file_bytes},
                                      {"bytes_after", after.file_bytes}, {"frames", after.frames},
                                      {"active_frames", after.active_frames},
                                      {"records_removed", before.deleted_frames + before.superseded_frames},
                                      {"elapsed_ms", ms}});
                          return;
                        }
                        std::cout << "compacted " << *path << (output->empty() ? "" : " into " + dest) << ": "
                                  << before.file_bytes << " -> " << after.file_bytes << " bytes, "
                                  << after.active_frames << " active frames kept, "
                                  << before.deleted_frames + before.superseded_frames
                                  << " deleted or superseded removed (" << static_cast<long>(ms) << " ms)\n";
                      }});
}

void run_snapshot(Memvid& mem, const std::string& path, const std::string& output, const GlobalOptions& global) {
  const auto start = std::chrono::steady_clock::now();
  const Stats s = mem.stats();
  memvid::Maintenance(mem).export_snapshot(output);
  mem.close();
  const double ms = ms_since(start);
  if (global.json) {
    print_json({{"path", path}, {"snapshot", output}, {"frames", s.frames}, {"elapsed_ms", ms}});
    return;
  }
  std::cout << "wrote a snapshot of " << s.frames << " frames of " << path << " to " << output << " ("
            << static_cast<long>(ms) << " ms)\n";
}

void add_snapshot_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("snapshot", "Write a consistent snapshot of the memory (safe while a writer is active)");
  add_file_argument(*cmd, *path);
  cmd->add_option("SNAPSHOT", *output, "Where to write the snapshot (must not exist)")->required();
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [path, output, &global] {
                        Memvid mem = Memvid::open_read_only(*path, open_options(global));
                        run_snapshot(mem, *path, *output, global);
                      }});
}

void add_restore_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto snapshot = std::make_shared<std::string>();
  auto dest = std::make_shared<std::string>();
  auto options = std::make_shared<RestoreOptions>();
  auto no_backup = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("restore", "Verify a snapshot and install it as a memory at DEST");
  cmd->add_option("SNAPSHOT", *snapshot, "The snapshot written by export")->required();
  cmd->add_option("DEST", *dest, "The memory file to create (or, with --force, replace)")->required();
  cmd->add_flag("--force", options->force,
                "Replace DEST when it is an existing memory (never another kind of file); says how many of its "
                "frames the snapshot does not hold");
  cmd->add_flag("--no-backup", *no_backup,
                "With --force, do not keep the replaced memory as DEST.replaced-<time> when it holds frames the "
                "snapshot lacks");
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [snapshot, dest, options, no_backup, &global] {
                        const auto start = std::chrono::steady_clock::now();
                        options->keep_backup = !*no_backup;
                        const RestoreReport r = memvid::restore_snapshot(*snapshot, *dest, *options);
                        const double ms = ms_since(start);
                        if (global.json) {
                          Json out = to_json(r);
                          out["elapsed_ms"] = ms;
                          print_json(out);
                          return;
                        }
                        std::cout << "restored " << r.snapshot << " to " << r.dest << " (" << r.snapshot_frames
                                  << " frames, verified; " << static_cast<long>(ms) << " ms)\n";
                        if (r.replaced) {
                          std::cout << "replaced the memory that was at " << r.dest << " (" << r.replaced_frames
                                    << " frames): ";
                          if (r.dropped_frames == 0) std::cout << "the snapshot holds every one of its frames\n";
                          else
                            std::cout << r.dropped_frames << " of its frames " << (r.dropped_frames == 1 ? "is" : "are")
                                      << " not in the snapshot and " << (r.dropped_frames == 1 ? "was" : "were") << " dropped"
                                      << (r.dropped_ids.empty() ? "" : " (ids " + format_id_ranges(r.dropped_ids) +
                                                                           (r.dropped_ids.size() < r.dropped_frames ? ", ..." : "") + ")")
                                      << '\n';
                          if (!r.backup_path.empty()) std::cout << "the replaced memory is kept as " << r.backup_path << '\n';
                        }
                      }});
}

}  // namespace memvid::cli
