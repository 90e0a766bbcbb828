// memvid timeline FILE [--since TIME] [--until TIME] [--limit N] [--reverse] [--all] [--where JSON] [--tz ZONE]
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

void add_timeline_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  struct Args {
    std::string path;
    std::string since, until;
    std::size_t limit = 0;
    bool reverse = false;
    bool all = false;
    std::string where;
    TimeFlags time;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("timeline", "List frames in time order");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--since", args->since, "Only frames at or after this time (ms, ISO-8601, or a phrase such as \"last monday\")")
      ->check(timestamp_validator());
  cmd->add_option("--until", args->until, "Only frames at or before this time (a phrase counts to its end: --until yesterday)")
      ->check(timestamp_validator());
  add_time_flags(*cmd, args->time);
  cmd->add_option("--limit", args->limit, "At most this many frames (0: all)")->check(non_negative_integer());
  cmd->add_flag("--reverse", args->reverse, "Newest first");
  cmd->add_flag("--all", args->all, "Also deleted and superseded frames");
  cmd->add_option("--where", args->where, "Only frames whose metadata matches this JSON object, e.g. '{\"user\":\"alice\"}'");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, cmd, &global] {
                        TimelineQuery q;
                        const std::string zone = args->time.zone();
                        const auto anchor = args->time.anchor_ms();
                        if (cmd->count("--since") > 0)
                          q.since_ms = timestamp_flag_value(args->since, TimeEdge::First, zone, anchor);
                        if (cmd->count("--until") > 0)
                          q.until_ms = timestamp_flag_value(args->until, TimeEdge::Last, zone, anchor);
                        q.limit = args->limit;
                        q.reverse = args->reverse;
                        q.include_inactive = args->all;
                        q.where = args->where;
                        Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                        const std::vector<TimelineEntry> entries = mem.timeline(q);
                        mem.close();
                        if (global.json) {
                          Json out = Json::array();
                          for (const TimelineEntry& e : entries) out.push_back(to_json(e));
                          print_json(out);
                          return;
                        }
                        for (const TimelineEntry& e : entries) {
                          std::cout << '#' << e.id << "  " << format_timestamp_iso(e.timestamp_ms);
                          if (e.status != FrameStatus::Active) std::cout << "  (" << to_string(e.status) << ')';
                          if (!e.title.empty()) std::cout << "  " << e.title;
                          if (!e.preview.empty()) std::cout << "  \u2014 " << e.preview;
                          std::cout << '\n';
                        }
                      }});
}

}  // namespace memvid::cli
