// memvid who FILE / memvid nudge FILE: the writer's owner record, and asking that writer to
// step aside. Neither takes a lock, so both work while a writer is busy.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

void add_who_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("who", "Show which process holds the writer lock");
  add_file_argument(*cmd, *path);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [path, &global] {
                        const OwnerInfo o = memvid::who(*path);
                        if (global.json) {
                          Json out{{"path", *path}};
                          out.update(to_json(o));
                          print_json(out);
                          return;
                        }
                        if (!o.alive) {
                          std::cout << "no writer";
                          if (o.present)
                            std::cout << " (stale owner record: pid " << o.pid << " on " << o.host << ", `" << o.command
                                      << "`, last heartbeat " << format_timestamp_iso(o.heartbeat_ms)
                                      << "; that process ended without closing the memory)";
                          std::cout << '\n';
                          return;
                        }
                        if (!o.present) {
                          // The lock is held but the record is not written yet (or was cleared).
                          std::cout << "writer: a process holds the lock (no owner record yet)\n";
                        } else {
                          std::cout << "writer: pid " << o.pid << " on " << o.host << '\n'
                                    << "command: " << o.command << '\n'
                                    << "started: " << format_timestamp_iso(o.started_ms) << '\n'
                                    << "heartbeat: " << format_timestamp_iso(o.heartbeat_ms) << '\n';
                        }
                        std::cout << "nudge requested: " << (o.nudge_requested ? "yes" : "no") << '\n';
                      }});
}

void add_nudge_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("nudge", "Ask the current writer to commit and release its lock");
  add_file_argument(*cmd, *path);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [path, &global] {
                        const OwnerInfo before = memvid::who(*path);
                        memvid::nudge(*path);
                        if (global.json) {
                          print_json({{"path", *path}, {"nudged", true}, {"writer_alive", before.alive},
                                      {"pid", before.alive ? Json(before.pid) : Json(nullptr)}});
                          return;
                        }
                        if (before.alive)
                          std::cout << "asked the writer (pid " << before.pid
                                    << ") to commit and release the lock at its next call\n";
                        else
                          std::cout << "no writer holds the lock right now; nothing to nudge\n";
                      }});
}

}  // namespace memvid::cli
