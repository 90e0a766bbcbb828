// memvid doctor / compact / export / restore: repairs, compaction and backups. Each rewrite
// goes to a temporary file that replaces its destination only once complete and synced.
#include <chrono>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "output.hpp"

namespace memvid::cli {

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

Json verify_json(const VerifyReport& v) {
  Json checks = Json::array();
  for (const CheckResult& c : v.checks)
    checks.push_back({{"name", c.name}, {"status", to_string(c.status)}, {"detail", c.detail}});
  return {{"ok", v.ok}, {"frames", v.frames}, {"file_bytes", v.file_bytes}, {"checks", checks},
          {"damaged_frames", v.damaged_frames}};
}

void print_doctor(const DoctorReport& r, bool plan_only, bool json) {
  if (json) {
    Json findings = Json::array(), actions = Json::array();
    for (const Finding& f : r.findings)
      findings.push_back({{"severity", to_string(f.severity)}, {"check", f.check}, {"message", f.message}});
    for (const DoctorAction& a : r.actions)
      actions.push_back({{"name", a.name}, {"description", a.description}, {"status", to_string(a.status)}, {"detail", a.detail}});
    Json out{{"path", r.path},         {"plan_only", plan_only},   {"ok", r.ok},
             {"changed", r.changed},   {"findings", findings},     {"actions", actions},
             {"frames_recovered", r.frames_recovered}, {"lost_frames", r.lost_frames},
             {"bytes_before", r.bytes_before}, {"bytes_after", r.bytes_after},
             {"before", verify_json(r.before)}};
    if (r.after) out["after"] = verify_json(*r.after);
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
  if (r.after) {
    std::cout << (r.ok ? "OK: " : "NOT OK: ") << r.path << " verifies " << (r.ok ? "clean" : "with failures")
              << " after the repairs (" << r.bytes_before << " -> " << r.bytes_after << " bytes)\n";
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
  cmd->add_option("--lock-timeout", global.lock_timeout_ms, "Wait this long (ms) for the writer lock")->capture_default_str();
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [path, opts, &global] {
                        opts->lock_timeout_ms = global.lock_timeout_ms;
                        DoctorReport r = Memvid::doctor(*path, *opts);
                        print_doctor(r, opts->plan_only, global.json);
                        if (!r.ok)
                          throw Error(ErrorCode::Corrupt, r.path + (r.after ? " still fails verification after doctor"
                                                                             : " needs repair: run doctor without --plan-only"));
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
                          mem.compact_in_place();
                          after = mem.stats();
                          mem.close();
                        } else {
                          Memvid mem = Memvid::open_read_only(*path, open_options(global));
                          before = mem.stats();
                          mem.compact_to(*output);
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

void add_export_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("export", "Write a consistent snapshot of the memory (safe while a writer is active)");
  add_file_argument(*cmd, *path);
  cmd->add_option("SNAPSHOT", *output, "Where to write the snapshot (must not exist)")->required();
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [path, output, &global] {
                        const auto start = std::chrono::steady_clock::now();
                        Memvid mem = Memvid::open_read_only(*path, open_options(global));
                        const Stats s = mem.stats();
                        mem.export_snapshot(*output);
                        mem.close();
                        const double ms = ms_since(start);
                        if (global.json) {
                          print_json({{"path", *path}, {"snapshot", *output}, {"frames", s.frames}, {"elapsed_ms", ms}});
                          return;
                        }
                        std::cout << "exported " << s.frames << " frames of " << *path << " to " << *output << " ("
                                  << static_cast<long>(ms) << " ms)\n";
                      }});
}

void add_restore_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto snapshot = std::make_shared<std::string>();
  auto dest = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("restore", "Verify a snapshot and install it as a memory (replacing DEST)");
  cmd->add_option("SNAPSHOT", *snapshot, "The snapshot written by export")->required();
  cmd->add_option("DEST", *dest, "The memory file to create or replace")->required();
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [snapshot, dest, &global] {
                        const auto start = std::chrono::steady_clock::now();
                        Memvid::restore_snapshot(*snapshot, *dest);
                        const double ms = ms_since(start);
                        if (global.json) {
                          print_json({{"snapshot", *snapshot}, {"path", *dest}, {"elapsed_ms", ms}});
                          return;
                        }
                        std::cout << "restored " << *snapshot << " to " << *dest << " (verified; "
                                  << static_cast<long>(ms) << " ms)\n";
                      }});
}

}  // namespace memvid::cli
