// memvid when FILE --on PHRASE [--tz ZONE] [--anchor TIME] [--window MIN] [--limit N]
//                  [--since TIME] [--until TIME] [--reverse] [--all] [--where JSON] [--json]
// The frames written within the window a time phrase names ("last monday", "Q4 2025", "in
// the last 24 hours"), resolved in a real time zone; the window is printed first so that the
// reading of the phrase is never a guess.
#include <chrono>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/time.hpp"
#include "memvid/timestamp.hpp"
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
};

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string edge_text(const std::optional<std::int64_t>& ms, const std::string& zone) {
  return ms ? format_local_time(*ms, zone) : "*";
}

void run_when(const WhenArgs& a, const CLI::App& cmd, const GlobalOptions& global) {
  const std::string zone = a.time.zone();
  const std::int64_t anchor = a.time.anchor_ms().value_or(wall_clock_ms());
  TimeWindow w;
  try {
    check_time_zone(zone);
    w = resolve_time_phrase(a.on, {anchor, zone});
  } catch (const Error& e) {
    throw CommandError(e.code(), e.what(), kExitOther);
  }
  // --window widens the window by MIN minutes on each side ("around 15:00").
  const std::int64_t widen = a.window_minutes * 60'000;
  if (w.start_ms) *w.start_ms -= widen;
  if (w.end_ms) *w.end_ms += widen;

  TimelineQuery q;
  q.since_ms = w.start_ms;
  if (w.end_ms) q.until_ms = *w.end_ms - 1;
  if (cmd.count("--since") > 0) {
    const std::int64_t since = timestamp_flag_value(a.since, TimeEdge::First, zone, anchor);
    q.since_ms = q.since_ms ? std::max(*q.since_ms, since) : since;
  }
  if (cmd.count("--until") > 0) {
    const std::int64_t until = timestamp_flag_value(a.until, TimeEdge::Last, zone, anchor);
    q.until_ms = q.until_ms ? std::min(*q.until_ms, until) : until;
  }
  q.limit = a.limit;
  q.reverse = a.reverse;
  q.include_inactive = a.all;
  q.where = a.where;
  std::vector<TimelineEntry> entries;
  if (!q.since_ms || !q.until_ms || *q.since_ms <= *q.until_ms) {
    Memvid mem = Memvid::open_read_only(a.path, open_options(global));
    entries = mem.timeline(q);
    mem.close();
  }

  if (global.json) {
    Json window = Json::object();
    window["start"] = w.start_ms ? Json(format_local_time(*w.start_ms, zone)) : Json(nullptr);
    window["end"] = w.end_ms ? Json(format_local_time(*w.end_ms, zone)) : Json(nullptr);
    window["start_ms"] = w.start_ms ? Json(*w.start_ms) : Json(nullptr);
    window["end_ms"] = w.end_ms ? Json(*w.end_ms) : Json(nullptr);
    window["granularity"] = w.granularity;
    window["ambiguous"] = w.ambiguous;
    if (!w.note.empty()) window["note"] = w.note;
    Json out = Json::object();
    out["phrase"] = a.on;
    out["zone"] = w.zone;
    out["anchor"] = format_local_time(anchor, zone);
    out["window"] = std::move(window);
    Json frames = Json::array();
    for (const TimelineEntry& e : entries) {
      Json j = to_json(e);
      j["local_time"] = format_local_time(e.timestamp_ms, zone);
      frames.push_back(std::move(j));
    }
    out["count"] = entries.size();
    out["frames"] = std::move(frames);
    print_json(out);
    return;
  }
  std::cout << "window  " << edge_text(w.start_ms, zone) << " .. " << edge_text(w.end_ms, zone) << "  (" << a.on
            << ": " << w.granularity << ", " << w.zone << ")\n";
  if (w.ambiguous) std::cout << "note    " << w.note << '\n';
  for (const TimelineEntry& e : entries) {
    std::cout << '#' << e.id << "  " << format_local_time(e.timestamp_ms, zone);
    if (e.status != FrameStatus::Active) std::cout << "  (" << to_string(e.status) << ')';
    if (!e.title.empty()) std::cout << "  " << e.title;
    if (!e.preview.empty()) std::cout << "  \u2014 " << e.preview;
    std::cout << '\n';
  }
  std::cout << entries.size() << (entries.size() == 1 ? " frame" : " frames") << '\n';
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
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [args, cmd, &global] { run_when(*args, *cmd, global); }});
}

}  // namespace memvid::cli
