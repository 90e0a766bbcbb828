// memvid stats FILE: counts and sizes, from a read-only open.
#include <iostream>
#include <memory>
#include <utility>

#include "commands.hpp"
#include "output.hpp"

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
                        // One list drives both outputs, so text and JSON cannot drift apart.
                        const std::pair<const char*, std::uint64_t> fields[] = {
                            {"frames", s.frames},
                            {"active_frames", s.active_frames},
                            {"deleted_frames", s.deleted_frames},
                            {"superseded_frames", s.superseded_frames},
                            {"payload_bytes", s.payload_bytes},
                            {"stored_bytes", s.stored_bytes},
                            {"file_bytes", s.file_bytes},
                            {"wal_bytes", s.wal_bytes},
                            {"wal_used_bytes", s.wal_used_bytes},
                            {"wal_pending_transactions", s.wal_pending_transactions},
                            {"toc_segments", s.toc_segments},
                            {"generation", s.generation},
                            {"vectors", s.vectors},
                            {"embedding_dimension", s.embedding_dimension},
                        };
                        const std::pair<const char*, std::string> texts[] = {
                            {"embedding_model", s.embedding_model.empty() ? "none" : s.embedding_model},
                            {"vector_compression", s.vector_compression ? "pq" : "none"},
                            {"semantic_unavailable", s.semantic_unavailable},
                        };
                        if (global.json) {
                          Json out{{"path", *path}};
                          for (const auto& [name, value] : fields) out[name] = value;
                          for (const auto& [name, value] : texts) out[name] = value;
                          print_json(out);
                          return;
                        }
                        std::cout << "path                      " << *path << '\n';
                        for (const auto& [name, value] : fields)
                          std::cout << name << std::string(26 - std::string_view(name).size(), ' ') << value << '\n';
                        for (const auto& [name, value] : texts)
                          if (!value.empty())
                            std::cout << name << std::string(26 - std::string_view(name).size(), ' ') << value << '\n';
                      }});
}

}  // namespace memvid::cli
