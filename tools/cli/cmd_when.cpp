// memvid when FILE --on PHRASE [--tz ZONE] [--anchor TIME] [--window MIN] [--limit N]
//                  [--since TIME] [--until TIME] [--reverse] [--all] [--where JSON] [--mentions
//                  [--within]] [--json]
// The frames written within the window a time phrase names ("last monday", "Q4 2025", "in
// the last 24 hours"), resolved in a real time zone; the window is printed first so that the
// reading of the phrase is never a guess. With --mentions: the frames whose texts mention a
// day of the window ("March 2024" in a note written in June), each with its mentions.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/time.hpp"
#include "memvid/timestamp.hpp"
#include "memvid/when.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {
namespace {

struct WhenArgs {
  std::string path, on, since, until, where;
  TimeFlags time;
  std::int64_t window_minutes = 0;
  std::size_t limit = 0;
  bool reverse = false;
  bool all = false;
  bool mentions = false;
  bool within = false;
};

void run_when(const WhenArgs& a, const CLI::App& cmd, const GlobalOptions& global) {
  WhenQuery q;
  q.phrase = a.on;
  q.zone = a.time.zone();
  q.anchor_ms = a.time.anchor_ms().value_or(wall_clock_ms());
  q.window_minutes = a.window_minutes;
  if (cmd.count("--since") > 0) q.since_ms = timestamp_flag_value(a.since, TimeEdge::First, q.zone, q.anchor_ms);
  if (cmd.count("--until") > 0) q.until_ms = timestamp_flag_value(a.until, TimeEdge::Last, q.zone, q.anchor_ms);
  q.limit = a.limit;
  q.reverse = a.reverse;
  q.include_inactive = a.all;
  q.where = a.where;
  q.mentions = a.mentions;
  q.within = a.within;
  try {
    // Resolve first, so a bad phrase or zone is reported as such, before the file is opened.
    (void)resolve_time_phrase(q.phrase, {*q.anchor_ms, q.zone});
  } catch (const Error& e) {
    throw CommandError(e.code(), e.what(), kExitOther);
  }
  Memvid mem = Memvid::open_read_only(a.path, open_options(global));
  const WhenResult r = Time(mem).when(q);
  mem.close();

  if (global.json) {
    Json out = to_json(r);
    for (Json& frame : out["frames"])
      frame["local_time"] = format_local_time(frame["timestamp_ms"].get<std::int64_t>(), q.zone);
    out["count"] = r.frames.size();
    print_json(out);
    return;
  }
  const TimeWindow& w = r.window;
  std::cout << "window  " << w.start_local.value_or("*") << " .. " << w.end_local.value_or("*") << "  (" << a.on
            << ": " << w.granularity << ", " << w.zone << ")\n";
  if (w.ambiguous) std::cout << "note    " << w.note << '\n';
  std::size_t m = 0;
  for (const TimelineEntry& e : r.frames) {
    std::cout << '#' << e.id << "  " << format_local_time(e.timestamp_ms, q.zone);
    if (e.status != FrameStatus::Active) std::cout << "  (" << to_string(e.status) << ')';
    if (!e.title.empty()) std::cout << "  " << e.title;
    if (!e.preview.empty() && !q.mentions) std::cout << "  \u2014 " << e.preview;
    std::cout << '\n';
    for (; m < r.mentions.size() && r.mentions[m].frame == e.id; ++m) {
      const TimeMention& t = r.mentions[m];
      std::cout << "    \"" << t.text << "\"  " << t.first_day;
      if (t.last_day != t.first_day) std::cout << " .. " << t.last_day;
      std::cout << "  (" << t.granularity << (t.relative ? ", relative" : "") << (t.ambiguous ? ", ambiguous" : "")
                << ")  bytes " << t.begin << '-' << t.end << '\n';
    }
  }
  std::cout << r.frames.size() << (r.frames.size() == 1 ? " frame" : " frames") << '\n';
}

}  // namespace

void add_when_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<WhenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "when", "List the frames written within a time phrase's window (\"last monday\", \"Q4 2025\", \"in the last 24 "
              "hours\"); exits 1 when the phrase or zone cannot be resolved");
  add_file_argument(*cmd, args->path);
  cmd->add_option("--on", args->on,
                  "The time phrase: today, yesterday, last monday, this week, last month, 3 days ago, in the last 24 "
                  "hours, 2025-11-17, November 2025, nov 17, Q4 2025, 2025, since/before/until X, X to Y")
      ->required();
  add_time_flags(*cmd, args->time);
  cmd->add_option("--window", args->window_minutes, "Widen the window by this many minutes on each side")
      ->type_name("MIN")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
  cmd->add_option("--limit", args->limit, "At most this many frames (0: all)")->check(non_negative_integer());
  cmd->add_option("--since", args->since, "Also no earlier than this (ms, ISO-8601 or a phrase)")
      ->check(timestamp_validator());
  cmd->add_option("--until", args->until, "Also no later than this (a phrase counts to its end)")
      ->check(timestamp_validator());
  cmd->add_flag("--reverse", args->reverse, "Newest first");
  cmd->add_flag("--all", args->all, "Also deleted and superseded frames");
  cmd->add_option("--where", args->where, "Only frames whose metadata matches this JSON object");
  cmd->add_flag("--mentions", args->mentions,
                "Frames whose texts mention a day of the window (dates written in them), not frames written then");
  cmd->add_flag("--within", args->within,
                "With --mentions: only mentions that lie entirely within the window (not wider ranges such as "
                "\"2013-2019\" for March 2019)")
      ->needs("--mentions");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [args, cmd, &global] { run_when(*args, *cmd, global); }});
}

}  // namespace memvid::cli
