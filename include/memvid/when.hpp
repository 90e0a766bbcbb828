#pragma once
// `when`: the frames written within the window a time phrase names, read through a view of
// the handle (it reads the timeline; it adds no state). The CLI's `when` and both SDKs' `when` are this.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"
#include "memvid/time.hpp"
#include "memvid/view.hpp"

namespace memvid {

struct WhenQuery {
  std::string phrase;                     // "last monday", "Q4 2025", "in the last 24 hours"
  std::string zone = "UTC";               // IANA name, "UTC", "+05:30", "local"
  std::optional<std::int64_t> anchor_ms;  // what the phrase counts from; absent: now
  std::int64_t window_minutes = 0;        // widen the window this much on each side
  std::optional<std::int64_t> since_ms;   // and no earlier than this (inclusive)
  std::optional<std::int64_t> until_ms;   // and no later than this (inclusive)
  std::size_t limit = 0;                  // 0: every frame in the window
  bool reverse = false;                   // newest first
  bool include_inactive = false;          // also deleted and superseded frames
  std::string where;                      // metadata filter (FindOptions::where)
  // Frames whose texts mention a date in the window ("March 2024" in a note written in
  // June), rather than frames written then; the window's days are read in `zone`.
  bool mentions = false;
  // With mentions: only mentions that lie entirely within the window's days ("2019-03-26" for
  // March 2019, not "2013-2019"); without, every mention that shares a day with it.
  bool within = false;
};

struct WhenResult {
  std::string phrase;
  std::int64_t anchor_ms = 0;
  TimeWindow window;  // after --window widening
  std::vector<TimelineEntry> frames;
  // With WhenQuery::mentions: the mentions in the window, of the frames listed, in their order.
  std::vector<TimeMention> mentions;
};

// Time-based reads of a memory, as a view over its handle (memvid/view.hpp).
class Time : public View {
 public:
  explicit Time(Memvid& handle) : View(handle), handle_(&handle) {}

  // Throws Error(InvalidArgument) for a phrase or zone that cannot be resolved (before the
  // memory is read), and what Memvid::timeline throws; with mentions, Error(InvalidArgument) for a
  // memory created before date mentions were indexed. The anchor defaults to the handle's
  // clock.
  WhenResult when(const WhenQuery& query) const;

 private:
  Memvid* handle_;
};

}  // namespace memvid
