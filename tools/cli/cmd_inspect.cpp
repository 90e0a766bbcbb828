// memvid inspect FILE / memvid dump-catalog FILE: the file's anatomy (header copies, footer,
// WAL, data region, live and dead bytes) and its segment catalog, read without a lock.
#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "output.hpp"

namespace memvid::cli {

namespace {

std::string frame_range(const CatalogEntry& c) {
  return "[" + std::to_string(c.first_frame) + ", " + std::to_string(c.end_frame) + ")";
}

Json header_json(const HeaderCopy& h) {
  Json j{{"offset", h.offset}, {"valid", h.valid}};
  if (!h.valid) return j;
  j["sequence"] = h.sequence;
  j["generation"] = h.generation;
  j["footer_offset"] = h.footer_offset;
  j["wal_offset"] = h.wal_offset;
  j["wal_size"] = h.wal_size;
  j["wal_salt"] = h.wal_salt;
  return j;
}

// Counts per kind: toc, lex, time and vec always, then any other part kind the catalog lists
// (fact, ...), in the order first seen.
std::vector<std::pair<std::string, std::uint64_t>> segment_counts(const FileAnatomy& a) {
  std::vector<std::pair<std::string, std::uint64_t>> out{{"toc", 0}, {"lex", 0}, {"time", 0}, {"vec", 0}};
  for (const CatalogEntry& c : a.segments) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == c.kind; });
    if (it == out.end()) it = out.insert(out.end(), {c.kind, 0});
    ++it->second;
  }
  return out;
}

}  // namespace

void add_inspect_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show the file's anatomy: headers, footer, WAL, regions, live and dead bytes");
  add_file_argument(*cmd, *path);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [path, &global] {
                        const FileAnatomy a = inspect_file(*path);
                        const auto counts = segment_counts(a);
                        if (global.json) {
                          Json segs = Json::object();
                          for (const auto& [kind, n] : counts) segs[kind] = n;
                          print_json({{"path", a.path},
                                      {"file_bytes", a.file_bytes},
                                      {"headers", {header_json(a.headers[0]), header_json(a.headers[1])}},
                                      {"used_header", a.used_header < 0 ? Json(nullptr) : Json(a.used_header == 0 ? "A" : "B")},
                                      {"owner_present", a.owner_present},
                                      {"owner_pid", a.owner_pid},
                                      {"generation", a.generation},
                                      {"footer_offset", a.footer_offset},
                                      {"toc_offset", a.toc_offset},
                                      {"toc_length", a.toc_length},
                                      {"prev_footer_offset", a.prev_footer_offset},
                                      {"wal_offset", a.headers[a.used_header].wal_offset},
                                      {"wal_size", a.headers[a.used_header].wal_size},
                                      {"wal_used_bytes", a.wal_used_bytes},
                                      {"wal_pending_transactions", a.wal_pending_transactions},
                                      {"wal_pending_frames", a.wal_pending_frames},
                                      {"data_start", a.data_start},
                                      {"committed_end", a.committed_end},
                                      {"frames", a.frames},
                                      {"language", a.language},
                                      {"chunk_bytes", a.chunk_bytes},
                                      {"chunk_overlap", a.chunk_overlap},
                                      {"embedding_model", a.embedding_model},
                                      {"embedding_dimension", a.embedding_dimension},
                                      {"vector_compression", a.vector_compression},
                                      {"indexed_frames", a.indexed_frames},
                                      {"live_bytes", a.live_bytes},
                                      {"dead_bytes", a.dead_bytes},
                                      {"segments", segs}});
                          return;
                        }
                        auto line = [](const char* name, const std::string& value) {
                          std::cout << name << std::string(22 - std::string_view(name).size(), ' ') << value << '\n';
                        };
                        auto n = [](std::uint64_t v) { return std::to_string(v); };
                        line("path", a.path);
                        line("file bytes", n(a.file_bytes));
                        for (int slot = 0; slot < 2; ++slot) {
                          const HeaderCopy& h = a.headers[slot];
                          std::string v = "offset " + n(h.offset) + ": ";
                          if (h.valid)
                            v += "sequence " + n(h.sequence) + ", generation " + n(h.generation) + ", footer at " +
                                 n(h.footer_offset) + (a.used_header == slot ? " (in use)" : "");
                          else
                            v += "invalid";
                          line(slot == 0 ? "header A" : "header B", v);
                        }
                        line("owner", a.owner_present ? "pid " + std::to_string(a.owner_pid) : "none (closed cleanly)");
                        line("generation", n(a.generation));
                        line("footer", "offset " + n(a.footer_offset));
                        line("TOC", "offset " + n(a.toc_offset) + ", " + n(a.toc_length) + " bytes");
                        line("previous footer", a.prev_footer_offset ? "offset " + n(a.prev_footer_offset) : "none");
                        const HeaderCopy& used = a.headers[a.used_header];
                        line("WAL", "offset " + n(used.wal_offset) + ", " + n(used.wal_size) + " bytes, " +
                                        n(a.wal_used_bytes) + " used: " + n(a.wal_pending_transactions) +
                                        " transactions pending (" + n(a.wal_pending_frames) + " new frames)");
                        line("data region", "from " + n(a.data_start) + ", committed end " + n(a.committed_end));
                        line("frames", n(a.frames) + " in the TOC" +
                                           (a.wal_pending_frames ? " + " + n(a.wal_pending_frames) + " in the WAL" : ""));
                        line("index", "language " + a.language + ", chunks " + n(a.chunk_bytes) + " bytes / " +
                                          n(a.chunk_overlap) + " overlap, " + n(a.indexed_frames) + " frames indexed");
                        line("embedding", a.embedding_model.empty()
                                              ? std::string("none")
                                              : a.embedding_model + ", dimension " + n(a.embedding_dimension) +
                                                    (a.vector_compression ? ", product-quantized" : ""));
                        line("live bytes", n(a.live_bytes));
                        line("dead bytes", n(a.dead_bytes));
                        std::string segs;
                        for (const auto& [kind, count] : counts) segs += (segs.empty() ? "" : ", ") + kind + " " + n(count);
                        line("segments", segs);
                      }});
}

void add_dump_catalog_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("dump-catalog", "List every live TOC segment and index part with offsets and checksums");
  add_file_argument(*cmd, *path);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [path, &global] {
                        const FileAnatomy a = inspect_file(*path);
                        if (global.json) {
                          Json out = Json::array();
                          for (const CatalogEntry& c : a.segments)
                            out.push_back({{"kind", c.kind},
                                           {"offset", c.offset},
                                           {"length", c.length},
                                           {"count", c.count},
                                           {"first_frame", c.first_frame},
                                           {"end_frame", c.end_frame},
                                           {"checksum", c.checksum_hex}});
                          print_json(out);
                          return;
                        }
                        for (const CatalogEntry& c : a.segments)
                          std::cout << c.kind << std::string(5 - std::min<std::size_t>(4, c.kind.size()), ' ')
                                    << "offset " << c.offset << "  length " << c.length << "  count " << c.count
                                    << "  frames " << frame_range(c) << "  checksum " << c.checksum_hex << '\n';
                      }});
}

}  // namespace memvid::cli
