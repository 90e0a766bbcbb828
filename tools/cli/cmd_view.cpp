// memvid view FILE --frame N [--raw]: one frame's metadata and payload.
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "encoding.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "-" : out;
}

std::string id_or_dash(const std::optional<FrameId>& id) { return id ? std::to_string(*id) : "-"; }

void print_frame_text(const Frame& f) {
  auto row = [](const char* name, const std::string& value) {
    std::cout << name << std::string(15 - std::string_view(name).size(), ' ') << (value.empty() ? "-" : value) << '\n';
  };
  row("frame", std::to_string(f.id));
  row("kind", std::string(to_string(f.kind)));
  row("status", std::string(to_string(f.status)));
  row("time", format_timestamp_iso(f.timestamp_ms) + " (" + std::to_string(f.timestamp_ms) + ")");
  row("title", f.title);
  row("uri", f.uri);
  row("tags", join(f.tags));
  row("labels", join(f.labels));
  row("metadata", f.metadata_json);
  row("parent", id_or_dash(f.parent));
  row("supersedes", id_or_dash(f.supersedes));
  row("superseded_by", id_or_dash(f.superseded_by));
  row("content_hash", to_hex(f.content_hash));
  row("bytes", std::to_string(f.payload_bytes) + " payload, " + std::to_string(f.stored_bytes) + " stored" +
                   (f.compressed ? " (zstd)" : ""));
  std::cout << '\n';
  if (f.kind != FrameKind::Binary && is_valid_utf8(f.payload)) {
    std::cout << f.payload;
    if (!f.payload.empty() && f.payload.back() != '\n') std::cout << '\n';
  } else {
    std::cout << "(" << f.payload.size() << " bytes of binary payload; use --raw to write them out)\n";
  }
}

}  // namespace

void add_view_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path;
    FrameId frame = 0;
    bool raw = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("view", "Show one frame: its metadata and its text");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--frame", args->frame, "Frame id")->required()->check(non_negative_integer());
  auto* raw = cmd->add_flag("--raw", args->raw, "Write only the payload bytes to stdout");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  raw->excludes(cmd->get_option("--json"));

  registry.push_back({cmd, [args, &global] {
                        Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                        const Frame f = mem.frame(args->frame);
                        mem.close();
                        if (args->raw) {
                          std::cout.write(f.payload.data(), static_cast<std::streamsize>(f.payload.size()));
                          std::cout.flush();
                          if (!std::cout) throw Error(ErrorCode::Io, "cannot write the payload to stdout");
                        } else if (global.json) {
                          print_json(to_json(f));
                        } else {
                          print_frame_text(f);
                        }
                      }});
}

}  // namespace memvid::cli
