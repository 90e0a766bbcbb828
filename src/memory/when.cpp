#include "memvid/when.hpp"

#include <algorithm>

#include "memory/memvid_impl.hpp"
#include "memvid/error.hpp"

namespace memvid {

WhenResult Time::when(const WhenQuery& query) const {
  if (query.window_minutes < 0 || query.window_minutes > 10'000'000)
    throw Error(ErrorCode::InvalidArgument, "window_minutes must be between 0 and 10000000");
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
