#include "memvid/when.hpp"

#include <algorithm>
#include <map>

#include "index/mentions/mention_part.hpp"
#include "memory/memvid_impl.hpp"
#include "memvid/error.hpp"
#include "time/civil.hpp"
#include "time/time_mentions.hpp"
#include "time/time_zone.hpp"

namespace memvid {

namespace {

using civil::kEndDay;
using civil::kFirstDay;

// The calendar days [first, end) a window of instants covers on the zone's clocks.
std::pair<std::int64_t, std::int64_t> local_days(const TimeWindow& w, std::string_view zone) {
  const timezone::TimeZone tz = timezone::TimeZone::load(zone);
  const auto day_of = [&](std::int64_t ms) { return civil::floor_div(tz.local_ms(ms), civil::kMsPerDay); };
  const std::int64_t first = w.start_ms ? day_of(*w.start_ms) : kFirstDay;
  const std::int64_t end = w.end_ms ? day_of(*w.end_ms - 1) + 1 : kEndDay;
  return {std::max(first, kFirstDay), std::min(end, kEndDay)};
}

// The frames whose texts mention a day of the window, and those mentions, as the timeline
// lists frames (status, metadata, order, limit).
void find_mentions(const Memvid::Impl& impl, const WhenQuery& query, WhenResult& r) {
  if (!impl.index->settings().index_mentions)
    throw Error(ErrorCode::InvalidArgument,
                impl.s().path() + " does not index date mentions: it was created before they were indexed "
                                  "(create a new memory and copy the frames into it to search them)");
  const auto* part = dynamic_cast<const index::MentionPart*>(impl.index->part(index::MentionPart::kTag));
  if (!part) return;
  const store::Store& s = impl.s();
  const auto [first, end] = local_days(r.window, query.zone);
  if (first >= end) return;
  const std::vector<index::MentionRow> rows = part->overlapping(first, end, s.frame_count());
  std::map<std::uint64_t, std::vector<const index::MentionRow*>> by_frame;
  for (const index::MentionRow& m : rows)
    if (!query.within || (m.first_day >= first && m.end_day <= end)) by_frame[m.frame].push_back(&m);
  std::vector<index::TimeEntry> candidates;
  for (const auto& [frame, _] : by_frame) {
    const std::int64_t ts = s.entry(frame).timestamp_ms;
    if (query.since_ms && ts < *query.since_ms) continue;
    if (query.until_ms && ts > *query.until_ms) continue;
    candidates.push_back({ts, frame});
  }
  std::sort(candidates.begin(), candidates.end());
  TimelineQuery q;
  q.limit = query.limit;
  q.reverse = query.reverse;
  q.include_inactive = query.include_inactive;
  q.where = query.where;
  r.frames = timeline_of(impl, candidates, q);
  for (const TimelineEntry& f : r.frames) {
    const format::TocEntry& e = s.entry(f.id);
    if (e.record_removed()) continue;
    const std::vector<std::uint8_t> payload = format::frame_payload(s.read_record(e), e.record_offset);
    for (const index::MentionRow* m : by_frame[f.id]) {
      if (m->begin > payload.size() || m->length > payload.size() - m->begin) continue;  // another text now
      TimeMention t;
      t.frame = f.id;
      t.begin = m->begin;
      t.end = m->begin + m->length;
      t.text.assign(reinterpret_cast<const char*>(payload.data()) + m->begin, m->length);
      t.first_day = mentions::iso_day(m->first_day);
      t.last_day = mentions::iso_day(m->end_day - 1);
      t.granularity = mentions::grain_name(static_cast<mentions::Grain>(m->grain));
      t.relative = (m->flags & index::kMentionRelative) != 0;
      t.ambiguous = (m->flags & index::kMentionAmbiguous) != 0;
      r.mentions.push_back(std::move(t));
    }
  }
}

}  // namespace

WhenResult Time::when(const WhenQuery& query) const {
  if (query.window_minutes < 0 || query.window_minutes > 10'000'000)
    throw Error(ErrorCode::InvalidArgument, "window_minutes must be between 0 and 10000000");
  if (query.within && !query.mentions)
    throw Error(ErrorCode::InvalidArgument, "within applies to mentions: ask for the frames that mention the window");
  WhenResult r;
  r.phrase = query.phrase;
  r.anchor_ms = query.anchor_ms ? *query.anchor_ms : impl().env->now_ms();
  r.window = resolve_time_phrase(query.phrase, {r.anchor_ms, query.zone});
  if (query.window_minutes > 0) {
    const std::int64_t widen = query.window_minutes * 60'000;
    if (r.window.start_ms) *r.window.start_ms -= widen;
    if (r.window.end_ms) *r.window.end_ms += widen;
    if (r.window.start_ms) r.window.start_local = format_local_time(*r.window.start_ms, query.zone);
    if (r.window.end_ms) r.window.end_local = format_local_time(*r.window.end_ms, query.zone);
  }
  if (query.mentions) {
    std::lock_guard lock(impl().mu);
    find_mentions(impl(), query, r);
    return r;
  }
  TimelineQuery q;
  q.since_ms = r.window.start_ms;
  if (r.window.end_ms) q.until_ms = *r.window.end_ms - 1;
  if (query.since_ms) q.since_ms = q.since_ms ? std::max(*q.since_ms, *query.since_ms) : *query.since_ms;
  if (query.until_ms) q.until_ms = q.until_ms ? std::min(*q.until_ms, *query.until_ms) : *query.until_ms;
  q.limit = query.limit;
  q.reverse = query.reverse;
  q.include_inactive = query.include_inactive;
  q.where = query.where;
  if (!q.since_ms || !q.until_ms || *q.since_ms <= *q.until_ms) r.frames = handle_->timeline(q);
  return r;
}

}  // namespace memvid
